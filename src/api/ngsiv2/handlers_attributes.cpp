#include <algorithm>
#include <cstdlib>
#include <string>

#include <boost/json/value.hpp>

#include "api/ngsiv2/entity_renderer.hpp"
#include "api/ngsiv2/handler_support.hpp"
#include "api/ngsiv2/handlers.hpp"
#include "api/ngsiv2/orion_errors.hpp"
#include "api/ngsiv2/payload_parser.hpp"
#include "api/ngsiv2/query_builder.hpp"
#include "core/json_text.hpp"

namespace renkei::api::ngsiv2 {
namespace json = boost::json;
namespace {

base::Error AttributeNotFound() {
  return base::Error{base::ErrorCode::kResourceNotFound, "NotFound",
                     "The entity does not have such an attribute"};
}

// The attribute named in the URL, or the builtin of that name; answers 404 itself.
std::optional<core::Attribute> FindAttributeOrReply(const Deps& deps, const Call& call,
                                                    const Reply& reply) {
  auto entity = deps.entities.Retrieve(call.ctx, KeyFromCall(call));
  if (!entity) {
    reply.Error(entity.error());
    return std::nullopt;
  }
  const std::string name = call.PathParam("attr");
  if (const auto* attr = entity->Find(name)) return *attr;
  if (auto builtin = BuiltinAttribute(*entity, name)) return builtin;
  reply.Error(AttributeNotFound());
  return std::nullopt;
}

// A single-attribute update reports a missing attribute as 404 (not "do not exist").
service::Callback<void> SingleAttributeDone(const Reply& reply) {
  return [reply](base::Result<void> r) {
    if (r) return reply.Empty(204);
    if (r.error().code == base::ErrorCode::kUnprocessable) return reply.Error(AttributeNotFound());
    reply.Error(r.error());
  };
}

// Accept negotiation for attribute values (Orion API manual "Get Attribute Value"; tests
// 1849_attribute_values_and_multiple_accept_types): text/plain whenever the client takes it,
// except that compound values go as JSON when the client also takes JSON.
struct ValueAccept {
  bool text = true;
  bool json = true;
  bool prefer_text = false;  // text/plain or text/* is listed before application/json
};

// Accept entries in order with their q weights (RFC 9110 §12.5.1); the best-weighted of
// text and JSON wins, the first listed on a tie.
ValueAccept ParseValueAccept(const Call& call) {
  auto accept = call.request.Header("Accept");
  if (!accept || accept->empty()) return {};
  double text_q = -1, json_q = -1;
  std::size_t text_pos = 0, json_pos = 0, position = 0;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    double q = 1;
    if (const auto qpos = item.find(";q="); qpos != std::string_view::npos) {
      q = std::atof(std::string(item.substr(qpos + 3)).c_str());
    }
    const auto semi = item.find(';');
    item = item.substr(0, semi);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    ++position;
    const bool any = item == "*/*";
    if ((any || item == "text/plain" || item == "text/*") && q > text_q) {
      text_q = q;
      text_pos = position;
    }
    if ((any || item == "application/json" || item == "application/*") && q > json_q) {
      json_q = q;
      json_pos = position;
    }
  }
  const bool text = text_q > 0, json = json_q > 0;
  const bool prefer_text =
      text && (!json || text_q > json_q || (text_q == json_q && text_pos < json_pos));
  return {text, json, prefer_text};
}

}  // namespace

void RetrieveAttribute(const Deps& deps, Call& call, const Reply& reply) {
  QueryRequest request;
  if (auto r = ApplyPagingAndRendering(call, deps.options, request); !r) {
    return reply.Error(r.error());
  }
  auto attr = FindAttributeOrReply(deps, call, reply);
  if (!attr) return;
  reply.Json(200, RenderAttribute(*attr, request.render));
}

void UpdateAttribute(const Deps& deps, Call& call, const Reply& reply) {
  auto body = JsonBodyOrReply(call, reply);
  if (!body) return;
  auto change = ParseAttribute(call.PathParam("attr"), *body, false);
  if (!change) return reply.Error(change.error());
  service::WriteOptions options;
  options.override_metadata = call.Option("overrideMetadata");
  options.forced_update = call.Option("forcedUpdate");
  std::vector<service::AttributeChange> changes{std::move(*change)};
  deps.entities.WriteAttributes(call.ctx, KeyFromCall(call), std::move(changes),
                                service::AttributeWriteMode::kUpdateOnly, options,
                                SingleAttributeDone(reply));
}

void DeleteAttribute(const Deps& deps, Call& call, const Reply& reply) {
  deps.entities.DeleteAttribute(call.ctx, KeyFromCall(call), call.PathParam("attr"),
                                NoContentOrError(reply));
}

void RetrieveAttributeValue(const Deps& deps, Call& call, const Reply& reply) {
  const ValueAccept accept = ParseValueAccept(call);
  auto attr = FindAttributeOrReply(deps, call, reply);
  if (!attr) return;
  const json::value& value = attr->value;
  const bool compound = value.is_object() || value.is_array();
  if (compound && accept.json && !accept.prefer_text) return reply.Json(200, value);
  if (!accept.text) {
    return reply.Error(
        {base::ErrorCode::kNotAcceptable, "NotAcceptable", "accepted MIME types: text/plain"});
  }
  // DateTime values are instants, written bare as Orion does; other strings keep quotes.
  if (value.is_string() && (attr->type == "DateTime" || attr->type == "ISO8601")) {
    return reply.Text(200, std::string(value.get_string()), "text/plain");
  }
  reply.Text(200, core::ToJsonText(value, core::NumberStyle::kNineDecimals), "text/plain");
}

void UpdateAttributeValue(const Deps& deps, Call& call, const Reply& reply) {
  const auto content_type = call.request.Header("Content-Type").value_or("");
  base::Result<json::value> value = content_type.starts_with("text/plain")
                                        ? ParseTextValue(call.request.body)
                                        : ParseJsonBody(call.request.body);
  if (!value) return reply.Error(value.error());
  // Orion: a JSON body of PUT .../value must be an object or array; scalars go as text/plain.
  if (!content_type.starts_with("text/plain") && !value->is_object() && !value->is_array()) {
    return reply.Error(BadRequest("Neither JSON Object nor JSON Array for attribute::value"));
  }
  if (!ValueCharactersAllowed(*value)) {
    return reply.Error(BadRequest("Invalid characters in attribute value"));
  }
  service::AttributeChange change;
  change.attribute.name = call.PathParam("attr");
  change.attribute.value = std::move(*value);
  change.value_only = true;
  std::vector<service::AttributeChange> changes{std::move(change)};
  service::WriteOptions options;
  options.forced_update = call.Option("forcedUpdate");
  deps.entities.WriteAttributes(call.ctx, KeyFromCall(call), std::move(changes),
                                service::AttributeWriteMode::kUpdateOnly, options,
                                SingleAttributeDone(reply));
}

}  // namespace renkei::api::ngsiv2
