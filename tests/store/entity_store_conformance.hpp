// The store conformance suite: behaviour every EntityStore backend must show, written once
// and instantiated per backend (sqlite_store_test.cpp; PostgreSQL later). A backend provides
// a StoreFactory that opens a store whose data lives in the given empty directory; opening
// again on the same directory must see the earlier data (durability tests reopen).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/entity_store.hpp"

namespace renkei::store::testing {

struct StoreFactory {
  std::string name;  // test-name suffix, e.g. "Sqlite"
  std::function<base::Result<std::unique_ptr<EntityStore>>(const std::filesystem::path& dir)> open;
};

class EntityStoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Closes the store and opens it again on the same directory.
  void Reopen();
  EntityStore& store() { return *store_; }

  std::filesystem::path dir_;
  std::unique_ptr<EntityStore> store_;
};

// gtest prints the factory by name instead of its bytes.
void PrintTo(const StoreFactory& factory, std::ostream* os);
// For INSTANTIATE_TEST_SUITE_P's name generator.
std::string FactoryName(const ::testing::TestParamInfo<StoreFactory>& info);

}  // namespace renkei::store::testing
