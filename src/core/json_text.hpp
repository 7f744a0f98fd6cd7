// JSON text output with numbers written as people and Orion write them: integers as
// integers, doubles in their shortest round-trip decimal form ("135.3", not Boost 1.81's
// "1.353E2"). Used for every response body.
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace renkei::core {

enum class NumberStyle {
  kShortest,     // shortest round-trip form: 442.123456785551
  kNineDecimals  // Orion's rendering: at most 9 decimals, trailing zeros dropped: 442.123456786
};

void AppendJsonText(std::string& out, const boost::json::value& value,
                    NumberStyle style = NumberStyle::kShortest);
std::string ToJsonText(const boost::json::value& value, NumberStyle style = NumberStyle::kShortest);

}  // namespace renkei::core
