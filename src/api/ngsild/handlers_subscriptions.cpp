// NGSI-LD subscriptions (ETSI GS CIM 009 v1.8 §5.8, §6.10, §6.11) over the subscription
// service both dialects share:
//   POST   /subscriptions         §5.8.1: 201 + Location, 409 AlreadyExists
//   GET    /subscriptions         §5.8.4: limit, offset, count (NGSILD-Results-Count),
//                                  Link rel=prev/next (§5.5.9)
//   GET    /subscriptions/{id}    §5.8.3
//   PATCH  /subscriptions/{id}    §5.8.2: members merged, 204
//   DELETE /subscriptions/{id}    §5.8.5: 204
// Only subscriptions made through NGSI-LD are visible here (NGSIv2's stay under /v2).
#include <charconv>
#include <cstdio>
#include <random>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_pagination.hpp"
#include "api/ngsild/ld_subscription_payload.hpp"
#include "api/ngsild/ld_subscription_render.hpp"
#include "core/jsonld/iri.hpp"
#include "http/request_target.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;

base::Unexpected NotFound(const std::string& id) {
  return base::Fail(base::ErrorCode::kResourceNotFound, "ResourceNotFound",
                    "no subscription " + id);
}

// §6.11: the {subscriptionId} of the path is a URI.
bool ValidIdOrReply(const std::string& id, const LdReply& reply) {
  if (!id.empty() && core::jsonld::IsAbsoluteIri(id)) return true;
  reply.Error(BadRequestData("subscription id '" + id + "' is not a URI").error);
  return false;
}

// urn:ngsi-ld:Subscription:<32 hex digits> when the client gives no id (§5.8.1).
std::string NewSubscriptionId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return std::string("urn:ngsi-ld:Subscription:") + buf;
}

base::Result<std::size_t> Count(std::string_view name, std::optional<std::string_view> text,
                                std::size_t fallback) {
  if (!text) return fallback;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || end != text->data() + text->size()) {
    return BadRequestData(std::string(name) + " must be a number, not '" + std::string(*text) +
                          "'");
  }
  return n;
}

// The stored NGSI-LD subscription `id`, or ResourceNotFound (an NGSIv2 one is not visible).
base::Result<service::SubscriptionView> FindLd(const LdDeps& deps, const LdCall& call,
                                               const std::string& id) {
  auto view = deps.subscriptions.Retrieve(call.ctx, id);
  if (!view) {
    if (view.error().code == base::ErrorCode::kResourceNotFound) return NotFound(id);
    return base::Unexpected{view.error()};
  }
  if (!view->subscription.ld) return NotFound(id);
  return view;
}

// §5.13.1: a compound @context (an array or inline object) cannot be named in a Link
// header or a jsonldContext; the broker stores it as an ImplicitlyCreated @context and names
// that one instead. The entry is derived from the subscription's @context (the same value
// gives the same entry), so it is made again if it was deleted or the broker restarted.
bool NeedsImplicitContext(const notify::Subscription& sub) {
  return sub.ld && !sub.ld->document.contains("jsonldContext") &&
         IsCompoundContext(sub.ld->context);
}

std::optional<std::string> ImplicitContextUrl(const LdDeps& deps, const LdCall& call,
                                              const notify::Subscription& sub) {
  if (!NeedsImplicitContext(sub)) return std::nullopt;
  return StoredContextUrl(call.request.Header("Host"), deps.catalog.AddImplicit(sub.ld->context));
}

}  // namespace

void CreateSubscription(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto sub =
      ParseLdSubscription(call.body.get_object(), *call.context, reply.context().inline_context,
                          call.ctx.now, deps.options.max_join_level);
  if (!sub) return reply.Error(sub.error());
  if (sub->ld->context.is_string()) {
    // §5.8.1: a jsonldContext must be available now, or notifications could not use it.
    if (auto resolved = deps.contexts.Resolve(sub->ld->context); !resolved) {
      return reply.Error(resolved.error());
    }
  }
  if (sub->id.empty()) sub->id = NewSubscriptionId();
  std::string location = "/ngsi-ld/v1/subscriptions/";
  http::AppendPercentEncodedSegment(sub->id, location);
  // The ImplicitlyCreated @context is listed from the subscription's creation on (§5.13.3).
  json::value implicit_context;
  if (NeedsImplicitContext(*sub)) implicit_context = sub->ld->context;
  deps.subscriptions.Create(
      call.ctx, std::move(*sub),
      [reply, location, catalog = &deps.catalog,
       implicit_context = std::move(implicit_context)](base::Result<std::string> id) {
        if (!id) return reply.Error(id.error());
        if (!implicit_context.is_null()) catalog->AddImplicit(implicit_context);
        reply.Empty(201, {{"Location", location}});
      });
}

void QuerySubscriptions(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto limit = Count("limit", call.Param("limit"), deps.options.default_limit);
  if (!limit) return reply.Error(limit.error());
  if (*limit > deps.options.max_limit) {
    return reply.Error({base::ErrorCode::kTooManyResults, "TooManyResults",
                        "limit " + std::to_string(*limit) + " exceeds the maximum " +
                            std::to_string(deps.options.max_limit)});
  }
  auto offset = Count("offset", call.Param("offset"), 0);
  if (!offset) return reply.Error(offset.error());
  const bool want_count = call.Param("count") == "true";
  if (*limit == 0 && !want_count) {
    return reply.Error(BadRequestData("limit=0 is only allowed with count=true").error);
  }
  std::size_t total = 0;
  auto views = deps.subscriptions.List(call.ctx, *offset, *limit, &total, /*ngsild=*/true);
  if (!views) return reply.Error(views.error());
  json::array out;
  for (const auto& view : *views) {
    out.push_back(RenderLdSubscription(view, *call.context, call.ctx.now,
                                       ImplicitContextUrl(deps, call, view.subscription)));
  }
  http::HeaderList extra = PaginationLinks(call.request, *offset, *limit, total);
  if (want_count) extra.emplace_back("NGSILD-Results-Count", std::to_string(total));
  reply.Entities(200, std::move(out), std::move(extra));
}

void RetrieveSubscription(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const std::string id = call.PathParam("id");
  if (!ValidIdOrReply(id, reply)) return;
  auto view = FindLd(deps, call, id);
  if (!view) return reply.Error(view.error());
  reply.Entities(200, RenderLdSubscription(*view, *call.context, call.ctx.now,
                                           ImplicitContextUrl(deps, call, view->subscription)));
}

void UpdateSubscription(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const std::string id = call.PathParam("id");
  if (!ValidIdOrReply(id, reply)) return;
  if (auto view = FindLd(deps, call, id); !view) return reply.Error(view.error());
  const json::object fragment = call.body.get_object();
  if (fragment.empty() || (fragment.size() == 1 && fragment.contains("@context"))) {
    return reply.Error(BadRequestData("the fragment has no member to update").error);
  }
  deps.subscriptions.Update(
      call.ctx, id,
      [fragment, context = call.context, now = call.ctx.now,
       max_level = deps.options.max_join_level](notify::Subscription& sub) {
        return MergeLdSubscription(fragment, *context, now, max_level, sub);
      },
      [reply](base::Result<void> r) {
        if (!r) return reply.Error(r.error());
        reply.Empty(204);
      });
}

void DeleteSubscription(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const std::string id = call.PathParam("id");
  if (!ValidIdOrReply(id, reply)) return;
  if (auto view = FindLd(deps, call, id); !view) return reply.Error(view.error());
  deps.subscriptions.Delete(call.ctx, id, [reply, id](base::Result<void> r) {
    if (!r) {
      if (r.error().code == base::ErrorCode::kResourceNotFound)
        return reply.Error(NotFound(id).error);
      return reply.Error(r.error());
    }
    reply.Empty(204);
  });
}

}  // namespace renkei::api::ngsild
