// What JEXL values are made of and how they behave, shared by the evaluator and the
// transforms. Values are boost::json values; a name the context lacks is "undefined",
// modelled as an empty Value (std::nullopt), which differs from null where Orion's engine
// makes it differ (`==` fails on it; `||` and `!=` treat it as null).
// Numbers are computed as doubles; Normalize turns whole doubles back into integers so a
// result renders as Orion renders it (6, not 6.0). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "base/result.hpp"

namespace renkei::notify::expression {

using Value = std::optional<boost::json::value>;

// JavaScript truthiness: false, 0, NaN, "", null and undefined are false; anything else
// (also empty arrays and objects) is true.
bool IsTruthy(const Value& v);
// Structural equality; numbers compare by value whatever their JSON representation.
bool Equal(const boost::json::value& a, const boost::json::value& b);
// A number's value as a double; nullopt for anything else.
std::optional<double> AsNumber(const boost::json::value& v);
// The double as a JSON number: a whole one within 2^53 as an integer. NaN and infinities
// are not JSON: kBadRequestData.
base::Result<boost::json::value> FromNumber(double d);
// Whole doubles within 2^53 as integers, in arrays and objects too.
boost::json::value Normalize(boost::json::value v);
// Fails (kBadRequestData) when `v` is larger than kMaxValueBytes (limits.hpp), measured as
// string bytes plus a few bytes per item, and stopping as soon as the bound is passed.
base::Result<void> CheckSize(const boost::json::value& v);
// Text for string contexts (toString, text templates): a string as is, a number as Orion
// writes it (at most 9 decimals), anything else as compact JSON.
std::string ToText(const boost::json::value& v);
// The error every failed evaluation step reports; the caller turns it into null.
base::Unexpected EvalError(std::string detail);

}  // namespace renkei::notify::expression
