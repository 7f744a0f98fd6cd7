// Hosted JSON-LD @contexts (store/hosted_context_store.hpp): every backend persists them, keeps
// them across a reopen, refuses a taken id and reports a missing one. They are store-wide:
// entity tenants never see or hide them.
#include <future>

#include "entity_store_conformance.hpp"
#include "store/hosted_context_store.hpp"

namespace renkei::store::testing {
namespace {

base::Result<void> Wait(const std::function<void(WriteDone)>& submit) {
  std::promise<base::Result<void>> promise;
  auto future = promise.get_future();
  submit([&promise](base::Result<void> r) { promise.set_value(std::move(r)); });
  return future.get();
}

HostedContextRecord Record(std::string id, std::int64_t created) {
  return HostedContextRecord{std::move(id), R"({"@context":{"A1":"urn:ngsi-ld:attributes:A1"}})",
                             base::Timestamp{created}};
}

}  // namespace

TEST_P(EntityStoreConformance, HostedContextsAreStoredAndSurviveReopen) {
  auto* contexts = dynamic_cast<HostedContextStore*>(&store());
  ASSERT_NE(contexts, nullptr) << "every backend persists hosted @contexts";
  auto none = contexts->LoadHostedContexts();
  ASSERT_TRUE(none.has_value()) << none.error().detail;
  EXPECT_TRUE(none->empty());

  const auto first = Record("b-first", 2000);
  const auto second = Record("a-second", 1000);
  ASSERT_TRUE(Wait([&](WriteDone done) { contexts->AddHostedContext(first, std::move(done)); }));
  ASSERT_TRUE(Wait([&](WriteDone done) { contexts->AddHostedContext(second, std::move(done)); }));
  auto taken = Wait([&](WriteDone done) { contexts->AddHostedContext(first, std::move(done)); });
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, base::ErrorCode::kAlreadyExists);
  // An entity write in some tenant neither sees nor disturbs them.
  ASSERT_TRUE(store().Write("t", [](WriteTransaction&) { return base::Ok(); }));

  Reopen();
  contexts = dynamic_cast<HostedContextStore*>(&store());
  ASSERT_NE(contexts, nullptr);
  auto loaded = contexts->LoadHostedContexts();
  ASSERT_TRUE(loaded.has_value()) << loaded.error().detail;
  // In the order they were added, not by id or time.
  EXPECT_EQ(*loaded, (std::vector<HostedContextRecord>{first, second}));

  ASSERT_TRUE(
      Wait([&](WriteDone done) { contexts->EraseHostedContext("b-first", std::move(done)); }));
  auto missing =
      Wait([&](WriteDone done) { contexts->EraseHostedContext("b-first", std::move(done)); });
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, base::ErrorCode::kResourceNotFound);
  Reopen();
  contexts = dynamic_cast<HostedContextStore*>(&store());
  ASSERT_NE(contexts, nullptr);
  loaded = contexts->LoadHostedContexts();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(*loaded, (std::vector<HostedContextRecord>{second}));
}

}  // namespace renkei::store::testing
