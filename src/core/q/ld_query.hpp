// NGSI-LD's query language (ETSI GS CIM 009 v1.8 §4.9) parsed into the same Filter tree as
// NGSIv2's q (core/q/ast.hpp), marked Dialect::kNgsiLd so Filter::Matches applies NGSI-LD's
// rules (core/q/ld_filter.cpp).
//
// Grammar, as accepted:
//   Query     = Term / Query (";" / "|") Query / "(" Query ")"   ; `;` AND binds tighter
//   Term      = ["!"] Path                                        ; existence (`!` negates)
//             / Path ("==" / "!=") (Value / List / Range)
//             / Path (">" / ">=" / "<" / "<=") Value              ; not a boolean
//             / Path ("~=" / "!~=") Pattern                       ; quoted or bare ECMAScript
//   Path      = Name *("." Name) ["[" Key *("." Key) "]"]         ; attr.sub.sub[key.key]
//   Value     = "quoted" / Number / true / false / DateTime / Date / Time / URI
//   List      = Value 1*("," Value);  Range = Value ".." Value
// The first Name is the attribute, the next the sub-attribute (Path::metadata), deeper ones
// Path::sub_attributes, the bracketed keys Path::compound. Names are expanded with the
// request's @context through `expand`; the reserved names are not: top-level `createdAt` and
// `modifiedAt` (the entity's system times) and, as the last Name, `observedAt`, `unitCode`,
// `datasetId`, `createdAt`, `modifiedAt` (the members of that attribute). Compound keys are
// JSON keys inside the value and are never expanded; on a LanguageProperty `[*]` means any
// language. A Value that is no number, boolean, date or time is a string (URIs, and, leniently,
// bare words). Regexes are ECMAScript, searched anywhere in the string; a leading `(?i)` makes
// them case-insensitive. `!attr` and whitespace around tokens are accepted as extensions.
//
// Errors: kBadRequestData, title "Invalid q", detail naming the problem and its 0-based
// position ("q: unknown operator '=' at position 4"); linked-entity paths (`rel{attr}`) are
// rejected the same way as not supported. Stateless; safe to call from any thread.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "core/q/filter.hpp"
#include "core/q/term_expander.hpp"

namespace renkei::core::q {

base::Result<Filter> ParseLdQuery(std::string_view q, const TermExpander& expand);

}  // namespace renkei::core::q
