// The subscription part of the store conformance suite (subscription_conformance.cpp),
// instantiated per backend beside EntityStoreConformance.
#pragma once

#include <functional>
#include <future>
#include <string>
#include <vector>

#include "entity_store_conformance.hpp"
#include "store/subscription_store.hpp"

namespace renkei::store::testing {

template <typename T>
inline base::Result<T> WaitFor(
    const std::function<void(std::function<void(base::Result<T>)>)>& submit) {
  std::promise<base::Result<T>> promise;
  auto future = promise.get_future();
  submit([&promise](base::Result<T> r) { promise.set_value(std::move(r)); });
  return future.get();
}

inline base::Result<void> Wait(const std::function<void(WriteDone)>& submit) {
  return WaitFor<void>(submit);
}

class SubscriptionConformance : public EntityStoreConformance {
 protected:
  SubscriptionStore& subs() {
    auto* s = dynamic_cast<SubscriptionStore*>(&store());
    EXPECT_NE(s, nullptr) << "every backend stores subscriptions";
    return *s;
  }
  void Create(const SubscriptionRecord& r, std::size_t cap = 0) {
    auto created = Wait([&](WriteDone d) { subs().CreateSubscription(r, cap, std::move(d)); });
    ASSERT_TRUE(created.has_value()) << created.error().detail;
  }
  void PutRoom(const std::string& tenant, const core::Entity& e, const std::string& corr) {
    auto put = store().Write(tenant, [&](WriteTransaction& tx) {
      tx.SetCorrelator(corr);
      return tx.Put(e);
    });
    ASSERT_TRUE(put.has_value()) << put.error().detail;
  }
  std::vector<EntityChange> Changes() {
    auto changes = subs().LoadChanges(0, 100);
    EXPECT_TRUE(changes.has_value()) << changes.error().detail;
    return changes ? *changes : std::vector<EntityChange>{};
  }
  base::Result<std::size_t> Commit(MatchCommit commit) {
    return WaitFor<std::size_t>(
        [&](auto done) { subs().CommitMatches(std::move(commit), std::move(done)); });
  }
  base::Result<bool> Record(DeliveryRecord record) {
    return WaitFor<bool>(
        [&](auto done) { subs().RecordDelivery(std::move(record), std::move(done)); });
  }
};

}  // namespace renkei::store::testing
