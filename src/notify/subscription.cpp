#include "notify/subscription.hpp"

#include <array>

namespace renkei::notify {
namespace {

constexpr std::array<std::pair<AttrsFormat, std::string_view>, 5> kFormats = {{
    {AttrsFormat::kNormalized, "normalized"},
    {AttrsFormat::kKeyValues, "keyValues"},
    {AttrsFormat::kValues, "values"},
    {AttrsFormat::kSimplifiedNormalized, "simplifiedNormalized"},
    {AttrsFormat::kSimplifiedKeyValues, "simplifiedKeyValues"},
}};

constexpr std::array<std::pair<AlterationType, std::string_view>, 4> kAlterations = {{
    {AlterationType::kEntityCreate, "entityCreate"},
    {AlterationType::kEntityUpdate, "entityUpdate"},
    {AlterationType::kEntityChange, "entityChange"},
    {AlterationType::kEntityDelete, "entityDelete"},
}};

}  // namespace

std::string_view AttrsFormatName(AttrsFormat format) {
  for (const auto& [f, name] : kFormats) {
    if (f == format) return name;
  }
  return "normalized";
}

std::optional<AttrsFormat> ParseAttrsFormat(std::string_view name) {
  for (const auto& [f, n] : kFormats) {
    if (n == name) return f;
  }
  return std::nullopt;
}

std::string_view AlterationTypeName(AlterationType type) {
  for (const auto& [t, name] : kAlterations) {
    if (t == type) return name;
  }
  return "entityChange";
}

std::optional<AlterationType> ParseAlterationType(std::string_view name) {
  for (const auto& [t, n] : kAlterations) {
    if (n == name) return t;
  }
  return std::nullopt;
}

}  // namespace renkei::notify
