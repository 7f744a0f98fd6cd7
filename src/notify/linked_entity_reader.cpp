#include "notify/linked_entity_reader.hpp"

namespace renkei::notify {

LinkedEntityFetch LinkedEntityReader::Fetch() {
  return [this](const std::vector<std::string>& ids) { return Read(ids); };
}

std::vector<core::Entity> LinkedEntityReader::Read(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  // §4.5.23: a linked entity is the entity of that id in the tenant, whatever its
  // ServicePath (NGSI-LD subscriptions have none).
  store::EntityQuery query = store::QueryByIds(ids);
  query.now = now_;
  auto page = store_.Query(tenant_, query);
  if (!page) {
    if (logger_) {
      logger_->warn("msg=\"linked entities not read\" tenant={} detail=\"{}\"", tenant_,
                    page.error().detail);
    }
    return {};
  }
  std::vector<core::Entity> found = std::move(page->entities);
  // The owner's read rights, as for the notified entities (docs/adr/0015).
  if (check_) std::erase_if(found, [this](const core::Entity& e) { return !check_(e); });
  given_.insert(given_.end(), found.begin(), found.end());
  return found;
}

}  // namespace renkei::notify
