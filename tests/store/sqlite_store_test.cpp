// Runs the store conformance suite against SqliteStore.
#include "store/sqlite/sqlite_store.hpp"

#include "entity_store_conformance.hpp"

namespace renkei::store::testing {
namespace {

StoreFactory SqliteFactory() {
  return StoreFactory{
      "Sqlite", [](const std::filesystem::path& dir) -> base::Result<std::unique_ptr<EntityStore>> {
        sqlite::SqliteOptions options;
        options.data_dir = dir.string();
        options.max_readers = 4;
        auto store = sqlite::SqliteStore::Open(options);
        if (!store) return base::Fail(store.error());
        return std::unique_ptr<EntityStore>(std::move(store.value()));
      }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, EntityStoreConformance, ::testing::Values(SqliteFactory()),
                         FactoryName);

}  // namespace
}  // namespace renkei::store::testing
