// Timestamps: milliseconds since the Unix epoch (UTC), as NGSIv2 and NGSI-LD both carry
// millisecond precision. Parsing accepts the ISO 8601 forms Orion accepts for DateTime
// (date, date-time with optional seconds, fractions and zone); formatting writes
// "YYYY-MM-DDTHH:MM:SS.sssZ" as Orion does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace renkei::base {

struct Timestamp {
  std::int64_t millis = 0;  // since 1970-01-01T00:00:00Z
  auto operator<=>(const Timestamp&) const = default;
};

// Returns nullopt when `text` is not an ISO 8601 date or date-time.
std::optional<Timestamp> ParseIso8601(std::string_view text);
std::string FormatIso8601(Timestamp t);

// A source of the current time; tests inject a manual one (base/clock.hpp).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

}  // namespace renkei::base
