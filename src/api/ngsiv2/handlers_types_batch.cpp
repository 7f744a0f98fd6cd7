#include <boost/json/value.hpp>

#include "api/ngsiv2/entity_renderer.hpp"
#include "api/ngsiv2/handler_support.hpp"
#include "api/ngsiv2/handlers.hpp"
#include "api/ngsiv2/orion_errors.hpp"
#include "api/ngsiv2/payload_parser.hpp"
#include "api/ngsiv2/query_builder.hpp"

namespace renkei::api::ngsiv2 {
namespace json = boost::json;
namespace {

json::object RenderTypeAttributes(const store::TypeSummary& summary, bool detail) {
  json::object attrs;
  for (const auto& attribute : summary.attributes) {
    json::array t;
    if (detail) {
      for (const auto& type : attribute.v2_types) t.emplace_back(type);
    }
    attrs[attribute.name] = json::object{{"types", std::move(t)}};
  }
  return attrs;
}

// Orion's wording for batch problems: "E1/T - [ B, C ], E2/T [entity itself]" (the
// " - " before "[entity itself]" appears only on the first item, as Orion writes it).
std::string DescribeProblems(const std::vector<service::BatchProblem>& problems) {
  std::string out;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const auto& p = problems[i];
    if (i > 0) out += ", ";
    out += p.entity;
    if (p.entity_missing) {
      out += i == 0 ? " - [entity itself]" : " [entity itself]";
      continue;
    }
    out += " - [ ";
    for (std::size_t a = 0; a < p.attributes.size(); ++a) {
      if (a > 0) out += ", ";
      out += p.attributes[a];
    }
    out += " ]";
  }
  return out;
}

// Orion still accepts the deprecated upper-case NGSIv1 names (APPEND, APPEND_STRICT, ...).
std::optional<service::BatchAction> ParseAction(std::string_view name) {
  if (name == "append" || name == "APPEND") return service::BatchAction::kAppend;
  if (name == "appendStrict" || name == "APPEND_STRICT") return service::BatchAction::kAppendStrict;
  if (name == "update" || name == "UPDATE") return service::BatchAction::kUpdate;
  if (name == "delete" || name == "DELETE") return service::BatchAction::kDelete;
  if (name == "replace" || name == "REPLACE") return service::BatchAction::kReplace;
  return std::nullopt;
}

}  // namespace

void ListTypes(const Deps& deps, Call& call, const Reply& reply) {
  QueryRequest paging;
  if (auto r = ApplyPagingAndRendering(call, deps.options, paging); !r) {
    return reply.Error(r.error());
  }
  std::size_t total = 0;
  auto types = deps.entities.ListTypes(call.ctx, paging.query.offset, paging.query.limit, &total);
  if (!types) return reply.Error(types.error());
  json::array out;
  for (const auto& t : *types) {
    if (call.Option("values")) {
      out.emplace_back(t.type);
    } else {
      out.push_back(json::object{{"type", t.type},
                                 {"attrs", RenderTypeAttributes(t, !call.Option("noAttrDetail"))},
                                 {"count", t.entity_count}});
    }
  }
  http::HeaderList extra;
  if (call.Option("count")) extra.emplace_back("Fiware-Total-Count", std::to_string(total));
  reply.Json(200, out, std::move(extra));
}

void RetrieveType(const Deps& deps, Call& call, const Reply& reply) {
  auto summary = deps.entities.DescribeType(call.ctx, call.PathParam("type"));
  if (!summary) return reply.Error(summary.error());
  reply.Json(200,
             json::object{{"attrs", RenderTypeAttributes(*summary, !call.Option("noAttrDetail"))},
                          {"count", summary->entity_count}});
}

void BatchUpdate(const Deps& deps, Call& call, const Reply& reply) {
  auto body = JsonBodyOrReply(call, reply, AttributeNamesAt::kBatchEntities);
  if (!body) return;
  if (!body->is_object()) return reply.Error(BadRequest("not a JSON object"));
  const auto& o = body->get_object();
  if (o.empty()) return reply.Error(BadRequest("empty payload"));
  auto action_it = o.find("actionType");
  if (action_it == o.end() || !action_it->value().is_string()) {
    return reply.Error(BadRequest("Invalid JSON payload, mandatory field /actionType/ not found"));
  }
  auto action = ParseAction(action_it->value().get_string());
  if (!action) {
    return reply.Error(BadRequest(
        // Orion's text, typo included ("appendStric"): clients match on it.
        "invalid update action type: right ones are: append, appendStric, delete, replace, "
        "update"));
  }
  auto entities_it = o.find("entities");
  if (entities_it == o.end()) {
    return reply.Error(BadRequest("Invalid JSON payload, mandatory field /entities/ not found"));
  }
  if (!entities_it->value().is_array()) return reply.Error(BadRequest("not a JSON array"));
  for (const auto& kv : o) {
    if (kv.key() != "actionType" && kv.key() != "entities") {
      return reply.Error(
          BadRequest("Unrecognized field in JSON payload: /" + std::string(kv.key()) + "/"));
    }
  }
  const auto& items = entities_it->value().get_array();
  if (items.empty()) return reply.Error(BadRequest("empty entities vector"));
  std::vector<core::Entity> entities;
  std::vector<std::vector<bool>> metadata_given;
  entities.reserve(items.size());
  const bool creates =
      *action == service::BatchAction::kAppend || *action == service::BatchAction::kAppendStrict;
  for (const auto& item : items) {
    if (item.is_object() && item.get_object().contains("idPattern")) {
      return reply.Error(
          {base::ErrorCode::kOperationNotSupported, "NotImplemented", "NotImplemented"});
    }
    if (item.is_object() && !item.get_object().contains("id")) {
      return reply.Error(BadRequest("nor /id/ nor /idPattern/ present"));
    }
    if (item.is_object()) {
      const auto* id = item.get_object().if_contains("id");
      if (id != nullptr && id->is_string() && id->get_string().empty()) {
        return reply.Error(BadRequest("id and idPattern cannot be both empty at the same time"));
      }
    }
    auto parsed = ParseEntity(item, call.Option("keyValues"),
                              creates ? std::optional<std::string_view>() : std::nullopt);
    if (!parsed) return reply.Error(parsed.error());
    entities.push_back(std::move(parsed->entity));
    metadata_given.push_back(std::move(parsed->metadata_given));
  }
  service::WriteOptions options;
  options.override_metadata = call.Option("overrideMetadata");
  options.forced_update = call.Option("forcedUpdate");
  deps.entities.Batch(
      call.ctx, *action, std::move(entities), std::move(metadata_given), options,
      [reply](base::Result<service::BatchOutcome> outcome) {
        if (!outcome) return reply.Error(outcome.error());
        const auto& problems = outcome->problems;
        if (problems.empty()) return reply.Empty(204);
        bool applied = outcome->succeeded > 0;
        bool all_missing = true;
        for (const auto& p : problems) {
          applied = applied || p.applied_some;
          all_missing = all_missing && p.entity_missing;
        }
        const std::string prefix = outcome->problems_are_existing
                                       ? "one or more of the attributes in the request already "
                                         "exist: "
                                       : "do not exist: ";
        const std::string detail = prefix + DescribeProblems(problems);
        if (applied) {
          return reply.Error({base::ErrorCode::kUnprocessable, "PartialUpdate", detail});
        }
        if (all_missing) {
          return reply.Error({base::ErrorCode::kResourceNotFound, "NotFound", detail});
        }
        reply.Error({base::ErrorCode::kUnprocessable, "Unprocessable", detail});
      });
}

void BatchQuery(const Deps& deps, Call& call, const Reply& reply) {
  auto body = JsonBodyOrReply(call, reply);
  if (!body) return;
  auto request = BuildOpQuery(call, deps.options, *body);
  if (!request) return reply.Error(request.error());
  ReplyWithQueryResult(deps, call, reply, std::move(request->query), request->render);
}

}  // namespace renkei::api::ngsiv2
