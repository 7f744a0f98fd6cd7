// The abstract syntax of a filter over entities. NGSIv2's Simple Query Language (`q`, `mq`;
// Orion API manual, core/q/parser.cpp) and NGSI-LD's q (ETSI GS CIM 009 §4.9,
// core/q/ld_parser.cpp) both parse to it. A filter is a tree of And/Or nodes over
// Conditions. Store backends may translate parts of it to their own query language
// (store/sqlite); everything a backend does not translate is evaluated in C++ by
// Filter::Matches (core/q/filter.hpp).
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <variant>
#include <vector>

#include "base/time.hpp"

namespace renkei::core::q {

// A literal in a q expression. Quoted strings stay strings; unquoted tokens are numbers,
// booleans, null, ISO 8601 date-times (kept as text plus their parsed instant) or strings.
// kTime (NGSI-LD only) is a time of day such as `12:00:00Z`; its instant counts from
// midnight, 1970-01-01T00:00:00Z.
struct Literal {
  enum class Kind { kNumber, kString, kBool, kNull, kDateTime, kTime };
  Kind kind = Kind::kString;
  double number = 0;
  bool boolean = false;
  std::string text;         // string value, or the original text of a date-time or time
  base::Timestamp instant;  // valid when kind is kDateTime or kTime
  bool operator==(const Literal&) const = default;
};

enum class Operator {
  kEqual,     // == (with a list: any of; with a range: within)
  kNotEqual,  // != (with a list: none of; with a range: outside)
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kMatchPattern,     // ~= (ECMAScript regex on strings)
  kNotMatchPattern,  // !~= (NGSI-LD): a string that the regex does not match
  kExists,           // unary: `attr`
  kNotExists,        // unary: `!attr`
};

// The path a condition tests. For `q`: attribute name, then the path into a compound value
// (`a.b.c`; a segment whose name holds dots is single-quoted: `'a.b'.w.'x.y'`). For `mq`:
// attribute name, metadata name, then the path into the metadata value. `metadata` tells which.
// For NGSI-LD `q` (`a.b.c[k1.k2]`): attribute `a`, sub-attribute `b` in `metadata`, deeper
// sub-attributes (`c`) in `sub_attributes`, the bracketed keys in `compound`.
struct Path {
  std::string attribute;
  std::optional<std::string> metadata;      // set for mq and LD sub-attribute paths
  std::vector<std::string> sub_attributes;  // LD only: sub-attributes below `metadata`
  std::vector<std::string> compound;        // keys inside the (metadata) value
  bool operator==(const Path&) const = default;
};

struct Condition {
  Path path;
  Operator op = Operator::kExists;
  std::vector<Literal> values;       // one value, or a comma list (==, != only)
  std::optional<Literal> range_low;  // set with range_high for `a..b` (==, != only)
  std::optional<Literal> range_high;
  // For kMatchPattern and kNotMatchPattern: values[0].text compiled once at parse time
  // (ECMAScript), so shared Filters never recompile. Derived data: operator== ignores it.
  std::shared_ptr<const std::regex> pattern;
  bool operator==(const Condition& other) const {
    return path == other.path && op == other.op && values == other.values &&
           range_low == other.range_low && range_high == other.range_high;
  }
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
  enum class Kind { kAnd, kOr, kCondition };
  Kind kind = Kind::kCondition;
  std::vector<NodePtr> children;  // kAnd, kOr
  Condition condition;            // kCondition
};

}  // namespace renkei::core::q
