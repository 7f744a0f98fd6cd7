#include "store/sqlite/entity_overlay.hpp"

#include <algorithm>

namespace renkei::store::sqlite {

std::string EntityOverlay::Slot(const std::string& tenant, const std::string& id) {
  // Tenant names cannot hold NUL (Fiware-Service is a header), so the join is unambiguous.
  std::string slot;
  slot.reserve(tenant.size() + 1 + id.size());
  slot.append(tenant).push_back('\0');
  slot.append(id);
  return slot;
}

void EntityOverlay::Put(const UnitRecord& record) {
  std::lock_guard lock(mu_);
  for (const auto& write : record.writes) {
    const std::size_t bytes = write.doc ? write.doc->size() : 0;
    auto& entries = by_id_[Slot(record.tenant, write.id)];
    auto it = std::find_if(entries.begin(), entries.end(), [&](const OverlayEntry& e) {
      return e.type == write.type && e.service_path == write.service_path;
    });
    if (it == entries.end()) {
      entries.push_back(
          OverlayEntry{write.id, write.type, write.service_path, write.entity, record.seq, bytes});
      ++size_;
    } else {
      bytes_ -= it->bytes;
      it->entity = write.entity;
      it->seq = record.seq;
      it->bytes = bytes;
    }
    bytes_ += bytes;
  }
}

std::vector<OverlayEntry> EntityOverlay::Lookup(const std::string& tenant,
                                                const std::string& id) const {
  std::lock_guard lock(mu_);
  if (by_id_.empty()) return {};
  auto it = by_id_.find(Slot(tenant, id));
  if (it == by_id_.end()) return {};
  return it->second;
}

void EntityOverlay::Release(const std::vector<UnitRecord>& records) {
  {
    std::lock_guard lock(mu_);
    for (const auto& record : records) {
      for (const auto& write : record.writes) {
        auto slot = by_id_.find(Slot(record.tenant, write.id));
        if (slot == by_id_.end()) continue;
        auto& entries = slot->second;
        auto it = std::find_if(entries.begin(), entries.end(), [&](const OverlayEntry& e) {
          return e.type == write.type && e.service_path == write.service_path &&
                 e.seq == record.seq;
        });
        if (it == entries.end()) continue;
        bytes_ -= it->bytes;
        entries.erase(it);
        --size_;
        if (entries.empty()) by_id_.erase(slot);
      }
    }
  }
  released_.notify_all();
}

std::size_t EntityOverlay::Size() const {
  std::lock_guard lock(mu_);
  return size_;
}

std::size_t EntityOverlay::Bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

void EntityOverlay::WaitAtMost(std::size_t max_keys, std::size_t max_bytes,
                               const std::function<bool()>& give_up,
                               std::chrono::milliseconds poll) {
  std::unique_lock lock(mu_);
  while ((size_ > max_keys || bytes_ > max_bytes) && !give_up()) released_.wait_for(lock, poll);
}

std::vector<core::Entity> MergeWithStored(std::vector<core::Entity> stored,
                                          const std::vector<OverlayEntry>& entries,
                                          const std::optional<std::string>& type,
                                          const ServicePathScope& scope, base::Timestamp now,
                                          std::size_t limit) {
  auto visible = [&](const OverlayEntry& e) {
    return e.entity != nullptr && (!type || e.type == *type) && scope.Contains(e.service_path) &&
           (!e.entity->expires_at || *e.entity->expires_at > now);
  };
  std::vector<bool> used(entries.size(), false);
  std::vector<core::Entity> out;
  out.reserve(stored.size() + entries.size());
  for (auto& s : stored) {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const OverlayEntry& e) {
      return e.id == s.id && e.type == s.PrimaryType() && e.service_path == s.service_path;
    });
    if (it == entries.end()) {
      out.push_back(std::move(s));
      continue;
    }
    auto i = static_cast<std::size_t>(it - entries.begin());
    used[i] = true;
    if (visible(*it)) out.push_back(*it->entity);
  }
  std::vector<std::size_t> rest;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!used[i] && visible(entries[i])) rest.push_back(i);
  }
  std::sort(rest.begin(), rest.end(),
            [&](std::size_t a, std::size_t b) { return entries[a].seq < entries[b].seq; });
  for (auto i : rest) out.push_back(*entries[i].entity);
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace renkei::store::sqlite
