// @context management (NGSI-LD 1.8 §5.13, HTTP binding §6.29 /jsonldContexts and §6.30
// /jsonldContexts/{contextId}): add a hosted context, list the stored ones, serve one (or its
// metadata), delete or reload one. The storage itself is ContextCatalog.
#include "api/ngsild/handlers.hpp"

#include "api/common/request_auth.hpp"

namespace renkei::api::ngsild {
namespace json = boost::json;

namespace {

using base::ErrorCode;

base::Unexpected Fail(ErrorCode code, std::string detail) {
  return base::Fail(code, "", std::move(detail));
}

// The Boolean URL parameters `details` and `reload` (§6.29.3.2, §6.30.3): absent is false.
base::Result<bool> BooleanParam(const LdCall& call, std::string_view name) {
  const auto value = call.Param(name);
  if (!value || *value == "false") return false;
  if (*value == "true") return true;
  return Fail(ErrorCode::kBadRequestData,
              std::string(name) + " must be true or false, not '" + std::string(*value) + "'");
}

std::string ContextUrl(const LdCall& call, const StoredContext& context) {
  return StoredContextUrl(call.request.Header("Host"), context);
}

// §5.13.3.5: the metadata of a stored context.
json::object ContextInfo(const LdCall& call, const StoredContext& context) {
  json::object info;
  info["URL"] = ContextUrl(call, context);
  info["localId"] = context.local_id;
  info["kind"] = ContextKindName(context.kind);
  info["createdAt"] = base::FormatIso8601(context.created_at);
  if (context.expires_at) info["expiresAt"] = base::FormatIso8601(*context.expires_at);
  if (context.last_usage) info["lastUsage"] = base::FormatIso8601(*context.last_usage);
  if (context.built_in) {
    // Every request uses the core context; its uses are not counted.
    info["extraInfo"] = json::object{{"builtIn", true}};
  } else {
    info["numberOfHits"] = context.hits;
  }
  return info;
}

}  // namespace

void AddContext(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  // The catalog is one for all tenants (docs/security.md "Platform-wide operations").
  if (auto allowed =
          common::RequirePlatformOperator(deps.options.authenticator, call.request, call.ctx);
      !allowed) {
    return reply.Error(allowed.error());
  }
  // §5.13.2.3: a JSON object with an "@context" member; anything else in it is discarded.
  // A body of another shape is not an Add @context request at all: InvalidRequest.
  auto* document = call.body.if_object();
  if (document == nullptr || !document->contains("@context")) {
    return reply.Error({ErrorCode::kInvalidRequest, "",
                        "the payload must be a JSON object with an @context member"});
  }
  deps.catalog.AddHosted(document->at("@context"), [reply](base::Result<StoredContext> added) {
    if (!added) return reply.Error(added.error());
    // §6.29.3.1: Location is the local relative path.
    reply.Empty(201, {{"Location", std::string(kContextsPath) + added->local_id}});
  });
}

void ListContexts(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto details = BooleanParam(call, "details");
  if (!details) return reply.Error(details.error());
  std::optional<ContextKind> kind;
  if (const auto name = call.Param("kind")) {
    kind = ParseContextKind(*name);
    if (!kind) {
      return reply.Error(
          {ErrorCode::kBadRequestData, "",
           "kind must be Hosted, Cached or ImplicitlyCreated, not '" + std::string(*name) + "'"});
    }
  }
  json::array listed;
  for (const auto& context : deps.catalog.List(kind)) {
    if (*details) {
      listed.push_back(ContextInfo(call, context));
    } else {
      listed.push_back(json::string(ContextUrl(call, context)));
    }
  }
  reply.Json(200, listed);
}

void ServeContext(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto details = BooleanParam(call, "details");
  if (!details) return reply.Error(details.error());
  const std::string id = call.PathParam("contextId");
  const auto context = deps.catalog.Find(id, /*count_download=*/!*details);
  if (!context) {
    return reply.Error({ErrorCode::kResourceNotFound, "", "no stored @context " + id});
  }
  if (*details) return reply.Json(200, ContextInfo(call, *context));
  // §5.13.1, §5.13.4.4: Cached contexts are a local cache of someone else's document.
  if (context->kind == ContextKind::kCached) {
    return reply.Error(
        {ErrorCode::kOperationNotSupported, "",
         "Cached @contexts are not served; details=true gives the metadata of " + id});
  }
  const bool ld = reply.context().media == LdMediaType::kLdJson;
  reply.Json(200, context->document, {}, ld ? "application/ld+json" : "application/json");
}

void DeleteContext(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  // Deleting or reloading changes what every tenant's requests resolve.
  if (auto allowed =
          common::RequirePlatformOperator(deps.options.authenticator, call.request, call.ctx);
      !allowed) {
    return reply.Error(allowed.error());
  }
  auto reload = BooleanParam(call, "reload");
  if (!reload) return reply.Error(reload.error());
  const std::string id = call.PathParam("contextId");
  if (*reload) {
    if (auto reloaded = deps.catalog.Reload(id); !reloaded) return reply.Error(reloaded.error());
    return reply.Empty(204);
  }
  deps.catalog.Delete(id, [reply](base::Result<void> deleted) {
    if (!deleted) return reply.Error(deleted.error());
    reply.Empty(204);
  });
}

void DeleteContextWithoutId(const LdDeps&, LdCall&, const LdReply& reply) {
  // §5.13.5.4: a missing @context identifier is BadRequestData (not 405).
  reply.Error({ErrorCode::kBadRequestData, "", "the @context identifier is missing"});
}

}  // namespace renkei::api::ngsild
