#include "store/entity_store.hpp"

#include <future>

namespace renkei::store {

base::Result<void> EntityStore::Write(std::string tenant, WriteUnit unit) {
  std::promise<base::Result<void>> promise;
  auto future = promise.get_future();
  Submit(std::move(tenant), std::move(unit),
         [&promise](base::Result<void> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace renkei::store
