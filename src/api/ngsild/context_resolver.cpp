#include "api/ngsild/context_resolver.hpp"

#include <algorithm>

#include "core/json_text.hpp"
#include "core/jsonld/core_context.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;

// Loads through the catalog and notes each entry used, once (a context may name one twice).
class RecordingLoader final : public core::jsonld::ContextLoader {
 public:
  explicit RecordingLoader(ContextCatalog& catalog) : catalog_(catalog) {}

  base::Result<json::value> Load(std::string_view url) override {
    ContextUse use;
    RENKEI_TRY(auto document, catalog_.Load(url, &use));
    const bool seen = std::any_of(uses_.begin(), uses_.end(),
                                  [&](const ContextUse& u) { return u.local_id == use.local_id; });
    if (!seen) uses_.push_back(std::move(use));
    return document;
  }
  std::vector<ContextUse> TakeUses() { return std::move(uses_); }

 private:
  ContextCatalog& catalog_;
  std::vector<ContextUse> uses_;
};

}  // namespace

base::Result<std::shared_ptr<const core::jsonld::ActiveContext>> ContextResolver::Resolve(
    const json::value& user_context) {
  if (user_context.is_null()) return core::jsonld::MakeCoreContext();
  std::string key = core::ToJsonText(user_context);
  std::optional<Resolved> cached;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = contexts_.find(key); it != contexts_.end()) cached = it->second;
  }
  // An inline context uses no entry; one naming URLs is current while its entries are.
  if (cached && (cached->uses.empty() || catalog_.RecordUses(cached->uses))) {
    return cached->context;
  }
  RecordingLoader loader(catalog_);
  RENKEI_TRY(auto context, core::jsonld::WithUserContext(user_context, loader));
  Resolved resolved{context, loader.TakeUses()};
  if (!resolved.uses.empty()) (void)catalog_.RecordUses(resolved.uses);
  std::lock_guard<std::mutex> lock(mutex_);
  // A crude bound: inline contexts are unbounded in variety; start over when full.
  if (contexts_.size() >= kMaxCachedContexts) contexts_.clear();
  contexts_.insert_or_assign(std::move(key), std::move(resolved));
  return context;
}

}  // namespace renkei::api::ngsild
