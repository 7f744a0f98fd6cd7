#include "opendata/municipality_code.hpp"

#include <algorithm>

namespace renkei::opendata {

std::optional<char> MunicipalityCheckDigit(std::string_view five) {
  if (five.size() != 5 ||
      !std::all_of(five.begin(), five.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int sum = 0;
  for (std::size_t i = 0; i < 5; ++i) sum += (five[i] - '0') * static_cast<int>(6 - i);
  const int remainder = sum % 11;
  // 11 − remainder, keeping only its last digit (remainder 1 gives 0, remainder 0 gives 1).
  return static_cast<char>('0' + (11 - remainder) % 10);
}

bool IsValidMunicipalityCode(std::string_view code) {
  if (code.size() != 6) return false;
  const auto check = MunicipalityCheckDigit(code.substr(0, 5));
  return check && *check == code[5];
}

std::optional<std::string> NormalizeMunicipalityCode(std::string_view code) {
  if (IsValidMunicipalityCode(code)) return std::string(code);
  if (auto check = MunicipalityCheckDigit(code)) return std::string(code) + *check;
  return std::nullopt;
}

}  // namespace renkei::opendata
