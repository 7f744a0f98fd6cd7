// Filter: a parsed q or mq expression that tests entities. Parsing follows the Orion API
// manual, "Simple Query Language" (operators ==, !=, <, >, <=, >=, ~=, ranges `a..b`, lists
// `a,b,c`, existence `attr` / `!attr`, `;` conjunction, dotted compound paths, single-quoted
// values, DateTime comparison). Errors are kBadRequestData with Orion's description texts.
// NGSI-LD's q (ETSI GS CIM 009 §4.9) parses to the same tree (core/q/ld_query.hpp); the
// Filter's dialect tells Matches which evaluation rules apply to its conditions.
// A Filter is immutable and safe to share between threads.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "core/q/ast.hpp"

namespace renkei::core::q {

// Whose rules a Filter's conditions follow. The trees look alike but mean different things:
// NGSIv2 compares dates as epoch seconds and reads the first attribute of a name; NGSI-LD
// compares instants, tests every instance of a multi-attribute (datasetId), reads a
// Relationship's object and a LanguageProperty's strings (core/q/ld_filter.cpp). A store
// pushing a filter down must know which rules it is reproducing.
enum class Dialect { kNgsiV2, kNgsiLd };

class Filter {
 public:
  Filter() = default;  // the empty filter matches everything
  explicit Filter(NodePtr root, Dialect dialect = Dialect::kNgsiV2)
      : root_(std::move(root)), dialect_(dialect) {}

  bool Matches(const Entity& entity) const;
  const NodePtr& root() const { return root_; }
  bool empty() const { return root_ == nullptr; }
  Dialect dialect() const { return dialect_; }

 private:
  NodePtr root_;
  Dialect dialect_ = Dialect::kNgsiV2;
};

// NGSIv2 `q=` (conditions on attribute values). The root is the lone Condition node, or an
// And node over the `;`-separated statements in order. `~=` patterns are ECMAScript regexes,
// compiled here (Condition::pattern) and searched anywhere in string values, as MongoDB's
// $regex does. Matching is type-strict (`a==23` does not match "23"); DateTime/ISO8601
// attributes and metadata compare as instants. Errors: kBadRequestData, title "BadRequest",
// detail = Orion's description (e.g. "empty q", "error compiling filter regex: '[a'").
base::Result<Filter> ParseV2Query(std::string_view text);
// NGSIv2 `mq=` (conditions on metadata values: `attr.md[.path]`).
base::Result<Filter> ParseV2MetadataQuery(std::string_view text);

}  // namespace renkei::core::q
