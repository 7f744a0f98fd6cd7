// The transformations of Orion's API manual ("Available Transformations"): `subject|name`
// and `subject|name(args...)`, looked up in a table (name, number of arguments, function).
// Each takes the subject and the evaluated arguments and returns a new value; a subject or
// argument it does not accept (a number where a string is expected, a substring out of
// range, a mapper value not found...) is an error, which the caller turns into null as Orion
// does. Pure functions but for `now`, which reads the time the caller gives. Thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "base/time.hpp"

namespace renkei::notify::expression {

struct TransformEnv {
  base::Timestamp now;  // `now`: the current time
};

// kBadRequestData for an unknown transform, a wrong number of arguments, or a subject or
// argument the transform does not accept.
base::Result<boost::json::value> ApplyTransform(std::string_view name,
                                                const boost::json::value& subject,
                                                std::span<const boost::json::value> args,
                                                const TransformEnv& env);

// Every transform's name, in the manual's order.
std::vector<std::string_view> TransformNames();

}  // namespace renkei::notify::expression
