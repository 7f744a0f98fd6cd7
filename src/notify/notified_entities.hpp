// The entities an outbox row notifies, as the row carries them (store::OutboxEntry::entities)
// so that delivery can re-check them (notification_gate.hpp) without reading the store: each
// entity's id, types, ServicePath and the `owner` attribute (the resident whose data it is,
// docs/security.md "Audit log") when it has one. The rest of the entity is only in the
// rendered body. Stateless and thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"

namespace renkei::notify {

// A JSON array of {"id","types","servicePath"[,"owner"]}.
std::string EncodeNotifiedEntities(std::span<const core::Entity> entities);
std::string EncodeNotifiedEntity(const core::Entity& entity);
// The entities with what was recorded (the owner as a Property attribute); kInternalError for
// text this version did not write. "" (a row queued before migration 8) decodes to nothing.
base::Result<std::vector<core::Entity>> DecodeNotifiedEntities(std::string_view text);

}  // namespace renkei::notify
