// EntityCodec: the storage encoding of an Entity, a compact JSON text that store backends
// keep in one column. Decoding an encoded entity gives back an equal Entity (operator==):
// every field, metadata at any depth, optional fields and timestamps survive. Keys are one
// or two letters because the text is stored once per entity (a million times at scale).
// Optional fields are left out when unset; timestamps are integer milliseconds.
// Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/entity.hpp"

namespace renkei::core {

std::string EncodeEntity(const Entity& entity);
// kInternalError when `text` is not an encoding produced by EncodeEntity (corrupt store).
base::Result<Entity> DecodeEntity(std::string_view text);

}  // namespace renkei::core
