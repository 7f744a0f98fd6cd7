#include "opendata/quality_checks.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace renkei::opendata {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsDigit);
}

int ToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Full-width digits (U+FF10..U+FF19, UTF-8 EF BC 90..99) are a common reason for a value
// that looks right to a person but not to a program.
bool HasFullWidthDigit(std::string_view text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    const auto b2 = static_cast<unsigned char>(text[i + 2]);
    if (b0 == 0xEF && b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) return true;
  }
  return false;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

}  // namespace

std::optional<std::string> PostalCodeProblem(std::string_view value) {
  if (AllDigits(value) && value.size() == 7) return std::nullopt;
  if (HasFullWidthDigit(value)) return "full-width digits; GIF DS-443 wants 7 half-width digits";
  if (value.size() == 8 && value[3] == '-' && AllDigits(value.substr(0, 3)) &&
      AllDigits(value.substr(4))) {
    return "hyphenated; GIF DS-443 wants 7 digits without a hyphen";
  }
  return "not 7 digits (GIF DS-443 郵便番号)";
}

std::optional<std::string> TelephoneProblem(std::string_view value) {
  if (HasFullWidthDigit(value)) return "full-width digits; GIF DS-445 wants half-width digits";
  std::string_view rest = value;
  const bool international = rest.starts_with("+81");
  if (international) {
    rest.remove_prefix(3);
    if (rest.starts_with(" ") || rest.starts_with("-")) rest.remove_prefix(1);
  }
  std::string digits;
  bool open_paren = false, had_paren = false;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (c == '-') {
      if (i == 0 || i + 1 == rest.size() || rest[i - 1] == '-') {
        return "misplaced '-' (GIF DS-445 電話番号)";
      }
    } else if (c == '(' && !had_paren && digits.empty()) {
      open_paren = had_paren = true;
    } else if (c == ')' && open_paren) {
      open_paren = false;
    } else {
      return "'" + std::string(1, c) +
             "' is not allowed; GIF DS-445 wants digits, '-' and an area code in ()";
    }
  }
  if (open_paren) return "unclosed '(' (GIF DS-445 電話番号)";
  if (digits.empty() || digits.front() != '0') {
    return international ? "after +81 the area code keeps its 0 in parentheses, e.g. "
                           "+81 (03)5253-5111 (GIF DS-445)"
                         : "a domestic number starts with 0 (GIF DS-445 電話番号)";
  }
  if (digits.size() != 10 && digits.size() != 11) {
    return std::to_string(digits.size()) + " digits; a Japanese number has 10 or 11";
  }
  if (value.find('-') == std::string_view::npos && !had_paren) {
    return "no separators; GIF DS-445 separates the parts with '-'";
  }
  return std::nullopt;
}

std::optional<std::string> DateProblem(std::string_view value) {
  if (ContainsWareki(value)) return "a 和暦 date; GIF DS-441 wants YYYY-MM-DD";
  if (value.size() == 4 && AllDigits(value)) return std::nullopt;  // a year alone
  if (value.size() != 10 || value[4] != '-' || value[7] != '-' || !AllDigits(value.substr(0, 4)) ||
      !AllDigits(value.substr(5, 2)) || !AllDigits(value.substr(8, 2))) {
    return "not YYYY-MM-DD (GIF DS-441)";
  }
  const int year = ToInt(value.substr(0, 4));
  const int month = ToInt(value.substr(5, 2));
  const int day = ToInt(value.substr(8, 2));
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return "month " + std::to_string(month) + " does not exist";
  const int last =
      kDays[static_cast<std::size_t>(month - 1)] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  if (day < 1 || day > last) {
    return "day " + std::to_string(day) + " does not exist in " + std::string(value.substr(0, 7));
  }
  return std::nullopt;
}

std::optional<std::string> TimeProblem(std::string_view value) {
  if (ContainsWareki(value)) return "a 和暦 value; GIF DS-441 wants HH:MM:SS";
  const bool with_seconds = value.size() == 8;
  if ((value.size() != 5 && !with_seconds) || value[2] != ':' ||
      (with_seconds && value[5] != ':') || !AllDigits(value.substr(0, 2)) ||
      !AllDigits(value.substr(3, 2)) || (with_seconds && !AllDigits(value.substr(6, 2)))) {
    return "not HH:MM:SS (GIF DS-441)";
  }
  const int hour = ToInt(value.substr(0, 2));
  const int minute = ToInt(value.substr(3, 2));
  const int second = with_seconds ? ToInt(value.substr(6, 2)) : 0;
  if (hour == 24 && minute == 0 && second == 0) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59) return "not a time of day";
  return std::nullopt;
}

bool ContainsWareki(std::string_view text) {
  for (std::string_view era : {"令和", "平成", "昭和", "大正", "明治"}) {
    for (auto at = text.find(era); at != std::string_view::npos; at = text.find(era, at + 1)) {
      const auto after = text.substr(at + era.size());
      if (after.starts_with("元") || (!after.empty() && IsDigit(after.front())) ||
          HasFullWidthDigit(after.substr(0, 3))) {
        return true;
      }
    }
  }
  // Initials: a letter not preceded by another letter, then digits and '.' or '年'
  // ("H31.4.30", "R2.4.1", "S63年").
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const char c = text[i];
    if (c != 'R' && c != 'H' && c != 'S' && c != 'T' && c != 'M') continue;
    if (i > 0 && std::isalpha(static_cast<unsigned char>(text[i - 1]))) continue;
    std::size_t j = i + 1;
    while (j < text.size() && IsDigit(text[j]) && j - i <= 2) ++j;
    if (j == i + 1 || j >= text.size()) continue;
    if (text[j] == '.' || text.substr(j).starts_with("年")) return true;
  }
  return false;
}

bool InJapan(GeoPoint point) {
  return point.lat >= 20.0 && point.lat <= 46.0 && point.lon >= 122.0 && point.lon <= 154.0;
}

double DistanceKm(GeoPoint a, GeoPoint b) {
  constexpr double kRadians = 3.14159265358979323846 / 180.0;
  const double dlat = (b.lat - a.lat) * kRadians;
  const double dlon = (b.lon - a.lon) * kRadians;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * kRadians) * std::cos(b.lat * kRadians) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * 6371.0 * std::asin(std::min(1.0, std::sqrt(h)));
}

std::optional<std::string> AddressProblem(std::string_view value) {
  for (auto at = value.find("0-0"); at != std::string_view::npos; at = value.find("0-0", at + 1)) {
    const bool starts = at == 0 || !IsDigit(value[at - 1]);
    const bool ends = at + 3 == value.size() || !IsDigit(value[at + 3]);
    if (starts && ends) return "lot number 0-0 is a placeholder for an unknown 番地";
  }
  return std::nullopt;
}

}  // namespace renkei::opendata
