// Update operators for attribute values (Orion API manual, "Update operators for attribute
// values"): a value that is an object with exactly one operator key ($inc, $mul, $min, $max,
// $push, $addToSet, $pull, $pullAll, $set, $unset; or $set together with $unset) is applied
// to the previous value instead of replacing it.
#pragma once

#include <optional>

#include <boost/json/value.hpp>

#include "base/result.hpp"

namespace renkei::service {

// True when `value` is an operator object.
bool IsUpdateOperator(const boost::json::value& value);

// Applies the operator in `op_value` to `previous` (nullopt when the attribute is new: the
// manual's "usage in create or replace" references apply: 0, {}, [] and the epoch for
// DateTime). Returns nullopt when the attribute must not be created ($pull, $pullAll and
// $unset on a new attribute). A $set of a non-object replaces the value, a $unset of a
// non-object leaves it as it was (manual). Errors (e.g. $inc of a string, $set of an object on a
// non-object, $set and $unset naming the same sub-key) are kBadRequestData.
base::Result<std::optional<boost::json::value>> ApplyUpdateOperator(
    const boost::json::value& op_value, const std::optional<boost::json::value>& previous,
    bool is_datetime);

}  // namespace renkei::service
