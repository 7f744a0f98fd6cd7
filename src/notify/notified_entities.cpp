#include "notify/notified_entities.hpp"

#include <boost/json/serialize.hpp>

#include "core/json_parse.hpp"
#include "notify/json_members.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;

json::object Reference(const core::Entity& entity) {
  json::object out;
  out["id"] = entity.id;
  json::array types;
  for (const auto& type : entity.types) types.emplace_back(type);
  out["types"] = std::move(types);
  out["servicePath"] = entity.service_path;
  if (const core::Attribute* owner = entity.Find(core::kOwnerAttribute))
    out["owner"] = owner->value;
  return out;
}

base::Unexpected Corrupt() {
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    "unreadable notified entities in an outbox row");
}

}  // namespace

std::string EncodeNotifiedEntities(std::span<const core::Entity> entities) {
  json::array out;
  out.reserve(entities.size());
  for (const auto& entity : entities) out.emplace_back(Reference(entity));
  return json::serialize(out);
}

std::string EncodeNotifiedEntity(const core::Entity& entity) {
  return EncodeNotifiedEntities(std::span<const core::Entity>(&entity, 1));
}

base::Result<std::vector<core::Entity>> DecodeNotifiedEntities(std::string_view text) {
  std::vector<core::Entity> out;
  if (text.empty()) return out;
  json::error_code ec;
  json::value doc = core::ParseJson(text, ec);
  if (ec || !doc.is_array()) return Corrupt();
  for (const auto& item : doc.get_array()) {
    if (!item.is_object()) return Corrupt();
    const json::object& o = item.get_object();
    core::Entity entity;
    entity.id = json_members::Str(o, "id");
    if (const auto* types = o.if_contains("types"); types != nullptr && types->is_array()) {
      for (const auto& type : types->get_array()) {
        if (type.is_string()) entity.types.emplace_back(type.get_string());
      }
    }
    if (auto path = json_members::OptStr(o, "servicePath")) entity.service_path = *path;
    if (const auto* owner = o.if_contains("owner")) {
      core::Attribute attribute;
      attribute.name = std::string(core::kOwnerAttribute);
      attribute.value = *owner;
      entity.attributes.push_back(std::move(attribute));
    }
    out.push_back(std::move(entity));
  }
  return out;
}

}  // namespace renkei::notify
