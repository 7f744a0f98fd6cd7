// ISO 8601 parsing/formatting without locale or time-zone database: the civil-date
// arithmetic is Howard Hinnant's days_from_civil algorithm, written out here.
#include "base/time.hpp"

#include <chrono>
#include <cstdio>

namespace renkei::base {
namespace {

std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; advances pos.
bool Digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  out = v;
  return true;
}

}  // namespace

std::optional<Timestamp> ParseIso8601(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(s, pos, 4, year)) return std::nullopt;
  if (pos >= s.size() || s[pos++] != '-') return std::nullopt;
  if (!Digits(s, pos, 2, month) || month < 1 || month > 12) return std::nullopt;
  if (pos >= s.size() || s[pos++] != '-') return std::nullopt;
  if (!Digits(s, pos, 2, day) || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
    return std::nullopt;
  }
  std::int64_t millis = 0;
  std::int64_t offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T') return std::nullopt;
    ++pos;
    // Orion API manual "Datetime support": hh:mm:ss.sss, hhmmss.sss, hh:mm:ss, hhmmss,
    // hh:mm, hhmm or hh.
    if (!Digits(s, pos, 2, hour) || hour > 23) return std::nullopt;
    const bool extended = pos < s.size() && s[pos] == ':';
    auto is_digit = [&](std::size_t at) { return at < s.size() && s[at] >= '0' && s[at] <= '9'; };
    bool has_minutes = false;
    if (extended) {
      ++pos;
      if (!Digits(s, pos, 2, minute) || minute > 59) return std::nullopt;
      has_minutes = true;
    } else if (is_digit(pos)) {
      if (!Digits(s, pos, 2, minute) || minute > 59) return std::nullopt;
      has_minutes = true;
    }
    bool has_seconds = false;
    if (has_minutes && extended && pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, pos, 2, second) || second > 59) return std::nullopt;
      has_seconds = true;
    } else if (has_minutes && !extended && is_digit(pos)) {
      if (!Digits(s, pos, 2, second) || second > 59) return std::nullopt;
      has_seconds = true;
    }
    if (has_seconds) {
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        std::int64_t frac = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (digits < 3) frac = frac * 10 + (s[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (int i = digits; i < 3; ++i) frac *= 10;
        millis = frac;
      }
    }
    if (pos < s.size()) {
      const char z = s[pos];
      if (z == 'Z') {
        ++pos;
      } else if (z == '+' || z == '-') {
        ++pos;
        int oh = 0, om = 0;
        if (!Digits(s, pos, 2, oh) || oh > 23) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;  // ±hh:mm, ±hhmm or ±hh
        if (pos < s.size() && !Digits(s, pos, 2, om)) return std::nullopt;
        if (om > 59) return std::nullopt;
        offset_minutes = (oh * 60 + om) * (z == '+' ? 1 : -1);
      } else {
        return std::nullopt;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  const std::int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  const std::int64_t instant = secs * 1000 + millis;
  // A zone offset can move a local time in year 0000 or 9999 out of the four-digit years
  // FormatIso8601 writes ("9999-12-31T23:00-14:00" is 10000-01-01 UTC); found by
  // tests/fuzz/iso8601_fuzz.cpp. Such instants are rejected so every parsed time formats
  // to a text that parses back.
  constexpr std::int64_t kFirstMillis = -62167219200000;  // 0000-01-01T00:00:00.000Z
  constexpr std::int64_t kLastMillis = 253402300799999;   // 9999-12-31T23:59:59.999Z
  if (instant < kFirstMillis || instant > kLastMillis) return std::nullopt;
  return Timestamp{instant};
}

std::string FormatIso8601(Timestamp t) {
  std::int64_t ms = t.millis % 1000;
  std::int64_t secs = t.millis / 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                static_cast<long long>(ms));
  return buf;
}

Timestamp SystemClock::Now() const {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp{std::chrono::duration_cast<std::chrono::milliseconds>(now).count()};
}

}  // namespace renkei::base
