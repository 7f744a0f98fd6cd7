// What JEXL expressions see for one entity change (Orion API manual "Macro substitution",
// "Metadata support"): the custom notification templates (notification_builder.hpp) and the
// subscription's condition.jexlExpression (matcher.hpp) share it. Pure; thread-safe.
#pragma once

#include <string_view>

#include "base/time.hpp"
#include "core/entity.hpp"
#include "notify/macro.hpp"
#include "notify/matcher.hpp"
#include "store/subscription_store.hpp"

namespace renkei::notify {

// Orion "Builtin metadata" actionType of a changed attribute: append when the change created
// it (with the entity, or added to it: `before` does not have it; Orion case 2549), delete for
// a deletion, update otherwise. `before` is the entity before the change (nullptr: unknown).
std::string_view ActionTypeOf(AlterationType type, const core::Entity* before,
                              std::string_view attribute);

// The context: id, type, service (`tenant`), servicePath, authToken (null: renkei does not
// forward the caller's token, docs/security.md), every attribute by name (an attribute
// named like one of those wins), and `metadata`: per attribute, its metadata values with the
// builtins previousValue (when the attribute existed before an update; Orion case 4643 needs
// it for attributes the update did not touch too) and actionType (attributes in
// trigger.changed). `metadata` wins over an attribute of that name, as in Orion. `now` is the
// time of the `now` transform.
MacroContext ExpressionContext(const core::Entity& entity, const Trigger& trigger,
                               const store::EntityChange& change, std::string_view tenant,
                               base::Timestamp now);

}  // namespace renkei::notify
