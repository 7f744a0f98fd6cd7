// One instance of a multi-attribute (ETSI GS CIM 009 v1.8 §4.5.5): attribute instances are told
// apart by datasetId, so comparing two states of an entity for notifications (which instance
// was created, changed or deleted) looks instances up by name and datasetId.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/entity.hpp"

namespace renkei::notify {

// The instance of `name` with `dataset_id` (nullopt: the default instance), or nullptr.
inline const core::Attribute* FindInstance(const core::Entity& entity, std::string_view name,
                                           const std::optional<std::string>& dataset_id) {
  for (const auto& a : entity.attributes) {
    if (a.name == name && a.dataset_id == dataset_id) return &a;
  }
  return nullptr;
}

}  // namespace renkei::notify
