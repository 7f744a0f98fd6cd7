// The built-in NGSI-LD core context and request contexts built on it (NGSI-LD 1.8 §5.5.7:
// the core @context is always implicitly present, as the last one, and cannot be
// overridden).
#include "core/jsonld/core_context.hpp"

#include <array>
#include <cassert>
#include <cstdlib>

#include <boost/json/parse.hpp>

#include "core/jsonld/context_processing.hpp"

namespace renkei::core::jsonld {
namespace {

namespace json = boost::json;

// A broker applies the core context of the NGSI-LD version it implements whatever core URL a
// client names; renkei implements 1.8, so the earlier core URLs are aliases of the built-in
// v1.8 context and are never fetched.
constexpr std::array<std::string_view, 7> kCoreContextAliases = {
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld",
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld",
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.4.jsonld",
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.5.jsonld",
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld",
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld",
    kCoreContextUrl,
};

std::shared_ptr<const ActiveContext> BuildCoreContext() {
  boost::system::error_code error;
  json::value document = json::parse(CoreContextText(), error);
  assert(!error && document.is_object() && "the embedded core context is valid JSON");
  const json::value* inner =
      document.is_object() ? document.get_object().if_contains("@context") : nullptr;
  NoRemoteContexts no_loader;
  auto processed = inner != nullptr ? ProcessContext(*inner, no_loader, ActiveContext())
                                    : base::Result<std::shared_ptr<const ActiveContext>>(
                                          base::Error{base::ErrorCode::kInternalError, "", ""});
  if (!processed) {
    // The embedded text is fixed and covered by tests; failing here is a build defect.
    assert(false && "the embedded core context processes");
    std::abort();
  }
  return std::move(processed).value();
}

bool IsCoreContextOnly(const json::value& context) {
  if (const json::string* url = context.if_string()) return IsCoreContextUrl(*url);
  if (const json::array* items = context.if_array()) {
    for (const json::value& item : *items) {
      if (!item.is_string() || !IsCoreContextUrl(item.get_string())) return false;
    }
    return true;
  }
  return false;
}

}  // namespace

bool IsCoreContextUrl(std::string_view url) {
  for (std::string_view alias : kCoreContextAliases) {
    if (alias == url) return true;
  }
  return false;
}

std::shared_ptr<const ActiveContext> MakeCoreContext() {
  // C++11 guarantees thread-safe initialisation; the context is immutable afterwards.
  static const std::shared_ptr<const ActiveContext> core = BuildCoreContext();
  return core;
}

base::Result<std::shared_ptr<const ActiveContext>> WithUserContext(const json::value& user_context,
                                                                   ContextLoader& loader) {
  if (user_context.is_null() || IsCoreContextOnly(user_context)) return MakeCoreContext();
  ProcessingOptions options;
  options.override_protected = true;
  options.append_core_context = true;
  return ProcessContext(user_context, loader, ActiveContext(), options);
}

}  // namespace renkei::core::jsonld
