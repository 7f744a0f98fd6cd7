#include "store/entity_store.hpp"

#include <future>
#include <limits>

namespace renkei::store {

base::Result<std::vector<core::Entity>> WriteTransaction::FindByIds(
    const std::vector<std::string>& ids, const ServicePathScope& scope) {
  std::vector<core::Entity> found;
  for (const auto& id : ids) {
    RENKEI_TRY(auto some,
               FindById(id, std::nullopt, scope, std::numeric_limits<std::size_t>::max()));
    for (auto& e : some) found.push_back(std::move(e));
  }
  return found;
}

base::Result<void> WriteTransaction::PutMany(std::vector<core::Entity> entities) {
  for (const core::Entity& entity : entities) RENKEI_TRY_VOID(Put(entity));
  return base::Ok();
}

base::Result<void> EntityStore::Write(std::string tenant, WriteUnit unit) {
  std::promise<base::Result<void>> promise;
  auto future = promise.get_future();
  Submit(std::move(tenant), std::move(unit),
         [&promise](base::Result<void> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace renkei::store
