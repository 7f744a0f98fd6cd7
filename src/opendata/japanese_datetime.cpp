#include "opendata/japanese_datetime.hpp"

#include <array>
#include <cstdio>

namespace renkei::opendata {
namespace {

struct Era {
  std::string_view name;
  std::string_view initial;
  int first_year;  // Gregorian year of 元年
  int start_month, start_day;
  int end_year, end_month, end_day;  // last day of the era
};

// The eras' first and last days (元号法; 昭和 ended 1989-01-07, 平成 2019-04-30).
constexpr std::array<Era, 5> kEras{{
    {"明治", "M", 1868, 1, 25, 1912, 7, 29},
    {"大正", "T", 1912, 7, 30, 1926, 12, 24},
    {"昭和", "S", 1926, 12, 25, 1989, 1, 7},
    {"平成", "H", 1989, 1, 8, 2019, 4, 30},
    {"令和", "R", 2019, 5, 1, 9999, 12, 31},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void SkipSpaces(std::string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
}

std::optional<int> TakeNumber(std::string_view& s, std::size_t max_digits) {
  SkipSpaces(s);
  int value = 0;
  std::size_t digits = 0;
  while (!s.empty() && IsDigit(s.front()) && digits < max_digits) {
    value = value * 10 + (s.front() - '0');
    s.remove_prefix(1);
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return value;
}

bool TakeAny(std::string_view& s, std::initializer_list<std::string_view> options) {
  SkipSpaces(s);
  for (auto option : options) {
    if (s.starts_with(option)) {
      s.remove_prefix(option.size());
      return true;
    }
  }
  return false;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool ValidDate(int y, int m, int d) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const int days = kDays[static_cast<std::size_t>(m - 1)] + (m == 2 && IsLeap(y) ? 1 : 0);
  return d <= days;
}

// Buffers hold any int values (GCC's -Wformat-truncation checks the full int range at -O2).
std::string FormatDate(int y, int m, int d) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", y, m, d);
  return buffer;
}

std::string FormatTime(int h, int m, int s) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d", h, m, s);
  return buffer;
}

// Month and day after the year: `-4-1`, `/4/1`, `.4.1`, `年4月1日`.
std::optional<std::pair<int, int>> TakeMonthDay(std::string_view& s) {
  if (!TakeAny(s, {"-", "/", ".", "年"})) return std::nullopt;
  auto month = TakeNumber(s, 2);
  if (!month || !TakeAny(s, {"-", "/", ".", "月"})) return std::nullopt;
  auto day = TakeNumber(s, 2);
  if (!day) return std::nullopt;
  TakeAny(s, {"日"});
  return std::pair{*month, *day};
}

std::optional<std::string> EraDate(std::string_view s) {
  for (const auto& era : kEras) {
    if (!TakeAny(s, {era.name, era.initial, era.name.substr(0, 3)})) continue;
    std::optional<int> year;
    if (TakeAny(s, {"元"})) {
      year = 1;
    } else {
      year = TakeNumber(s, 2);
    }
    if (!year || *year < 1) return std::nullopt;
    auto month_day = TakeMonthDay(s);
    SkipSpaces(s);
    if (!month_day || !s.empty()) return std::nullopt;
    const int y = era.first_year + *year - 1;
    const auto [m, d] = *month_day;
    if (!ValidDate(y, m, d)) return std::nullopt;
    const auto key = y * 10000 + m * 100 + d;
    if (key < era.first_year * 10000 + era.start_month * 100 + era.start_day ||
        key > era.end_year * 10000 + era.end_month * 100 + era.end_day) {
      return std::nullopt;
    }
    return FormatDate(y, m, d);
  }
  return std::nullopt;
}

// `H:MM[:SS]` or `H時[MM分]`; consumes what it reads.
std::optional<std::string> TakeTime(std::string_view& s) {
  auto hour = TakeNumber(s, 2);
  if (!hour) return std::nullopt;
  int minute = 0, second = 0;
  if (TakeAny(s, {":"})) {
    auto m = TakeNumber(s, 2);
    if (!m) return std::nullopt;
    minute = *m;
    if (s.starts_with(":")) {
      s.remove_prefix(1);
      auto sec = TakeNumber(s, 2);
      if (!sec) return std::nullopt;
      second = *sec;
      // Excel's fractional seconds (`.000Z`) carry nothing.
      if (s.starts_with(".")) {
        s.remove_prefix(1);
        TakeNumber(s, 9);
      }
      if (s.starts_with("Z")) s.remove_prefix(1);
    }
  } else if (TakeAny(s, {"時"})) {
    if (auto m = TakeNumber(s, 2)) {
      minute = *m;
      if (!TakeAny(s, {"分"})) return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (minute > 59 || second > 59 || *hour > 24 || (*hour == 24 && (minute || second))) {
    return std::nullopt;
  }
  return FormatTime(*hour, minute, second);
}

}  // namespace

std::string NarrowAscii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c0 = static_cast<unsigned char>(text[i]);
    if (c0 == 0xEF && i + 2 < text.size()) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      const auto c2 = static_cast<unsigned char>(text[i + 2]);
      // U+FF01..U+FF3F is EF BC 81..BF, U+FF40..U+FF5E is EF BD 80..9E.
      if (c1 == 0xBC && c2 >= 0x81 && c2 <= 0xBF) {
        out.push_back(static_cast<char>(c2 - 0x81 + 0x21));
        i += 2;
        continue;
      }
      if (c1 == 0xBD && c2 >= 0x80 && c2 <= 0x9E) {
        out.push_back(static_cast<char>(c2 - 0x80 + 0x60));
        i += 2;
        continue;
      }
    }
    if (text.substr(i).starts_with("\u3000")) {
      out.push_back(' ');
      i += 2;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

std::optional<std::string> NormalizeDate(std::string_view text) {
  const std::string narrow = NarrowAscii(text);
  std::string_view s = narrow;
  SkipSpaces(s);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (!IsDigit(s.front())) return EraDate(s);
  auto year = TakeNumber(s, 4);
  if (!year || *year < 1000) return std::nullopt;
  auto month_day = TakeMonthDay(s);
  if (!month_day) return std::nullopt;
  // Excel writes date cells as `2024-04-01T00:00:00.000Z`; the time part of a date is noise.
  if (s.starts_with("T") || s.starts_with(" 00:00")) s = {};
  if (!s.empty()) return std::nullopt;
  const auto [m, d] = *month_day;
  if (!ValidDate(*year, m, d)) return std::nullopt;
  return FormatDate(*year, m, d);
}

std::optional<std::string> NormalizeTime(std::string_view text) {
  const std::string narrow = NarrowAscii(text);
  std::string_view s = narrow;
  SkipSpaces(s);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  // Excel's time cells exported as text: the date is its epoch, 1899-12-30 (高松市 AED).
  if (s.size() > 11 && s[4] == '-' && s[10] == 'T') s.remove_prefix(11);
  auto time = TakeTime(s);
  if (!time || !s.empty()) return std::nullopt;
  return time;
}

std::optional<TimeRange> NormalizeTimeRange(std::string_view text) {
  const std::string narrow = NarrowAscii(text);
  std::string_view all = narrow;
  while (!all.empty() && all.front() == ' ') all.remove_prefix(1);
  while (!all.empty() && all.back() == ' ') all.remove_suffix(1);
  // Only a cell that says all day and nothing else; `キャンプ場利用時は終日` is conditional.
  if (all == "終日" || all == "24時間") return TimeRange{"00:00:00", "24:00:00"};
  // The first `time separator time` anywhere in the cell (`平日 8:30~17:15`).
  for (std::size_t start = 0; start < all.size(); ++start) {
    if (!IsDigit(all[start]) || (start > 0 && IsDigit(all[start - 1]))) continue;
    std::string_view s = all.substr(start);
    auto from = TakeTime(s);
    if (!from) continue;
    // A separator, or only spaces (`8:00　　　　　17:00` in toilet-map.csv).
    const bool spaced = s.starts_with(" ");
    if (!TakeAny(s, {"~", "\u301C", "-", "\u30FC", "\u2010", "\u2013", "から"}) && !spaced) {
      continue;
    }
    auto to = TakeTime(s);
    if (!to) continue;
    return TimeRange{*from, *to};
  }
  return std::nullopt;
}

}  // namespace renkei::opendata
