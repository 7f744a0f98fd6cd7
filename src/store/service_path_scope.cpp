#include "store/entity_query.hpp"

namespace renkei::store {

bool ServicePathScope::Contains(const std::string& service_path) const {
  if (paths.empty()) return true;
  for (const auto& p : paths) {
    if (service_path == p.path) return true;
    if (!p.recursive) continue;
    if (p.path == "/") return true;
    // Orion: "/a/#" matches "/a" and every "/a/..." but not "/ab".
    if (service_path.size() > p.path.size() &&
        service_path.compare(0, p.path.size(), p.path) == 0 && service_path[p.path.size()] == '/') {
      return true;
    }
  }
  return false;
}

}  // namespace renkei::store
