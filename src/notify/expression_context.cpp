#include "notify/expression_context.hpp"

#include <algorithm>

namespace renkei::notify {

namespace json = boost::json;

std::string_view ActionTypeOf(AlterationType type, const core::Entity* before,
                              std::string_view attribute) {
  switch (type) {
    case AlterationType::kEntityCreate:
      return "append";
    case AlterationType::kEntityDelete:
      return "delete";
    case AlterationType::kEntityUpdate:
    case AlterationType::kEntityChange:
      break;
  }
  return before != nullptr && before->Find(attribute) == nullptr ? "append" : "update";
}

MacroContext ExpressionContext(const core::Entity& entity, const Trigger& trigger,
                               const store::EntityChange& change, std::string_view tenant,
                               base::Timestamp now) {
  MacroContext out;
  out.now = now;
  json::object& values = out.values;
  values["id"] = entity.id;
  values["type"] = entity.PrimaryType();
  values["service"] = tenant;
  values["servicePath"] = entity.service_path;
  values["authToken"] = nullptr;
  const core::Entity* before =
      change.before && trigger.type != AlterationType::kEntityCreate ? &*change.before : nullptr;
  json::object metadata;
  for (const auto& a : entity.attributes) {
    values[a.name] = a.value;
    json::object md;
    for (const auto& m : a.metadata) md[m.name] = m.value;
    if (before != nullptr) {
      if (const auto* old = before->Find(a.name)) md["previousValue"] = old->value;
    }
    if (std::find(trigger.changed.begin(), trigger.changed.end(), a.name) !=
        trigger.changed.end()) {
      md["actionType"] = ActionTypeOf(trigger.type, before, a.name);
    }
    metadata[a.name] = std::move(md);
  }
  values["metadata"] = std::move(metadata);
  return out;
}

}  // namespace renkei::notify
