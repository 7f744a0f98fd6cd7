// core entities → NGSIv2 JSON as Orion renders them (Orion API manual: "JSON Entity
// Representation", "Simplified Entity Representation", "Builtin Attributes", "Builtin
// Metadata", "Filtering out attributes and metadata").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/entity.hpp"

namespace renkei::api::ngsiv2 {

enum class RenderFormat { kNormalized, kKeyValues, kValues, kUnique };

struct RenderOptions {
  RenderFormat format = RenderFormat::kNormalized;
  // attrs=...: the attributes to render, in this order; "*" means all user attributes.
  // Empty: all user attributes. Builtins (dateCreated, dateModified, dateExpires,
  // servicePath) appear only when listed (or with sys_attrs).
  std::vector<std::string> attrs;
  // metadata=...: as attrs, for metadata; builtins dateCreated and dateModified.
  std::vector<std::string> metadata;
  bool sys_attrs = false;  // options=sysAttrs: dateCreated/dateModified attrs and metadata
};

boost::json::value RenderEntity(const core::Entity& entity, const RenderOptions& options);
// The attributes part only (GET /attrs): an object, or an array in values/unique modes.
boost::json::value RenderAttributes(const core::Entity& entity, const RenderOptions& options);
// One attribute (GET /attrs/{name}): {"type","value","metadata"}.
boost::json::value RenderAttribute(const core::Attribute& attribute, const RenderOptions& options);
// The builtin attribute with this name (dateCreated, dateModified, dateExpires,
// servicePath), if the entity has it.
std::optional<core::Attribute> BuiltinAttribute(const core::Entity& entity,
                                                const std::string& name);

}  // namespace renkei::api::ngsiv2
