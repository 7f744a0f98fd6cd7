#include "api/ngsild/ld_query_builder.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json/parse.hpp>

#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_query_checks.hpp"
#include "api/ngsild/member_selection.hpp"
#include "core/geo/geometry.hpp"
#include "core/q/ld_query.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using base::ErrorCode;

base::Unexpected Bad(std::string detail) {
  return base::Fail(ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

base::Result<std::size_t> ParseCount(std::string_view name, std::string_view text) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return Bad("invalid " + std::string(name) + ": " + std::string(text));
  }
  return n;
}

std::vector<std::string> StoredNames(const LdCall& call, std::string_view list) {
  std::vector<std::string> out;
  for (const auto& n : SplitCommaList(list)) out.push_back(StoredName(*call.context, n));
  return out;
}

// The stored names of a pick/omit member selection (§4.21), validated.
base::Result<std::vector<std::string>> SelectedMembers(const LdCall& call, std::string_view param,
                                                       std::string_view text) {
  RENKEI_TRY(std::vector<std::string> names, ParseMemberSelection(param, text));
  for (auto& name : names) name = StoredName(*call.context, name);
  return names;
}

// §4.10: georel=near;maxDistance==1000, geometry=Point, coordinates=[lon,lat] (GeoJSON).
base::Result<core::geo::GeoQuery> ParseLdGeoQuery(std::string_view georel,
                                                  std::string_view geometry,
                                                  std::string_view coordinates) {
  using core::geo::Relation;
  core::geo::GeoQuery query;
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
    std::string_view rest = semi == std::string_view::npos ? "" : georel.substr(semi + 1);
    for (const auto& part : SplitCommaList(std::string(rest))) {
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
    if (!query.max_distance && !query.min_distance) {
      return Bad("georel near needs maxDistance or minDistance");
    }
    if (geometry != "Point") return Bad("georel near needs a Point geometry");
  }
  json::error_code ec;
  auto coords = json::parse(coordinates, ec);
  if (ec) return Bad("invalid coordinates: " + std::string(coordinates));
  json::object geo;
  geo["type"] = geometry;
  geo["coordinates"] = std::move(coords);
  auto parsed = core::geo::ParseGeoJson(geo);
  if (!parsed) return Bad("invalid geometry or coordinates: " + parsed.error().detail);
  query.reference = std::move(*parsed);
  return query;
}

}  // namespace

bool LdQueryRequest::PostFilterMatches(const core::Entity& entity) const {
  if (type_filter && !type_filter->Matches(entity.types)) return false;
  if (scope_filter && !scope_filter->Matches(entity.scopes)) return false;
  if (any_of_attributes.empty()) return true;
  for (const auto& name : any_of_attributes) {
    if (entity.Find(name) != nullptr) return true;
  }
  return false;
}

base::Result<LdRenderOptions> BuildRenderOptions(const LdCall& call) {
  LdRenderOptions render;
  const bool key_values = call.Option("keyValues") || call.Option("simplified");
  const bool concise = call.Option("concise");
  if (key_values && concise) return Bad("keyValues and concise are exclusive");
  render.format = key_values ? LdFormat::kKeyValues
                  : concise  ? LdFormat::kConcise
                             : LdFormat::kNormalized;
  render.sys_attrs = call.Option("sysAttrs");
  // §4.21: attrs is pick restricted to attributes; id and type stay. attrs excludes pick and
  // omit, and no member may be both picked and omitted.
  const auto attrs = call.Param("attrs");
  const auto pick = call.Param("pick");
  const auto omit = call.Param("omit");
  if (attrs && (pick || omit)) return Bad("attrs cannot be combined with pick or omit");
  if (attrs) {
    render.pick = StoredNames(call, *attrs);
    render.pick.push_back("id");
    render.pick.push_back("type");
  }
  if (pick) {
    RENKEI_TRY(render.pick, SelectedMembers(call, "pick", *pick));
  }
  if (omit) {
    RENKEI_TRY(render.omit, SelectedMembers(call, "omit", *omit));
  }
  for (const auto& name : render.omit) {
    if (pick && std::find(render.pick.begin(), render.pick.end(), name) != render.pick.end()) {
      return Bad("'" + name + "' is both picked and omitted");
    }
  }
  if (auto lang = call.Param("lang")) render.lang = std::string(*lang);
  if (auto geo = call.Param("geoproperty")) render.geoproperty = StoredName(*call.context, *geo);
  return render;
}

base::Result<LdQueryRequest> BuildLdQuery(const LdCall& call, const LdApiOptions& options) {
  LdQueryRequest out;
  RENKEI_TRY(out.render, BuildRenderOptions(call));
  const auto ids = call.Param("id");
  const auto id_pattern = call.Param("idPattern");
  const auto type = call.Param("type");
  const auto q = call.Param("q");
  const auto georel = call.Param("georel");
  const auto local = call.Param("local");
  RENKEI_TRY_VOID(
      CheckLdSelection(LdSelectionParams{ids, id_pattern, type, call.Param("attrs"), q, georel,
                                         call.Param("scopeQ"), local && *local == "true"}));
  const auto expand = [&call](std::string_view term) { return StoredName(*call.context, term); };
  if (auto attrs = call.Param("attrs")) out.any_of_attributes = StoredNames(call, *attrs);
  std::vector<std::optional<std::string>> types{std::nullopt};
  if (type) {
    RENKEI_TRY(auto selection, core::q::ParseTypeSelection(*type, expand));
    if (auto any = selection.AnyOf(); any && !selection.MatchesAll()) {
      types.assign(any->begin(), any->end());
    } else if (!selection.MatchesAll()) {
      out.type_filter = std::move(selection);
    }
  }
  std::vector<std::optional<std::string>> id_list{std::nullopt};
  if (ids) {
    id_list.clear();
    for (auto& i : SplitCommaList(*ids)) id_list.emplace_back(std::move(i));
  }
  for (const auto& i : id_list) {
    for (const auto& t : types) {
      store::EntitySelector s;
      s.id = i;
      s.type = t;
      if (id_pattern) s.id_pattern = std::string(*id_pattern);
      out.query.selectors.push_back(std::move(s));
    }
  }
  if (q) {
    RENKEI_TRY(out.query.q, core::q::ParseLdQuery(*q, expand));
  }
  if (auto scope_q = call.Param("scopeQ")) {
    RENKEI_TRY(out.scope_filter, core::q::ParseLdScopeQuery(*scope_q));
  }
  if (georel) {
    const auto geometry = call.Param("geometry");
    const auto coordinates = call.Param("coordinates");
    if (!geometry || !coordinates) return Bad("georel needs geometry and coordinates");
    RENKEI_TRY(out.query.geo, ParseLdGeoQuery(*georel, *geometry, *coordinates));
    out.query.geo_attribute = out.render.geoproperty;
  }
  out.query.limit = options.default_limit;
  if (auto limit = call.Param("limit")) {
    RENKEI_TRY(out.query.limit, ParseCount("limit", *limit));
  }
  if (out.query.limit > options.max_limit) {
    // §5.5.9 / §6.3.10: asking for more than the maximum is TooManyResults, not a silent cap.
    return base::Fail(ErrorCode::kTooManyResults, "TooManyResults",
                      "limit " + std::to_string(out.query.limit) + " exceeds the maximum " +
                          std::to_string(options.max_limit));
  }
  if (auto offset = call.Param("offset")) {
    RENKEI_TRY(out.query.offset, ParseCount("offset", *offset));
  }
  const auto count = call.Param("count");
  out.query.want_count = count && *count == "true";
  if (out.query.limit == 0 && !out.query.want_count) {
    return Bad("limit=0 is only allowed with count=true");
  }
  return out;
}

}  // namespace renkei::api::ngsild
