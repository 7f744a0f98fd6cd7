// ContextCatalog (NGSI-LD 1.8 §5.13) with a scripted fetcher, an in-memory hosted-context
// store and a manual clock: kinds, lookups by id and URL, expiry and stale copies, reload,
// delete rules, hit counting through the ContextResolver, local resolution of own URLs.
#include "api/ngsild/context_catalog.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/ngsild/context_resolver.hpp"
#include "api/ngsild/ld_names.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;

class ManualClock final : public base::Clock {
 public:
  base::Timestamp Now() const override { return now; }
  base::Timestamp now{1'700'000'000'000};
};

// Answers each URL with its scripted document; a URL without one is unreachable.
class ScriptedFetcher final : public ContextFetcher {
 public:
  base::Result<FetchedContext> Fetch(std::string_view url) override {
    ++fetches;
    auto it = documents.find(std::string(url));
    if (it == documents.end()) {
      return base::Fail(base::ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
                        "unreachable " + std::string(url));
    }
    return FetchedContext{json::parse(it->second), max_age};
  }
  std::map<std::string, std::string> documents;
  std::optional<std::chrono::seconds> max_age;
  int fetches = 0;
};

class MemoryHostedStore final : public store::HostedContextStore {
 public:
  base::Result<std::vector<store::HostedContextRecord>> LoadHostedContexts() override {
    return records;
  }
  void AddHostedContext(store::HostedContextRecord record, store::WriteDone done) override {
    if (fail_writes) return done(base::Fail(base::ErrorCode::kInternalError, "", "disk full"));
    records.push_back(std::move(record));
    done(base::Ok());
  }
  void EraseHostedContext(std::string local_id, store::WriteDone done) override {
    auto it = std::find_if(records.begin(), records.end(),
                           [&](const auto& r) { return r.local_id == local_id; });
    if (it == records.end()) {
      return done(base::Fail(base::ErrorCode::kResourceNotFound, "", "absent"));
    }
    records.erase(it);
    done(base::Ok());
  }
  std::vector<store::HostedContextRecord> records;
  bool fail_writes = false;
};

constexpr std::string_view kShelfUrl = "http://contexts.example/shelf.jsonld";
constexpr std::string_view kShelfContext =
    R"({"@context": {"Shelf": "https://example.org/Shelf", "stock": "https://example.org/stock"}})";

class ContextCatalogTest : public ::testing::Test {
 protected:
  ContextCatalogTest() { fetcher_.documents[std::string(kShelfUrl)] = kShelfContext; }

  base::Result<StoredContext> AddHosted(std::string_view context_json) {
    std::optional<base::Result<StoredContext>> result;
    catalog_.AddHosted(json::parse(context_json),
                       [&](base::Result<StoredContext> r) { result = std::move(r); });
    EXPECT_TRUE(result.has_value()) << "the in-memory store answers inline";
    return std::move(*result);
  }
  base::Result<void> Delete(std::string_view id) {
    std::optional<base::Result<void>> result;
    catalog_.Delete(id, [&](base::Result<void> r) { result = std::move(r); });
    EXPECT_TRUE(result.has_value());
    return std::move(*result);
  }
  std::uint64_t HitsOf(std::string_view id) { return catalog_.Find(id)->hits; }

  ManualClock clock_;
  ScriptedFetcher fetcher_;
  MemoryHostedStore store_;
  ContextCatalog catalog_{fetcher_, store_, clock_, ContextCatalogLimits{}};
  ContextResolver resolver_{catalog_};
};

TEST_F(ContextCatalogTest, TheCoreContextIsOneBuiltInCachedEntry) {
  const auto listed = catalog_.List(std::nullopt);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].built_in);
  EXPECT_EQ(listed[0].kind, ContextKind::kCached);
  EXPECT_EQ(listed[0].origin_url,
            "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld");
  // Older core URLs name it too; it is never fetched, deleted or replaced.
  ASSERT_TRUE(catalog_.Find("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld"));
  auto deleted = Delete("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld");
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().code, base::ErrorCode::kBadRequestData);
  EXPECT_TRUE(catalog_.Reload(listed[0].local_id).has_value());
  EXPECT_EQ(fetcher_.fetches, 0);
  EXPECT_EQ(catalog_.List(std::nullopt).size(), 1u);
}

TEST_F(ContextCatalogTest, HostedContextsArePersistedValidatedAndServedLocally) {
  auto added = AddHosted(R"({"A1": "urn:ngsi-ld:attributes:A1"})");
  ASSERT_TRUE(added.has_value()) << added.error().detail;
  EXPECT_EQ(added->kind, ContextKind::kHosted);
  ASSERT_EQ(store_.records.size(), 1u);
  EXPECT_EQ(store_.records[0].local_id, added->local_id);
  EXPECT_EQ(json::parse(store_.records[0].document),
            json::parse(R"({"@context": {"A1": "urn:ngsi-ld:attributes:A1"}})"));

  // A Link to this broker's URL of it resolves without any fetch, and counts as a hit.
  const std::string own = "http://broker.example:1026/ngsi-ld/v1/jsonldContexts/" + added->local_id;
  auto context = resolver_.Resolve(json::string(own));
  ASSERT_TRUE(context.has_value()) << context.error().detail;
  EXPECT_EQ(StoredName(**context, "A1"), "urn:ngsi-ld:attributes:A1");
  EXPECT_EQ(fetcher_.fetches, 0);
  EXPECT_EQ(HitsOf(added->local_id), 1u);
  ASSERT_TRUE(resolver_.Resolve(json::string(own)).has_value());
  EXPECT_EQ(HitsOf(added->local_id), 2u);
  // Also under a path prefix (a reverse proxy's, or our relative Location joined to a base
  // URL that already ends in /ngsi-ld/v1); an unknown id there is fetched like any URL.
  for (const std::string& prefixed :
       {"https://gw.example.jp/renkei/ngsi-ld/v1/jsonldContexts/" + added->local_id,
        "http://127.0.0.1:1026/ngsi-ld/v1/ngsi-ld/v1/jsonldContexts/" + added->local_id}) {
    ASSERT_TRUE(resolver_.Resolve(json::string(prefixed)).has_value()) << prefixed;
  }
  EXPECT_EQ(fetcher_.fetches, 0);
  EXPECT_FALSE(
      resolver_.Resolve(json::string("http://gw.example.jp/x/ngsi-ld/v1/jsonldContexts/unknown")));
  EXPECT_EQ(fetcher_.fetches, 1);

  // Invalid JSON-LD is refused; the URLs it names are not fetched at add time.
  auto invalid = AddHosted(R"({"A1": 5})");
  ASSERT_FALSE(invalid.has_value());
  EXPECT_EQ(invalid.error().code, base::ErrorCode::kBadRequestData);
  ASSERT_TRUE(AddHosted(R"(["http://unreachable.example/ctx.jsonld"])").has_value());
  EXPECT_EQ(fetcher_.fetches, 1);
}

TEST_F(ContextCatalogTest, HostedContextsSurviveARestartAndAreDeletedDurably) {
  auto added = AddHosted(R"({"A1": "urn:ngsi-ld:attributes:A1"})");
  ASSERT_TRUE(added.has_value());
  ContextCatalog restarted(fetcher_, store_, clock_);
  ASSERT_TRUE(restarted.LoadHosted().has_value());
  auto found = restarted.Find(added->local_id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->kind, ContextKind::kHosted);
  EXPECT_EQ(found->created_at, added->created_at);

  store_.fail_writes = true;
  EXPECT_FALSE(AddHosted(R"({"B1": "urn:b1"})").has_value());
  EXPECT_EQ(catalog_.List(ContextKind::kHosted).size(), 1u);
  ASSERT_TRUE(Delete(added->local_id).has_value());
  EXPECT_TRUE(store_.records.empty());
  EXPECT_FALSE(catalog_.Find(added->local_id).has_value());
  EXPECT_EQ(Delete(added->local_id).error().code, base::ErrorCode::kResourceNotFound);
}

TEST_F(ContextCatalogTest, HostedLimitsAreEnforced) {
  ContextCatalogLimits limits;
  limits.max_hosted = 1;
  limits.max_document_bytes = 64;
  ContextCatalog small(fetcher_, store_, clock_, limits);
  auto add = [&](std::string_view text) {
    std::optional<base::Result<StoredContext>> result;
    small.AddHosted(json::parse(text), [&](auto r) { result = std::move(r); });
    return std::move(*result);
  };
  auto too_big = add(R"({"A1": "urn:ngsi-ld:attributes:A1", "A2": "urn:ngsi-ld:attributes:A2"})");
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().code, base::ErrorCode::kPayloadTooLarge);
  ASSERT_TRUE(add(R"({"A1": "urn:a1"})").has_value());
  auto too_many = add(R"({"A2": "urn:a2"})");
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().code, base::ErrorCode::kBadRequestData);
}

TEST_F(ContextCatalogTest, DownloadsAreCachedUntilTheyExpire) {
  auto first = resolver_.Resolve(json::string(kShelfUrl));
  ASSERT_TRUE(first.has_value()) << first.error().detail;
  ASSERT_TRUE(resolver_.Resolve(json::string(kShelfUrl)).has_value());
  EXPECT_EQ(fetcher_.fetches, 1);
  auto cached = catalog_.Find(kShelfUrl);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->kind, ContextKind::kCached);
  EXPECT_EQ(cached->origin_url, kShelfUrl);
  EXPECT_EQ(cached->hits, 2u);
  ASSERT_TRUE(cached->expires_at.has_value());
  EXPECT_EQ(cached->expires_at->millis - cached->created_at.millis, 24 * 3600 * 1000);
  EXPECT_EQ(catalog_.Find(cached->local_id)->origin_url, kShelfUrl);

  // Expired: fetched again at the next use, the request counting once.
  clock_.now.millis += 24 * 3600 * 1000;
  fetcher_.documents[std::string(kShelfUrl)] =
      R"({"@context": {"Shelf": "https://example.org/v2/Shelf"}})";
  auto refreshed = resolver_.Resolve(json::string(kShelfUrl));
  ASSERT_TRUE(refreshed.has_value());
  EXPECT_EQ(StoredName(**refreshed, "Shelf"), "https://example.org/v2/Shelf");
  EXPECT_EQ(fetcher_.fetches, 2);
  EXPECT_EQ(HitsOf(kShelfUrl), 3u);
}

TEST_F(ContextCatalogTest, AnExpiredCopyStaysInUseWhileItsHostIsDown) {
  fetcher_.max_age = std::chrono::seconds(10);
  ASSERT_TRUE(resolver_.Resolve(json::string(kShelfUrl)).has_value());
  EXPECT_EQ(catalog_.Find(kShelfUrl)->expires_at->millis, clock_.now.millis + 10'000);
  fetcher_.documents.clear();
  clock_.now.millis += 11'000;
  auto stale = resolver_.Resolve(json::string(kShelfUrl));
  ASSERT_TRUE(stale.has_value()) << stale.error().detail;
  EXPECT_EQ(StoredName(**stale, "Shelf"), "https://example.org/Shelf");
  EXPECT_EQ(fetcher_.fetches, 2);
  // Not retried at every request: a minute later.
  ASSERT_TRUE(resolver_.Resolve(json::string(kShelfUrl)).has_value());
  EXPECT_EQ(fetcher_.fetches, 2);
}

TEST_F(ContextCatalogTest, ReloadReplacesACachedCopyOrKeepsItOnFailure) {
  ASSERT_TRUE(resolver_.Resolve(json::string(kShelfUrl)).has_value());
  fetcher_.documents[std::string(kShelfUrl)] = R"({"@context": {"Shelf": 7}})";
  auto invalid = catalog_.Reload(kShelfUrl);
  ASSERT_FALSE(invalid.has_value());
  EXPECT_EQ(invalid.error().code, base::ErrorCode::kLdContextNotAvailable);
  fetcher_.documents.clear();
  EXPECT_EQ(catalog_.Reload(kShelfUrl).error().code, base::ErrorCode::kLdContextNotAvailable);
  ASSERT_TRUE(catalog_.Find(kShelfUrl).has_value());

  fetcher_.documents[std::string(kShelfUrl)] =
      R"({"@context": {"Shelf": "https://example.org/v3/Shelf"}})";
  ASSERT_TRUE(catalog_.Reload(kShelfUrl).has_value());
  // The processed context built from the old copy is not reused.
  auto reloaded = resolver_.Resolve(json::string(kShelfUrl));
  ASSERT_TRUE(reloaded.has_value());
  EXPECT_EQ(StoredName(**reloaded, "Shelf"), "https://example.org/v3/Shelf");

  auto hosted = AddHosted(R"({"A1": "urn:a1"})");
  ASSERT_TRUE(hosted.has_value());
  EXPECT_EQ(catalog_.Reload(hosted->local_id).error().code, base::ErrorCode::kBadRequestData);
  EXPECT_EQ(catalog_.Reload("nothing").error().code, base::ErrorCode::kResourceNotFound);
}

TEST_F(ContextCatalogTest, DeletingACachedCopyMakesTheNextUseFetchAgain) {
  ASSERT_TRUE(resolver_.Resolve(json::string(kShelfUrl)).has_value());
  ASSERT_TRUE(Delete(kShelfUrl).has_value());
  EXPECT_FALSE(catalog_.Find(kShelfUrl).has_value());
  ASSERT_TRUE(resolver_.Resolve(json::string(kShelfUrl)).has_value());
  EXPECT_EQ(fetcher_.fetches, 2);
  EXPECT_EQ(HitsOf(kShelfUrl), 1u);
}

TEST_F(ContextCatalogTest, NestedUrlsOfAHostedContextBecomeCachedEntries) {
  auto hosted = AddHosted(R"([")" + std::string(kShelfUrl) + R"(", {"A1": "urn:a1"}])");
  ASSERT_TRUE(hosted.has_value());
  auto context = resolver_.Resolve(
      json::string("http://localhost/ngsi-ld/v1/jsonldContexts/" + hosted->local_id));
  ASSERT_TRUE(context.has_value()) << context.error().detail;
  EXPECT_EQ(StoredName(**context, "stock"), "https://example.org/stock");
  EXPECT_EQ(HitsOf(hosted->local_id), 1u);
  EXPECT_EQ(HitsOf(kShelfUrl), 1u);
  EXPECT_EQ(catalog_.List(ContextKind::kCached).size(), 2u);  // with the core context
}

TEST_F(ContextCatalogTest, ImplicitContextsAreSharedAndDeletable) {
  const auto value = json::parse(R"(["http://a.example/1.jsonld", "http://a.example/2.jsonld"])");
  const auto first = catalog_.AddImplicit(value);
  EXPECT_EQ(first.kind, ContextKind::kImplicitlyCreated);
  EXPECT_EQ(catalog_.AddImplicit(value).local_id, first.local_id);
  EXPECT_EQ(catalog_.List(ContextKind::kImplicitlyCreated).size(), 1u);
  EXPECT_EQ(catalog_.Reload(first.local_id).error().code, base::ErrorCode::kBadRequestData);
  ASSERT_TRUE(Delete(first.local_id).has_value());
  EXPECT_NE(catalog_.AddImplicit(value).local_id, first.local_id);
}

TEST_F(ContextCatalogTest, UnreachableUrlsAreNotStored) {
  auto r = resolver_.Resolve(json::string("http://unreachable.example/ctx.jsonld"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, base::ErrorCode::kLdContextNotAvailable);
  EXPECT_EQ(catalog_.List(std::nullopt).size(), 1u);
  fetcher_.documents["http://contexts.example/no-context.json"] = R"({"a": 1})";
  EXPECT_EQ(resolver_.Resolve(json::string("http://contexts.example/no-context.json")).error().code,
            base::ErrorCode::kLdContextNotAvailable);
}

TEST(ContextKindTest, NamesRoundTrip) {
  for (auto kind : {ContextKind::kHosted, ContextKind::kCached, ContextKind::kImplicitlyCreated}) {
    EXPECT_EQ(ParseContextKind(ContextKindName(kind)), kind);
  }
  EXPECT_FALSE(ParseContextKind("hosted").has_value());
}

TEST(CacheControlTest, MaxAge) {
  EXPECT_EQ(CacheControlMaxAge("public, max-age=600"), std::chrono::seconds(600));
  EXPECT_EQ(CacheControlMaxAge("max-age=\"60\""), std::chrono::seconds(60));
  EXPECT_EQ(CacheControlMaxAge("no-cache"), std::chrono::seconds(0));
  EXPECT_FALSE(CacheControlMaxAge("public").has_value());
  EXPECT_FALSE(CacheControlMaxAge("max-age=abc").has_value());
}

}  // namespace
}  // namespace renkei::api::ngsild
