// Import sources (store/import_source.hpp, docs/adr/0017-import-provenance.md): every
// backend keeps one per stored entity, written in a write unit, replaced by the next import,
// and gone with the entity (erase, expiry purge), so a new entity under the same key starts
// without one. Read by type; tenants never see each other's.
#include <algorithm>

#include "entity_store_conformance.hpp"

namespace renkei::store::testing {
namespace {

core::Entity Site(std::string id, std::string service_path = "/") {
  core::Entity e;
  e.id = std::move(id);
  e.types = {"EvacuationSite"};
  e.service_path = std::move(service_path);
  e.created_at = base::Timestamp{1000};
  e.modified_at = base::Timestamp{1000};
  return e;
}

EntitySource SourceOf(const core::Entity& e, std::string file, std::size_t line,
                      std::int64_t at = 5000) {
  return EntitySource{e.id, e.PrimaryType(), e.service_path,
                      ImportSource{std::move(file), line, base::Timestamp{at}}};
}

base::Result<void> PutWithSources(EntityStore& store, const std::string& tenant,
                                  const std::vector<core::Entity>& entities,
                                  const std::vector<EntitySource>& sources) {
  return store.Write(tenant, [&](WriteTransaction& tx) -> base::Result<void> {
    for (const auto& e : entities) RENKEI_TRY_VOID(tx.Put(e));
    return tx.PutImportSources(sources);
  });
}

std::vector<EntitySource> Sorted(EntityStore& store, const std::string& tenant,
                                 const std::string& type, const ServicePathScope& scope = {}) {
  auto got = store.ImportSources(tenant, type, scope);
  EXPECT_TRUE(got.has_value()) << got.error().detail;
  if (!got) return {};
  std::sort(got->begin(), got->end(), [](const EntitySource& a, const EntitySource& b) {
    return std::tie(a.id, a.service_path) < std::tie(b.id, b.service_path);
  });
  return *got;
}

}  // namespace

TEST_P(EntityStoreConformance, ImportSourcesAreKeptPerEntityAndReplaced) {
  const auto a = Site("A"), b = Site("B"), b_other_path = Site("B", "/other");
  // A key without an entity is skipped, not an error.
  ASSERT_TRUE(
      PutWithSources(store(), "t", {a, b, b_other_path},
                     {SourceOf(a, "x.csv", 2), SourceOf(b, "x.csv", 3),
                      SourceOf(b_other_path, "y.csv", 9), SourceOf(Site("Z"), "x.csv", 4)}));
  EXPECT_EQ(Sorted(store(), "t", "EvacuationSite"),
            (std::vector<EntitySource>{SourceOf(a, "x.csv", 2), SourceOf(b, "x.csv", 3),
                                       SourceOf(b_other_path, "y.csv", 9)}));
  EXPECT_TRUE(Sorted(store(), "t", "PublicToilet").empty());
  ServicePathScope root;
  root.paths.push_back({"/", false});
  EXPECT_EQ(Sorted(store(), "t", "EvacuationSite", root),
            (std::vector<EntitySource>{SourceOf(a, "x.csv", 2), SourceOf(b, "x.csv", 3)}));
  EXPECT_TRUE(Sorted(store(), "other tenant", "EvacuationSite").empty());

  // A later import replaces the source, whether or not it rewrites the entity.
  ASSERT_TRUE(store().Write("t", [&](WriteTransaction& tx) {
    return tx.PutImportSources({SourceOf(a, "z.csv", 40, 6000)});
  }));
  auto now = Sorted(store(), "t", "EvacuationSite");
  ASSERT_EQ(now.size(), 3u);
  EXPECT_EQ(now[0], SourceOf(a, "z.csv", 40, 6000));

  Reopen();
  EXPECT_EQ(Sorted(store(), "t", "EvacuationSite").size(), 3u);
}

TEST_P(EntityStoreConformance, ImportSourcesGoWithTheirEntity) {
  auto expiring = Site("E");
  expiring.expires_at = base::Timestamp{3000};
  const auto kept = Site("K"), erased = Site("D");
  ASSERT_TRUE(PutWithSources(
      store(), "t", {kept, erased, expiring},
      {SourceOf(kept, "f.csv", 2), SourceOf(erased, "f.csv", 3), SourceOf(expiring, "f.csv", 4)}));
  ASSERT_TRUE(store().Write("t", [&](WriteTransaction& tx) {
    return tx.Erase(erased.id, erased.PrimaryType(), erased.service_path);
  }));
  auto purged = store().PurgeExpired(base::Timestamp{3000});
  ASSERT_TRUE(purged.has_value());
  EXPECT_EQ(*purged, 1u);
  EXPECT_EQ(Sorted(store(), "t", "EvacuationSite"),
            std::vector<EntitySource>{SourceOf(kept, "f.csv", 2)});
  // The same key written again (an API create) is a new entity: no source of the old one.
  ASSERT_TRUE(PutWithSources(store(), "t", {erased, Site("E")}, {}));
  EXPECT_EQ(Sorted(store(), "t", "EvacuationSite"),
            std::vector<EntitySource>{SourceOf(kept, "f.csv", 2)});
}

}  // namespace renkei::store::testing
