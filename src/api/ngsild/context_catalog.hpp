// ContextCatalog: the broker's @context storage (ETSI GS CIM 009 v1.8 §5.13), which the
// /jsonldContexts API manages and every request's @context processing reads through.
//
// Entries have a locally unique id and one of the kinds of §5.13.1:
//   - Hosted: added by a client (§5.13.2); persisted through store::HostedContextStore, so
//     they survive a restart; served on demand at kContextsPath + id.
//   - Cached: downloaded from a URL a request named (Link header, or a URL inside an
//     @context) and reused until they expire: the server's Cache-Control max-age when it
//     sends one, else `cached_lifetime` (the heuristic §5.13.1 asks for). An expired copy is
//     fetched again at its next use; if that fails the old copy stays in use and is retried
//     a minute later, so an unreachable context host does not break clients that already
//     work. Never served (§5.13.4), only their metadata. In memory only.
//   - ImplicitlyCreated: made by the broker itself for a compound @context it must refer to
//     by one URL (a subscription's, shown as its jsonldContext, §5.13.1); served like Hosted;
//     in memory only.
// The NGSI-LD core context is listed as one built-in Cached entry (it is a copy of the
// document at its ETSI URL, compiled in, core/jsonld/core_context.hpp): it is never
// fetched, cannot be deleted (every request needs it, §5.5.7), and a reload keeps the
// built-in copy.
//
// Contexts are global, not per tenant (NGSILD-Tenant is ignored): a JSON-LD processor
// dereferences an @context URL with a plain GET that carries no tenant (JSON-LD 1.1 API
// §9.4), so a hosted context's URL must name the same document for every tenant and for
// processors outside the broker, and §5.13 keys cached copies by their original URL alone.
//
// A URL of the form http(s)://<any host>[/<any prefix>]/ngsi-ld/v1/jsonldContexts/<id> whose <id>
// is a Hosted or ImplicitlyCreated entry of this catalog resolves locally, without an HTTP request
// to ourselves. Ids are random 128-bit UUIDs, so another broker's URL cannot match.
//
// numberOfHits counts the requests whose @context used an entry (directly or nested in
// another context) plus the downloads of a served entry; metadata reads do not count.
//
// Thread-safety: every method may be called from any thread. Entries are guarded by
// mutex_; fetches and store writes run without holding it. Completion callbacks of
// AddHosted and Delete run on the store's writer thread (or inline on early failure).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "api/common/correlator.hpp"
#include "api/ngsild/context_fetcher.hpp"
#include "base/result.hpp"
#include "base/time.hpp"
#include "store/hosted_context_store.hpp"

namespace renkei::api::ngsild {

inline constexpr std::string_view kContextsPath = "/ngsi-ld/v1/jsonldContexts/";

enum class ContextKind { kHosted, kCached, kImplicitlyCreated };
// "Hosted", "Cached", "ImplicitlyCreated" (§5.13.3.3).
std::string_view ContextKindName(ContextKind kind);
std::optional<ContextKind> ParseContextKind(std::string_view name);

// A copy of one entry, as management operations see it.
struct StoredContext {
  std::string local_id;
  ContextKind kind = ContextKind::kCached;
  std::string origin_url;       // Cached: the URL it was downloaded from; else empty
  boost::json::value document;  // {"@context": ...}
  base::Timestamp created_at;
  std::optional<base::Timestamp> expires_at;  // Cached, except the built-in core context
  std::optional<base::Timestamp> last_usage;
  std::uint64_t hits = 0;
  bool built_in = false;  // the compiled-in NGSI-LD core context
};

// §5.13.3.1: where a stored context can be downloaded: a Cached one at its original URL, the
// others at kContextsPath + local id under `host` (the Host the client reached us at; the
// bare path without one).
std::string StoredContextUrl(std::optional<std::string_view> host, const StoredContext& context);

// Whether an @context value needs an ImplicitlyCreated entry to be named by one URL
// (§5.13.1): an inline object, or an array of more than one member or with an inline one.
bool IsCompoundContext(const boost::json::value& context_value);

struct ContextCatalogLimits {
  std::size_t max_hosted = 1000;  // Hosted entries in total; more is BadRequestData
  std::size_t max_cached = 1000;  // beyond, the least recently used Cached entry is dropped
  // Size of a hosted document as stored (compact JSON); larger is 413. Remote documents
  // are bounded by HttpContextFetcher::kMaxDocumentBytes.
  std::size_t max_document_bytes = 1024 * 1024;
  std::chrono::seconds cached_lifetime{std::chrono::hours(24)};
};

// Which entry (and which version of its document) a request's @context processing used.
struct ContextUse {
  std::string local_id;
  std::uint64_t revision = 0;
};

class ContextCatalog {
 public:
  ContextCatalog(ContextFetcher& fetcher, store::HostedContextStore& store,
                 const base::Clock& clock, ContextCatalogLimits limits = {});

  // Reads the persisted Hosted entries; called once before serving requests.
  base::Result<void> LoadHosted();

  // The document at `url` for @context processing: a local Hosted/ImplicitlyCreated entry,
  // a fresh Cached copy, or a download stored as a new Cached entry. `use` (may be null)
  // receives the entry used. Errors: kLdContextNotAvailable (download failed, or the
  // document is not a JSON object with an "@context" member).
  base::Result<boost::json::value> Load(std::string_view url, ContextUse* use);

  // Counts one use of each entry (numberOfHits, lastUsage). False when one of them was
  // deleted, reloaded or has expired since: the caller must process its @context again.
  bool RecordUses(const std::vector<ContextUse>& uses);

  // §5.13.2: `context_value` is the "@context" member of the client's object. Validated
  // as JSON-LD without fetching the URLs it names (they are fetched at first use):
  // BadRequestData when invalid, kPayloadTooLarge beyond max_document_bytes,
  // BadRequestData when max_hosted entries exist. `done` gets the new entry once durable.
  void AddHosted(boost::json::value context_value,
                 std::function<void(base::Result<StoredContext>)> done);
  // §5.13.1: an ImplicitlyCreated entry for `context_value` (the same value gives the
  // same entry). Not persisted.
  StoredContext AddImplicit(const boost::json::value& context_value);

  // §5.13.3: all entries, or those of one kind, in the order they were stored.
  std::vector<StoredContext> List(std::optional<ContextKind> kind) const;
  // §5.13.4: by local id or, for Cached entries, by their original URL (any NGSI-LD core
  // context URL names the built-in entry). `count_download` counts a hit when the content
  // is served. nullopt when unknown.
  std::optional<StoredContext> Find(std::string_view id_or_url, bool count_download = false);

  // §5.13.5 without reload: removes the entry (Hosted ones durably first). Errors:
  // kResourceNotFound, kBadRequestData for the built-in core context.
  void Delete(std::string_view id_or_url, std::function<void(base::Result<void>)> done);
  // §5.13.5 with reload=true: downloads a Cached entry again and replaces its document;
  // kLdContextNotAvailable (the entry is kept) when that fails or the document is not a
  // valid @context; kBadRequestData for other kinds; kResourceNotFound when unknown. The
  // built-in core context keeps its compiled-in copy (nothing to download).
  base::Result<void> Reload(std::string_view id_or_url);

 private:
  struct Entry {
    StoredContext info;
    std::uint64_t revision = 0;  // unique per stored document; a replaced one gets a new one
    std::uint64_t seq = 0;       // storage order
  };

  // The entry an id or URL names; nullptr when none. Caller holds mutex_.
  Entry* FindLocked(std::string_view id_or_url);
  Entry& InsertLocked(StoredContext info);
  // The local id of a URL naming one of our served entries, if it does.
  std::optional<std::string> LocalIdOfOwnUrl(std::string_view url) const;
  // A download that is a JSON object with an "@context" member (else kLdContextNotAvailable).
  base::Result<FetchedContext> Download(std::string_view url);
  // Stores a download as the Cached entry of `url` (new, or replacing its document).
  void StoreDownloadLocked(std::string_view url, FetchedContext fetched, ContextUse* use);
  void DropLeastRecentlyUsedCachedLocked();
  base::Timestamp ExpiryFrom(base::Timestamp now,
                             std::optional<std::chrono::seconds> max_age) const;

  ContextFetcher& fetcher_;
  store::HostedContextStore& store_;
  const base::Clock& clock_;
  const ContextCatalogLimits limits_;
  common::CorrelatorSource ids_;  // random UUIDs for local ids

  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;  // by local id; guarded by mutex_
  // Cached entries by original URL, implicit ones by their serialized @context; guarded.
  std::unordered_map<std::string, std::string> cached_by_url_;
  std::unordered_map<std::string, std::string> implicit_by_text_;
  std::size_t hosted_pending_ = 0;   // AddHosted calls not yet committed; guarded
  std::uint64_t next_revision_ = 1;  // guarded
  std::uint64_t next_seq_ = 1;       // guarded
};

}  // namespace renkei::api::ngsild
