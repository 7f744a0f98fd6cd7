// Internal to core/q: NGSI-LD's meaning of one Condition (ETSI GS CIM 009 §4.9), used by
// Filter::Matches for Dialect::kNgsiLd filters, and the time-of-day reading that the LD parser
// (literals) and evaluator (string values) share. Callers outside core/q use Filter.
//
// MatchesLdCondition: every instance of a multi-attribute (same name, different datasetId) is
// tested and any one satisfying the condition is enough; `!attr` holds when no instance has the
// target. The target element of a Relationship is its object; only == and != apply to it, any
// other operator does not match. A LanguageProperty's strings all count unless `[lang]`
// picks one (`[*]`: any). An array matches when an element does. Values of different data
// types are unequal and unordered (never an error); dates, date-times and times compare as
// instants, including strings that spell them. Pure function; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "base/time.hpp"
#include "core/entity.hpp"
#include "core/q/ast.hpp"

namespace renkei::core::q {

bool MatchesLdCondition(const Condition& condition, const Entity& entity);

// `HH:MM[:SS[.sss]][Z|+HH:MM]` as milliseconds since midnight UTC (1970-01-01), or nullopt.
std::optional<base::Timestamp> ParseTimeOfDay(std::string_view text);

}  // namespace renkei::core::q
