#include "api/ngsild/ld_query_builder.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_order_by.hpp"
#include "api/ngsild/ld_query_checks.hpp"
#include "api/ngsild/member_selection.hpp"
#include "core/geo/geometry.hpp"
#include "core/geo/ld_geo_query.hpp"
#include "core/jsonld/iri.hpp"
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

std::optional<std::string> Text(std::optional<std::string_view> v) {
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

// A Query member given as a string or an array of strings → the URL's comma-separated form.
base::Result<std::optional<std::string>> ListMember(const json::object& body,
                                                    std::string_view name) {
  const auto* v = body.if_contains(name);
  if (v == nullptr) return std::optional<std::string>{};
  if (v->is_string()) return std::optional<std::string>(std::string(v->get_string()));
  if (!v->is_array()) return Bad(std::string(name) + " must be a string or an array of strings");
  std::string out;
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) return Bad(std::string(name) + " must hold strings");
    out += (out.empty() ? "" : ",") + std::string(item.get_string());
  }
  return std::optional<std::string>(std::move(out));
}

base::Result<std::optional<std::string>> StringMember(const json::object& body,
                                                      std::string_view name) {
  const auto* v = body.if_contains(name);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return Bad(std::string(name) + " must be a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

std::vector<std::string> StoredNames(const LdCall& call, std::string_view list) {
  std::vector<std::string> out;
  for (const auto& n : SplitCommaList(list)) out.push_back(StoredName(*call.context, n));
  return out;
}

// Members of every entity rather than attributes (§4.5.1, §4.18, §4.8).
bool IsEntityMember(const std::string& name) {
  return name == "id" || name == "type" || name == "scope" || name == "createdAt" ||
         name == "modifiedAt";
}

void AddNestedSelections(const LdCall& call, const std::vector<SelectedMember>& members,
                         bool is_pick, std::vector<LinkedSelection>& linked);

// One level of a nested selection: pick shows every member listed; omit leaves out those
// without a nested selection of their own (`omit=locatedAt{name}` keeps locatedAt and leaves
// out the name of the entity it links to).
void AddSelectionLevel(const LdCall& call, const std::vector<SelectedMember>& members, bool is_pick,
                       LinkedSelection& selection) {
  for (const auto& m : members) {
    if (is_pick || m.nested.empty()) {
      (is_pick ? selection.pick : selection.omit).push_back(StoredName(*call.context, m.name));
    }
  }
  AddNestedSelections(call, members, is_pick, selection.linked);
}

// The nested selections of `members` (§4.21 `locatedAt{name}`) merged into `linked`, one
// entry per relationship for pick and omit together.
void AddNestedSelections(const LdCall& call, const std::vector<SelectedMember>& members,
                         bool is_pick, std::vector<LinkedSelection>& linked) {
  for (const auto& m : members) {
    if (m.nested.empty()) continue;
    const std::string relationship = StoredName(*call.context, m.name);
    auto it = std::find_if(linked.begin(), linked.end(), [&](const LinkedSelection& s) {
      return s.relationship == relationship;
    });
    if (it == linked.end()) {
      linked.emplace_back();
      linked.back().relationship = relationship;
      it = std::prev(linked.end());
    }
    AddSelectionLevel(call, m.nested, is_pick, *it);
  }
}

// The pick and omit parameters (§4.21), validated: the members of the requested entities
// (pick, omit of `selection`) and the nested selections of linked ones (its `linked`).
base::Result<LinkedSelection> MemberSelections(const LdCall& call,
                                               const std::optional<std::string>& pick,
                                               const std::optional<std::string>& omit) {
  LinkedSelection selection;
  if (pick) {
    RENKEI_TRY(std::vector<SelectedMember> members, ParseMemberSelection("pick", *pick));
    AddSelectionLevel(call, members, true, selection);
  }
  if (omit) {
    RENKEI_TRY(std::vector<SelectedMember> members, ParseMemberSelection("omit", *omit));
    AddSelectionLevel(call, members, false, selection);
  }
  return selection;
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

LdQueryTerms QueryTermsFromUrl(const LdCall& call) {
  LdQueryTerms terms;
  LdEntitySelection selection{Text(call.Param("id")), Text(call.Param("idPattern")),
                              Text(call.Param("type"))};
  if (selection.ids || selection.id_pattern || selection.type) terms.entities.push_back(selection);
  terms.attrs = Text(call.Param("attrs"));
  terms.pick = Text(call.Param("pick"));
  terms.omit = Text(call.Param("omit"));
  terms.lang = Text(call.Param("lang"));
  terms.q = Text(call.Param("q"));
  terms.georel = Text(call.Param("georel"));
  terms.geometry = Text(call.Param("geometry"));
  terms.coordinates = Text(call.Param("coordinates"));
  terms.geoproperty = Text(call.Param("geoproperty"));
  terms.scope_q = Text(call.Param("scopeQ"));
  terms.order_by = Text(call.Param("orderBy"));
  terms.dataset_id = Text(call.Param("datasetId"));
  terms.geometry_property = Text(call.Param("geometryProperty"));
  terms.join = Text(call.Param("join"));
  terms.join_level = Text(call.Param("joinLevel"));
  terms.contained_by = Text(call.Param("containedBy"));
  const auto local = call.Param("local");
  terms.local = local && *local == "true";
  return terms;
}

base::Result<LdQueryTerms> QueryTermsFromBody(const json::object& body) {
  LdQueryTerms terms;
  const auto* type = body.if_contains("type");
  if (type == nullptr || !type->is_string() || type->get_string() != "Query") {
    return Bad("the payload must be a Query (\"type\": \"Query\")");
  }
  for (std::string_view unsupported : {"temporalQ", "csf"}) {
    if (body.contains(unsupported)) {
      return base::Fail(ErrorCode::kOperationNotSupported, "OperationNotSupported",
                        std::string(unsupported) + " is not supported");
    }
  }
  if (const auto* entities = body.if_contains("entities")) {
    if (!entities->is_array()) return Bad("entities must be an array of EntitySelector");
    for (const auto& e : entities->get_array()) {
      if (!e.is_object()) return Bad("entities must be an array of EntitySelector");
      LdEntitySelection s;
      RENKEI_TRY(s.ids, StringMember(e.get_object(), "id"));
      RENKEI_TRY(s.id_pattern, StringMember(e.get_object(), "idPattern"));
      RENKEI_TRY(s.type, StringMember(e.get_object(), "type"));
      // §5.2.33: an EntitySelector has a type (v1.8 makes it mandatory).
      if (!s.type) return Bad("an EntitySelector needs a type");
      terms.entities.push_back(std::move(s));
    }
  }
  RENKEI_TRY(terms.attrs, ListMember(body, "attrs"));
  RENKEI_TRY(terms.pick, ListMember(body, "pick"));
  RENKEI_TRY(terms.omit, ListMember(body, "omit"));
  RENKEI_TRY(terms.lang, StringMember(body, "lang"));
  RENKEI_TRY(terms.q, StringMember(body, "q"));
  RENKEI_TRY(terms.scope_q, StringMember(body, "scopeQ"));
  RENKEI_TRY(terms.geometry_property, StringMember(body, "geometryProperty"));
  // Linked entity retrieval (§4.5.23) may be asked for in the Query too.
  RENKEI_TRY(terms.join, StringMember(body, "join"));
  RENKEI_TRY(terms.contained_by, ListMember(body, "containedBy"));
  if (const auto* level = body.if_contains("joinLevel")) {
    if (level->is_int64() || level->is_uint64()) {
      terms.join_level = json::serialize(*level);
    } else if (level->is_string()) {
      terms.join_level = std::string(level->get_string());
    } else {
      return Bad("joinLevel must be a positive integer");
    }
  }
  if (const auto* geo = body.if_contains("geoQ")) {
    // §5.2.13 GeoQuery: coordinates are JSON (an array, or its text as in the URL).
    if (!geo->is_object()) return Bad("geoQ must be an object");
    const auto& g = geo->get_object();
    RENKEI_TRY(terms.georel, StringMember(g, "georel"));
    RENKEI_TRY(terms.geometry, StringMember(g, "geometry"));
    RENKEI_TRY(terms.geoproperty, StringMember(g, "geoproperty"));
    if (const auto* c = g.if_contains("coordinates")) {
      terms.coordinates = c->is_string() ? std::string(c->get_string()) : json::serialize(*c);
    }
    if (!terms.georel) return Bad("geoQ needs georel");
  }
  return terms;
}

base::Result<LdRenderOptions> BuildRenderOptions(const LdCall& call, const LdQueryTerms& terms) {
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
  const auto& attrs = terms.attrs;
  const auto& pick = terms.pick;
  const auto& omit = terms.omit;
  if (attrs && (pick || omit)) return Bad("attrs cannot be combined with pick or omit");
  if (attrs) {
    render.pick = StoredNames(call, *attrs);
    render.pick.push_back("id");
    render.pick.push_back("type");
  }
  if (pick || omit) {
    RENKEI_TRY(LinkedSelection selection, MemberSelections(call, pick, omit));
    if (pick) render.pick = std::move(selection.pick);
    render.omit = std::move(selection.omit);
    render.linked = std::move(selection.linked);
  }
  for (const auto& name : render.omit) {
    if (pick && std::find(render.pick.begin(), render.pick.end(), name) != render.pick.end()) {
      return Bad("'" + name + "' is both picked and omitted");
    }
  }
  if (terms.lang) render.lang = *terms.lang;
  if (terms.dataset_id) {
    // NGSI-LD 1.8 §4.5.5, §6.4.3.2: datasetId selects attribute instances; "@none" is the
    // default instance.
    auto& ids = render.dataset_ids.emplace();
    for (auto& id : SplitCommaList(*terms.dataset_id)) {
      if (id == "@none") {
        ids.emplace_back(std::nullopt);
      } else if (core::jsonld::IsAbsoluteIri(id)) {
        ids.emplace_back(std::move(id));
      } else {
        return Bad("datasetId " + id + " is not a URI");
      }
    }
  }
  if (terms.geometry_property) {
    // §6.3.15 (GeoJSON): geometryProperty names the GeoProperty shown as the geometry.
    render.geoproperty = StoredName(*call.context, *terms.geometry_property);
  }
  return render;
}

base::Result<JoinRequest> BuildJoinRequest(const LdQueryTerms& terms, const LdApiOptions& options) {
  const auto view = [](const std::optional<std::string>& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
  };
  return ParseJoinRequest(view(terms.join), view(terms.join_level), view(terms.contained_by),
                          options.max_join_level);
}

base::Result<LdQueryRequest> BuildLdQuery(const LdCall& call, const LdQueryTerms& terms,
                                          const LdApiOptions& options) {
  LdQueryRequest out;
  RENKEI_TRY(out.render, BuildRenderOptions(call, terms));
  RENKEI_TRY(out.join, BuildJoinRequest(terms, options));
  const auto& q = terms.q;
  const auto& georel = terms.georel;
  RENKEI_TRY_VOID(CheckLdSelection(terms));
  const auto expand = [&call](std::string_view term) { return StoredName(*call.context, term); };
  if (terms.attrs) out.any_of_attributes = StoredNames(call, *terms.attrs);
  if (terms.pick && std::none_of(out.render.pick.begin(), out.render.pick.end(), IsEntityMember)) {
    // §4.21: an entity left without members by pick is not returned; pagination and count
    // must not see it either.
    out.any_of_attributes = out.render.pick;
  }
  if (terms.entities.empty()) out.query.selectors.emplace_back();
  for (const auto& selection : terms.entities) {
    std::vector<std::optional<std::string>> types{std::nullopt};
    if (selection.type) {
      RENKEI_TRY(auto parsed, core::q::ParseTypeSelection(*selection.type, expand));
      if (auto any = parsed.AnyOf(); any && !parsed.MatchesAll()) {
        types.assign(any->begin(), any->end());
      } else if (!parsed.MatchesAll()) {
        if (terms.entities.size() > 1) {
          return base::Fail(ErrorCode::kOperationNotSupported, "OperationNotSupported",
                            "a type selection with ';' needs a single EntitySelector");
        }
        out.type_filter = std::move(parsed);
      }
    }
    std::vector<std::optional<std::string>> id_list{std::nullopt};
    if (selection.ids) {
      id_list.clear();
      for (auto& i : SplitCommaList(*selection.ids)) id_list.emplace_back(std::move(i));
    }
    for (const auto& i : id_list) {
      for (const auto& t : types) {
        store::EntitySelector s;
        s.id = i;
        s.type = t;
        s.type_in_any = true;  // §4.17: any of the entity's types
        s.id_pattern = selection.id_pattern;
        out.query.selectors.push_back(std::move(s));
      }
    }
  }
  if (q) {
    RENKEI_TRY(out.query.q, core::q::ParseLdQuery(*q, expand));
  }
  if (terms.scope_q) {
    RENKEI_TRY(out.scope_filter, core::q::ParseLdScopeQuery(*terms.scope_q));
  }
  if (terms.order_by) {
    RENKEI_TRY(out.query.order, ParseLdOrderBy(*terms.order_by, expand));
  }
  if (georel) {
    const auto& geometry = terms.geometry;
    const auto& coordinates = terms.coordinates;
    if (!geometry || !coordinates) return Bad("georel needs geometry and coordinates");
    RENKEI_TRY(out.query.geo, core::geo::ParseLdGeoQuery(*georel, *geometry, *coordinates));
    // §4.10: geoproperty names the GeoProperty the geo-query applies to.
    out.query.geo_attribute =
        terms.geoproperty ? StoredName(*call.context, *terms.geoproperty) : "location";
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
