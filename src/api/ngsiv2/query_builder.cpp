#include "api/ngsiv2/query_builder.hpp"
#include "api/ngsiv2/orion_errors.hpp"

#include <algorithm>
#include <regex>

#include "core/geo/geo_query.hpp"
#include "core/q/filter.hpp"

namespace renkei::api::ngsiv2 {
namespace json = boost::json;
namespace {

using base::ErrorCode;

base::Result<void> CheckRegex(const std::string& pattern, const char* what) {
  try {
    std::regex re(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return BadRequest(std::string("Invalid regex for entity ") + what);
  }
  return base::Ok();
}

base::Result<std::vector<store::OrderKey>> ParseOrderBy(std::string_view text, bool has_near) {
  std::vector<store::OrderKey> keys;
  std::vector<std::string> seen;
  for (auto& token : SplitList(text)) {
    store::OrderKey key;
    std::string name = token;
    if (!name.empty() && name.front() == '!') {
      key.descending = true;
      name.erase(0, 1);
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return BadRequest("duplicate orderBy token detected");
    }
    seen.push_back(name);
    if (name == "id") {
      key.field = store::OrderKey::Field::kId;
    } else if (name == "type") {
      key.field = store::OrderKey::Field::kType;
    } else if (name == "servicePath") {
      // Orion orders by the entity's ServicePath (case 2877_return_ServicePath_in_entity_response).
      key.field = store::OrderKey::Field::kServicePath;
    } else if (name == "dateCreated") {
      key.field = store::OrderKey::Field::kDateCreated;
    } else if (name == "dateModified") {
      key.field = store::OrderKey::Field::kDateModified;
    } else if (name == "geo:distance") {
      if (!has_near) {
        return BadRequest("Orderby geo:distance requires georel=near");
      }
      key.field = store::OrderKey::Field::kGeoDistance;
    } else {
      key.field = store::OrderKey::Field::kAttribute;
      key.attribute = name;
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

base::Result<std::size_t> ParseCount(std::string_view value, bool is_limit,
                                     const ApiOptions& options) {
  std::size_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') {
      return BadRequest(is_limit ? "Bad pagination limit: /" + std::string(value) +
                                       "/ [must be a positive integer number]"
                                 : "Bad pagination offset: /" + std::string(value) +
                                       "/ [must be a decimal number]");
    }
    n = n * 10 + static_cast<std::size_t>(c - '0');
    if (n > 1000000000) break;
  }
  if (is_limit && n > options.max_limit) {
    return BadRequest("Bad pagination limit: /" + std::string(value) +
                      "/ [max: " + std::to_string(options.max_limit) + "]");
  }
  return n;
}

base::Result<void> ApplyFilters(std::optional<std::string_view> q,
                                std::optional<std::string_view> mq,
                                std::optional<std::string_view> georel,
                                std::optional<std::string_view> geometry,
                                std::optional<std::string_view> coords, QueryRequest& out) {
  if (q) {
    RENKEI_TRY(out.query.q, core::q::ParseV2Query(*q));
  }
  if (mq) {
    RENKEI_TRY(out.query.mq, core::q::ParseV2MetadataQuery(*mq));
  }
  if (georel || geometry || coords) {
    auto geo =
        core::geo::ParseV2GeoQuery(georel.value_or(""), geometry.value_or(""), coords.value_or(""));
    if (!geo) {
      // Orion prefixes geo-query errors of list operations this way.
      return BadRequest("Invalid query: " + geo.error().detail);
    }
    out.query.geo = std::move(*geo);
  }
  return base::Ok();
}

}  // namespace

RenderFormat FormatFromOptions(const Call& call) {
  if (call.Option("keyValues")) return RenderFormat::kKeyValues;
  if (call.Option("values")) return RenderFormat::kValues;
  if (call.Option("unique")) return RenderFormat::kUnique;
  return RenderFormat::kNormalized;
}

base::Result<void> ApplyPagingAndRendering(const Call& call, const ApiOptions& options,
                                           QueryRequest& out) {
  out.query.limit = options.default_limit;
  if (auto v = call.Param("limit")) {
    RENKEI_TRY(out.query.limit, ParseCount(*v, true, options));
  }
  if (auto v = call.Param("offset")) {
    RENKEI_TRY(out.query.offset, ParseCount(*v, false, options));
  }
  out.query.want_count = call.Option("count");
  if (auto v = call.Param("orderBy")) {
    const bool near = out.query.geo && out.query.geo->relation == core::geo::Relation::kNear;
    RENKEI_TRY(out.query.order, ParseOrderBy(*v, near));
  }
  if (auto v = call.Param("attrs")) out.render.attrs = SplitList(*v);
  if (auto v = call.Param("metadata")) out.render.metadata = SplitList(*v);
  out.render.format = FormatFromOptions(call);
  out.render.sys_attrs = call.Option("sysAttrs");
  return base::Ok();
}

base::Result<QueryRequest> BuildListQuery(const Call& call, const ApiOptions& options) {
  QueryRequest out;
  const auto id = call.Param("id");
  const auto id_pattern = call.Param("idPattern");
  const auto type = call.Param("type");
  const auto type_pattern = call.Param("typePattern");
  if (id && id_pattern) return BadRequest("Incompatible parameters: id, IdPattern");
  if (type && type_pattern) return BadRequest("Incompatible parameters: type, typePattern");
  std::vector<std::optional<std::string>> ids{std::nullopt};
  std::vector<std::optional<std::string>> types{std::nullopt};
  if (id) {
    ids.clear();
    for (auto& v : SplitList(*id)) ids.emplace_back(std::move(v));
  }
  if (type) {
    types.clear();
    for (auto& v : SplitList(*type)) types.emplace_back(std::move(v));
  }
  if (id_pattern) RENKEI_TRY_VOID(CheckRegex(std::string(*id_pattern), "idPattern"));
  if (type_pattern) RENKEI_TRY_VOID(CheckRegex(std::string(*type_pattern), "typePattern"));
  if (id || type || id_pattern || type_pattern) {
    for (const auto& i : ids) {
      for (const auto& t : types) {
        store::EntitySelector s;
        s.id = i;
        s.type = t;
        if (id_pattern) s.id_pattern = std::string(*id_pattern);
        if (type_pattern) s.type_pattern = std::string(*type_pattern);
        out.query.selectors.push_back(std::move(s));
      }
    }
  }
  RENKEI_TRY_VOID(ApplyFilters(call.Param("q"), call.Param("mq"), call.Param("georel"),
                               call.Param("geometry"), call.Param("coords"), out));
  RENKEI_TRY_VOID(ApplyPagingAndRendering(call, options, out));
  return out;
}

base::Result<QueryRequest> BuildOpQuery(const Call& call, const ApiOptions& options,
                                        const json::value& body) {
  QueryRequest out;
  if (!body.is_object()) return BadRequest("not a JSON object");
  const auto& o = body.get_object();
  if (o.empty()) return BadRequest("empty payload");
  for (const auto& kv : o) {
    if (kv.key() != "entities" && kv.key() != "attrs" && kv.key() != "attributes" &&
        kv.key() != "expression" && kv.key() != "metadata" && kv.key() != "orderBy") {
      return BadRequest("Invalid JSON payload, no relevant fields found");
    }
  }
  if (auto it = o.find("entities"); it != o.end()) {
    if (!it->value().is_array()) return BadRequest("not a JSON array");
    for (const auto& item : it->value().get_array()) {
      if (!item.is_object()) return BadRequest("/entities/ vector item is not a JSON object");
      const auto& e = item.get_object();
      store::EntitySelector s;
      auto take = [&](const char* name, std::optional<std::string>& dst) -> base::Result<void> {
        if (auto f = e.find(name); f != e.end()) {
          if (!f->value().is_string()) {
            return BadRequest(std::string("/entities/ vector item /") + name + "/ is not a string");
          }
          if (f->value().get_string().empty()) {
            return BadRequest(std::string("/entities/ vector item /") + name + "/ is empty");
          }
          dst = std::string(f->value().get_string());
          const bool is_pattern = std::string_view(name).ends_with("Pattern");
          if (!is_pattern && dst->find_first_of("<>\"'=;()") != std::string::npos) {
            return BadRequest(std::string("Invalid characters in entity ") +
                              (std::string_view(name) == "id" ? "id" : "type"));
          }
        }
        return base::Ok();
      };
      RENKEI_TRY_VOID(take("id", s.id));
      RENKEI_TRY_VOID(take("idPattern", s.id_pattern));
      RENKEI_TRY_VOID(take("type", s.type));
      RENKEI_TRY_VOID(take("typePattern", s.type_pattern));
      if (s.type && s.type_pattern) {
        return BadRequest("/entities/ element has both /type/ and /typePattern/");
      }
      if (s.id && s.id_pattern) {
        return BadRequest("/entities/ element has both /id/ and /idPattern/");
      }
      if (s.id_pattern) RENKEI_TRY_VOID(CheckRegex(*s.id_pattern, "idPattern"));
      if (s.type_pattern) RENKEI_TRY_VOID(CheckRegex(*s.type_pattern, "typePattern"));
      if (s.id_pattern && *s.id_pattern == ".*") s.id_pattern.reset();
      out.query.selectors.push_back(std::move(s));
    }
  }
  std::optional<std::string> q, mq, georel, geometry, coords;
  if (auto it = o.find("expression"); it != o.end()) {
    if (!it->value().is_object()) return BadRequest("expression is not an object");
    if (it->value().get_object().empty()) return BadRequest("expression is empty");
    for (const auto& kv : it->value().get_object()) {
      if (!kv.value().is_string()) return BadRequest(std::string(kv.key()) + " is not a string");
      std::string v(kv.value().get_string());
      if (v.empty()) return BadRequest(std::string(kv.key()) + " is empty");
      if (kv.key() == "q")
        q = v;
      else if (kv.key() == "mq")
        mq = v;
      else if (kv.key() == "georel")
        georel = v;
      else if (kv.key() == "geometry")
        geometry = v;
      else if (kv.key() == "coords")
        coords = v;
      else
        return BadRequest("unrecognized field in /expression/");
    }
  }
  // In op/query (as in subscriptions) Orion wants all three geo fields or none.
  const int geo_fields = (georel ? 1 : 0) + (geometry ? 1 : 0) + (coords ? 1 : 0);
  if (geo_fields != 0 && geo_fields != 3) {
    return BadRequest(
        "partial geo expression: geometry, georel and coords have to be provided together");
  }
  auto view = [](const std::optional<std::string>& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
  };
  RENKEI_TRY_VOID(ApplyFilters(view(q), view(mq), view(georel), view(geometry), view(coords), out));
  RENKEI_TRY_VOID(ApplyPagingAndRendering(call, options, out));
  auto string_list = [&](const char* name, std::vector<std::string>& dst) -> base::Result<void> {
    if (auto it = o.find(name); it != o.end()) {
      if (!it->value().is_array()) {
        return BadRequest(std::string("the field /") + name + "/ must be a JSON array");
      }
      dst.clear();
      for (const auto& v : it->value().get_array()) {
        if (!v.is_string()) {
          return BadRequest(std::string("only JSON Strings allowed in ") + name + " list");
        }
        dst.emplace_back(v.get_string());
      }
    }
    return base::Ok();
  };
  RENKEI_TRY_VOID(string_list("attributes", out.render.attrs));  // deprecated name
  RENKEI_TRY_VOID(string_list("attrs", out.render.attrs));
  RENKEI_TRY_VOID(string_list("metadata", out.render.metadata));
  if (auto it = o.find("orderBy"); it != o.end() && it->value().is_string()) {
    const bool near = out.query.geo && out.query.geo->relation == core::geo::Relation::kNear;
    RENKEI_TRY(out.query.order, ParseOrderBy(it->value().get_string(), near));
  }
  return out;
}

}  // namespace renkei::api::ngsiv2
