#include "api/ngsild/context_catalog.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>

#include "core/json_text.hpp"
#include "core/jsonld/context_processing.hpp"
#include "core/jsonld/core_context.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using base::ErrorCode;

// The built-in core context's local id: stable across restarts, unlike generated ones.
constexpr std::string_view kCoreLocalId = "ngsi-ld-core-context-v1.8";
// How long an expired Cached copy stays in use after a failed refresh before the next try.
constexpr std::chrono::seconds kRetryAfterFailedRefresh{60};

// Answers every remote URL with an empty context, so that a context can be checked as JSON-LD
// without fetching what it refers to (Add @context must not depend on other hosts).
class UnfetchedRemoteContexts final : public core::jsonld::ContextLoader {
 public:
  base::Result<json::value> Load(std::string_view) override {
    return json::value(json::object{{"@context", json::object{}}});
  }
};

// NGSI-LD 1.8 §5.5.4: JSON-LD validation of an @context value, with the options request
// contexts are processed with (core_context.hpp WithUserContext).
base::Result<void> ValidateContext(const json::value& context_value) {
  UnfetchedRemoteContexts loader;
  core::jsonld::ProcessingOptions options;
  options.override_protected = true;
  RENKEI_TRY_VOID(
      core::jsonld::ProcessContext(context_value, loader, core::jsonld::ActiveContext(), options));
  return base::Ok();
}

base::Timestamp Plus(base::Timestamp t, std::chrono::seconds d) {
  return base::Timestamp{t.millis +
                         std::chrono::duration_cast<std::chrono::milliseconds>(d).count()};
}

}  // namespace

std::string_view ContextKindName(ContextKind kind) {
  switch (kind) {
    case ContextKind::kHosted:
      return "Hosted";
    case ContextKind::kCached:
      return "Cached";
    case ContextKind::kImplicitlyCreated:
      return "ImplicitlyCreated";
  }
  return "Cached";
}

std::optional<ContextKind> ParseContextKind(std::string_view name) {
  for (auto kind : {ContextKind::kHosted, ContextKind::kCached, ContextKind::kImplicitlyCreated}) {
    if (name == ContextKindName(kind)) return kind;
  }
  return std::nullopt;
}

ContextCatalog::ContextCatalog(ContextFetcher& fetcher, store::HostedContextStore& store,
                               const base::Clock& clock, ContextCatalogLimits limits)
    : fetcher_(fetcher), store_(store), clock_(clock), limits_(limits) {
  StoredContext core;
  core.local_id = std::string(kCoreLocalId);
  core.kind = ContextKind::kCached;
  core.origin_url = std::string(core::jsonld::kCoreContextUrl);
  core.document = json::parse(core::jsonld::CoreContextText());
  core.created_at = clock_.Now();
  core.built_in = true;
  std::lock_guard lock(mutex_);
  InsertLocked(std::move(core));
}

base::Result<void> ContextCatalog::LoadHosted() {
  RENKEI_TRY(auto records, store_.LoadHostedContexts());
  std::lock_guard lock(mutex_);
  for (auto& record : records) {
    json::error_code ec;
    json::value document = json::parse(record.document, ec);
    if (ec || !document.is_object()) {
      return base::Fail(ErrorCode::kInternalError, "InternalError",
                        "stored @context " + record.local_id + " is not a JSON object");
    }
    StoredContext info;
    info.local_id = std::move(record.local_id);
    info.kind = ContextKind::kHosted;
    info.document = std::move(document);
    info.created_at = record.created_at;
    InsertLocked(std::move(info));
  }
  return base::Ok();
}

ContextCatalog::Entry& ContextCatalog::InsertLocked(StoredContext info) {
  std::string id = info.local_id;
  if (info.kind == ContextKind::kCached && !info.built_in) {
    cached_by_url_[info.origin_url] = id;
  } else if (info.kind == ContextKind::kImplicitlyCreated) {
    implicit_by_text_[core::ToJsonText(info.document.at("@context"))] = id;
  }
  Entry& entry = entries_[id];
  entry.info = std::move(info);
  entry.revision = next_revision_++;
  entry.seq = next_seq_++;
  return entry;
}

ContextCatalog::Entry* ContextCatalog::FindLocked(std::string_view id_or_url) {
  if (auto it = entries_.find(id_or_url); it != entries_.end()) return &it->second;
  if (auto it = cached_by_url_.find(std::string(id_or_url)); it != cached_by_url_.end()) {
    return &entries_.at(it->second);
  }
  if (core::jsonld::IsCoreContextUrl(id_or_url)) return &entries_.at(std::string(kCoreLocalId));
  return nullptr;
}

std::optional<std::string> ContextCatalog::LocalIdOfOwnUrl(std::string_view url) const {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!url.starts_with(scheme)) continue;
    std::string_view rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view path = rest.substr(slash);
    // Any path prefix before kContextsPath: a reverse proxy may publish the broker under one
    // (https://gw.example.jp/renkei/ngsi-ld/v1/...), and clients that join a base URL with
    // our relative Location write it twice (ETSI 050_04_01). Ids are random UUIDs, so only
    // our own entries can match.
    const auto last_slash = path.rfind('/');
    if (!path.substr(0, last_slash + 1).ends_with(kContextsPath)) return std::nullopt;
    std::string_view id = path.substr(last_slash + 1);
    if (id.empty() || id.find_first_of("?#") != std::string_view::npos) return std::nullopt;
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.info.kind == ContextKind::kCached) return std::nullopt;
    return std::string(id);
  }
  return std::nullopt;
}

base::Result<FetchedContext> ContextCatalog::Download(std::string_view url) {
  RENKEI_TRY(auto fetched, fetcher_.Fetch(url));
  const auto* object = fetched.document.if_object();
  if (object == nullptr || !object->contains("@context")) {
    return base::Fail(ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
                      "the document at " + std::string(url) + " has no @context member");
  }
  return fetched;
}

base::Timestamp ContextCatalog::ExpiryFrom(base::Timestamp now,
                                           std::optional<std::chrono::seconds> max_age) const {
  return Plus(now, max_age.value_or(limits_.cached_lifetime));
}

void ContextCatalog::StoreDownloadLocked(std::string_view url, FetchedContext fetched,
                                         ContextUse* use) {
  const auto now = clock_.Now();
  Entry* entry = nullptr;
  if (auto it = cached_by_url_.find(std::string(url)); it != cached_by_url_.end()) {
    // A refresh (or a concurrent first download): same entry, new document and revision.
    entry = &entries_.at(it->second);
    entry->info.document = std::move(fetched.document);
    entry->revision = next_revision_++;
  } else {
    StoredContext info;
    info.local_id = ids_.Next();
    info.kind = ContextKind::kCached;
    info.origin_url = std::string(url);
    info.document = std::move(fetched.document);
    entry = &InsertLocked(std::move(info));
  }
  entry->info.created_at = now;
  entry->info.expires_at = ExpiryFrom(now, fetched.max_age);
  if (use != nullptr) *use = ContextUse{entry->info.local_id, entry->revision};
  if (cached_by_url_.size() > limits_.max_cached) DropLeastRecentlyUsedCachedLocked();
}

void ContextCatalog::DropLeastRecentlyUsedCachedLocked() {
  const Entry* oldest = nullptr;
  auto last_touch = [](const Entry& e) { return e.info.last_usage.value_or(e.info.created_at); };
  for (const auto& [url, id] : cached_by_url_) {
    const Entry& e = entries_.at(id);
    if (oldest == nullptr || last_touch(e) < last_touch(*oldest)) oldest = &e;
  }
  if (oldest == nullptr) return;
  cached_by_url_.erase(oldest->info.origin_url);
  entries_.erase(oldest->info.local_id);
}

base::Result<json::value> ContextCatalog::Load(std::string_view url, ContextUse* use) {
  std::optional<json::value> stale;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.Now();
    Entry* entry = nullptr;
    if (auto own = LocalIdOfOwnUrl(url)) {
      entry = &entries_.at(*own);
    } else if (auto it = cached_by_url_.find(std::string(url)); it != cached_by_url_.end()) {
      entry = &entries_.at(it->second);
      if (entry->info.expires_at && now >= *entry->info.expires_at) {
        stale = entry->info.document;
        entry = nullptr;
      }
    }
    if (entry != nullptr) {
      if (use != nullptr) *use = ContextUse{entry->info.local_id, entry->revision};
      return entry->info.document;
    }
  }
  auto fetched = Download(url);
  std::lock_guard lock(mutex_);
  if (fetched) {
    json::value document = fetched->document;
    StoreDownloadLocked(url, std::move(*fetched), use);
    return document;
  }
  auto it = cached_by_url_.find(std::string(url));
  if (!stale || it == cached_by_url_.end()) return base::Fail(fetched.error());
  // Keep serving the expired copy rather than failing every request while its host is down.
  Entry& entry = entries_.at(it->second);
  entry.info.expires_at = Plus(clock_.Now(), kRetryAfterFailedRefresh);
  if (use != nullptr) *use = ContextUse{entry.info.local_id, entry.revision};
  return entry.info.document;
}

bool ContextCatalog::RecordUses(const std::vector<ContextUse>& uses) {
  std::lock_guard lock(mutex_);
  const auto now = clock_.Now();
  std::vector<Entry*> used;
  used.reserve(uses.size());
  for (const auto& use : uses) {
    auto it = entries_.find(use.local_id);
    if (it == entries_.end() || it->second.revision != use.revision) return false;
    const auto& expires = it->second.info.expires_at;
    if (expires && now >= *expires) return false;
    used.push_back(&it->second);
  }
  // Counted only for a context that is used as it is, so a request rebuilt after a stale
  // answer counts once.
  for (Entry* entry : used) {
    ++entry->info.hits;
    entry->info.last_usage = now;
  }
  return true;
}

void ContextCatalog::AddHosted(json::value context_value,
                               std::function<void(base::Result<StoredContext>)> done) {
  if (auto valid = ValidateContext(context_value); !valid) return done(base::Fail(valid.error()));
  StoredContext info;
  info.kind = ContextKind::kHosted;
  info.document = json::object{{"@context", std::move(context_value)}};
  std::string text = core::ToJsonText(info.document);
  if (text.size() > limits_.max_document_bytes) {
    return done(base::Fail(ErrorCode::kPayloadTooLarge, "",
                           "a hosted @context may have at most " +
                               std::to_string(limits_.max_document_bytes) + " bytes"));
  }
  {
    std::lock_guard lock(mutex_);
    const auto hosted = std::count_if(entries_.begin(), entries_.end(), [](const auto& e) {
      return e.second.info.kind == ContextKind::kHosted;
    });
    if (static_cast<std::size_t>(hosted) + hosted_pending_ >= limits_.max_hosted) {
      return done(base::Fail(ErrorCode::kBadRequestData, "",
                             "the broker already hosts " + std::to_string(limits_.max_hosted) +
                                 " @contexts, its maximum; delete one first"));
    }
    ++hosted_pending_;
  }
  info.local_id = ids_.Next();
  info.created_at = clock_.Now();
  store::HostedContextRecord record{info.local_id, std::move(text), info.created_at};
  store_.AddHostedContext(std::move(record),
                          [this, info = std::move(info), done = std::move(done)](auto written) {
                            std::unique_lock lock(mutex_);
                            --hosted_pending_;
                            if (!written) {
                              lock.unlock();
                              return done(base::Fail(written.error()));
                            }
                            StoredContext added = InsertLocked(info).info;
                            lock.unlock();
                            done(std::move(added));
                          });
}

std::string StoredContextUrl(std::optional<std::string_view> host, const StoredContext& context) {
  if (context.kind == ContextKind::kCached) return context.origin_url;
  std::string path = std::string(kContextsPath) + context.local_id;
  return host && !host->empty() ? "http://" + std::string(*host) + path : path;
}

bool IsCompoundContext(const json::value& context_value) {
  if (context_value.is_object()) return true;
  const auto* list = context_value.if_array();
  if (list == nullptr) return false;
  return list->size() > 1 || std::any_of(list->begin(), list->end(),
                                         [](const json::value& v) { return !v.is_string(); });
}

StoredContext ContextCatalog::AddImplicit(const json::value& context_value) {
  std::lock_guard lock(mutex_);
  if (auto it = implicit_by_text_.find(core::ToJsonText(context_value));
      it != implicit_by_text_.end()) {
    return entries_.at(it->second).info;
  }
  StoredContext info;
  info.local_id = ids_.Next();
  info.kind = ContextKind::kImplicitlyCreated;
  info.document = json::object{{"@context", context_value}};
  info.created_at = clock_.Now();
  return InsertLocked(std::move(info)).info;
}

std::vector<StoredContext> ContextCatalog::List(std::optional<ContextKind> kind) const {
  std::lock_guard lock(mutex_);
  std::vector<const Entry*> selected;
  for (const auto& [id, entry] : entries_) {
    if (!kind || entry.info.kind == *kind) selected.push_back(&entry);
  }
  std::sort(selected.begin(), selected.end(),
            [](const Entry* a, const Entry* b) { return a->seq < b->seq; });
  std::vector<StoredContext> out;
  out.reserve(selected.size());
  for (const Entry* entry : selected) out.push_back(entry->info);
  return out;
}

std::optional<StoredContext> ContextCatalog::Find(std::string_view id_or_url, bool count_download) {
  std::lock_guard lock(mutex_);
  Entry* entry = FindLocked(id_or_url);
  if (entry == nullptr) return std::nullopt;
  if (count_download && entry->info.kind != ContextKind::kCached) {
    ++entry->info.hits;
    entry->info.last_usage = clock_.Now();
  }
  return entry->info;
}

void ContextCatalog::Delete(std::string_view id_or_url,
                            std::function<void(base::Result<void>)> done) {
  std::unique_lock lock(mutex_);
  Entry* entry = FindLocked(id_or_url);
  if (entry == nullptr) {
    lock.unlock();
    return done(base::Fail(ErrorCode::kResourceNotFound, "",
                           "no stored @context " + std::string(id_or_url)));
  }
  if (entry->info.built_in) {
    lock.unlock();
    return done(base::Fail(ErrorCode::kBadRequestData, "",
                           "the NGSI-LD core @context cannot be deleted (reload=true keeps "
                           "the built-in copy)"));
  }
  std::string id = entry->info.local_id;
  if (entry->info.kind == ContextKind::kHosted) {
    lock.unlock();
    // Forgotten only once the removal is durable: a failed write leaves it usable.
    store_.EraseHostedContext(id, [this, id, done = std::move(done)](base::Result<void> erased) {
      if (erased) {
        std::lock_guard erase_lock(mutex_);
        entries_.erase(id);
      }
      done(std::move(erased));
    });
    return;
  }
  if (entry->info.kind == ContextKind::kCached) {
    cached_by_url_.erase(entry->info.origin_url);
  } else {
    implicit_by_text_.erase(core::ToJsonText(entry->info.document.at("@context")));
  }
  entries_.erase(id);
  lock.unlock();
  done(base::Ok());
}

base::Result<void> ContextCatalog::Reload(std::string_view id_or_url) {
  std::string url;
  {
    std::lock_guard lock(mutex_);
    const Entry* entry = FindLocked(id_or_url);
    if (entry == nullptr) {
      return base::Fail(ErrorCode::kResourceNotFound, "",
                        "no stored @context " + std::string(id_or_url));
    }
    if (entry->info.built_in) return base::Ok();
    if (entry->info.kind != ContextKind::kCached) {
      return base::Fail(ErrorCode::kBadRequestData, "",
                        "only Cached @contexts can be reloaded; " + entry->info.local_id + " is " +
                            std::string(ContextKindName(entry->info.kind)));
    }
    url = entry->info.origin_url;
  }
  RENKEI_TRY(auto fetched, Download(url));
  if (auto valid = ValidateContext(fetched.document.at("@context")); !valid) {
    return base::Fail(
        ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
        "the @context downloaded from " + url + " is invalid: " + valid.error().detail);
  }
  std::lock_guard lock(mutex_);
  StoreDownloadLocked(url, std::move(fetched), nullptr);
  return base::Ok();
}

}  // namespace renkei::api::ngsild
