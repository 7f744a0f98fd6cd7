// 全国地方公共団体コード: 5 digits of JIS X 0401/0402 plus a check digit (総務省 "全国地方公共団体
// コード" 検査数字: weights 6,5,4,3,2 over the five digits, 11 minus the sum modulo 11, last
// digit). Kept as text: leading zeros matter (011002 札幌市), architecture.md "Tenants".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace renkei::opendata {

// The check digit of a 5-digit code; nullopt when `five` is not five ASCII digits.
std::optional<char> MunicipalityCheckDigit(std::string_view five);

// True for six digits whose last is the check digit of the first five.
bool IsValidMunicipalityCode(std::string_view code);

// A 6-digit code as is when valid, a 5-digit one completed with its check digit (old
// files sometimes give the JIS code alone); nullopt otherwise.
std::optional<std::string> NormalizeMunicipalityCode(std::string_view code);

}  // namespace renkei::opendata
