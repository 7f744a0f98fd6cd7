// Operand: one value a q condition compares against a literal, reduced to what the
// comparison needs. Both evaluators (NGSIv2 in core/q/filter.cpp, NGSI-LD in
// core/q/ld_filter.cpp) reduce attribute values to Operands and compare them here, so the
// two dialects agree on what "equal" and "ordered" mean within one type; they differ in how
// values become Operands (e.g. NGSIv2 turns dates into epoch seconds, NGSI-LD into instants).
// Operands are views: an Operand's `text` points into the JSON value or literal it came
// from, which must outlive it.
#pragma once

#include <optional>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/q/ast.hpp"

namespace renkei::core::q {

struct Operand {
  // kInstant: a point in time (or, for NGSI-LD times of day, a time since midnight) in
  // milliseconds, held in `number`. Only the NGSI-LD evaluator makes instants.
  enum class Kind { kNumber, kString, kBool, kNull, kInstant, kOther };
  Kind kind = Kind::kOther;
  double number = 0;
  std::string_view text;
  bool boolean = false;
};

// The JSON scalar as an Operand; objects and arrays become kOther (never equal, unordered).
Operand ToOperand(const boost::json::value& v);

// How a date, date-time or time literal becomes an Operand: NGSIv2 (Orion stores DateTime
// as seconds since the epoch) compares them as numbers; NGSI-LD as instants.
enum class DateAs { kEpochSeconds, kInstant };

// The literal as an Operand; its `text` views literal.text.
Operand LiteralOperand(const Literal& literal, DateAs dates);

// Equality within one kind; false across kinds (a number never equals a string).
bool Equal(const Operand& value, const Operand& literal);

// Three-way order within one kind (numbers and instants numerically, strings by bytes);
// nullopt across kinds, for booleans, nulls and NaN.
std::optional<int> Compare(const Operand& value, const Operand& literal);

}  // namespace renkei::core::q
