#include "core/geo/ld_geo_query.hpp"

#include <charconv>
#include <string>
#include <utility>

#include "core/json_parse.hpp"

namespace renkei::core::geo {
namespace {

namespace json = boost::json;

base::Unexpected Bad(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

// `near` modifiers: maxDistance==d, minDistance==d, comma separated.
base::Result<void> ParseNearModifiers(std::string_view rest, GeoQuery& query) {
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string part(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    const auto eq = part.find("==");
    if (eq == std::string::npos) return Bad("invalid near modifier: " + part);
    double d = 0;
    const auto text = std::string_view(part).substr(eq + 2);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc{} || end != text.data() + text.size() || d < 0) {
      return Bad("invalid distance in georel: " + part);
    }
    if (part.starts_with("maxDistance")) {
      query.max_distance = d;
    } else if (part.starts_with("minDistance")) {
      query.min_distance = d;
    } else {
      return Bad("invalid near modifier: " + part);
    }
  }
  return base::Ok();
}

}  // namespace

base::Result<GeoQuery> ParseLdGeoQuery(std::string_view georel, std::string_view geometry,
                                       std::string_view coordinates) {
  GeoQuery query;
  const auto semi = georel.find(';');
  const std::string_view name = georel.substr(0, semi);
  static constexpr std::pair<std::string_view, Relation> kRelations[] = {
      {"near", Relation::kNear},         {"within", Relation::kWithin},
      {"contains", Relation::kContains}, {"intersects", Relation::kIntersects},
      {"equals", Relation::kEquals},     {"disjoint", Relation::kDisjoint},
      {"overlaps", Relation::kOverlaps}};
  bool known = false;
  for (const auto& [n, r] : kRelations) {
    if (n == name) {
      query.relation = r;
      known = true;
    }
  }
  if (!known) return Bad("invalid georel: " + std::string(georel));
  if (query.relation == Relation::kNear) {
    RENKEI_TRY_VOID(
        ParseNearModifiers(semi == std::string_view::npos ? "" : georel.substr(semi + 1), query));
    if (!query.max_distance && !query.min_distance) {
      return Bad("georel near needs maxDistance or minDistance");
    }
    if (geometry != "Point") return Bad("georel near needs a Point geometry");
  }
  json::error_code ec;
  auto coords = core::ParseJson(coordinates, ec);
  if (ec) return Bad("invalid coordinates: " + std::string(coordinates));
  json::object geo;
  geo["type"] = geometry;
  geo["coordinates"] = std::move(coords);
  auto parsed = ParseGeoJson(geo);
  if (!parsed) return Bad("invalid geometry or coordinates: " + parsed.error().detail);
  query.reference = std::move(*parsed);
  return query;
}

}  // namespace renkei::core::geo
