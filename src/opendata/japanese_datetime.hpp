// Dates and times as municipal files write them, normalised to ISO 8601 as GIF DS-441
// (441_コアデータパーツ_日付時刻) asks: date `YYYY-MM-DD`, time `HH:MM:SS`.
//
// Accepted dates: `2024-04-01`, `2024/4/1`, `2024.4.1`, `2024年4月1日`, 和暦 with the era
// name or its initial (`令和6年4月1日`, `令和元年5月1日`, `平成31年4月30日`, `H31.4.30`,
// `昭32. 7. 1` as 北海道's medical list writes it, municipal-context.md §3.1), and Excel's
// date-time text `2024-04-01T00:00:00.000Z`. Full-width digits are accepted.
// A 和暦 date outside its era (`平成32年`, `令和1年4月1日`) is rejected, not guessed.
// Accepted times: `9:00`, `09:00:00`, `9時30分`, and Excel's `1899-12-30T09:00:00.000Z`
// (高松市 AED). Time ranges: `9:00~17:00` with ~ ～ 〜 - － or から, possibly inside other
// words (`平日 8:30~17:15`), and 終日 / 24時間 (all day: 00:00:00 to 24:00:00).
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace renkei::opendata {

// Full-width ASCII (U+FF01..U+FF5E) to ASCII and the ideographic space to a space.
std::string NarrowAscii(std::string_view text);

std::optional<std::string> NormalizeDate(std::string_view text);
std::optional<std::string> NormalizeTime(std::string_view text);

struct TimeRange {
  std::string start;  // HH:MM:SS
  std::string end;    // HH:MM:SS; 24:00:00 for the end of the day
};
std::optional<TimeRange> NormalizeTimeRange(std::string_view text);

}  // namespace renkei::opendata
