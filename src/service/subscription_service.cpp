#include "service/subscription_service.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

#include <boost/json/serialize.hpp>

#include "notify/matcher.hpp"
#include "notify/subscription_codec.hpp"
#include "service/access_check.hpp"
#include "service/notification_access.hpp"

namespace renkei::service {
namespace {

base::Unexpected NotFound() {
  return base::Fail(base::ErrorCode::kResourceNotFound, "NotFound",
                    "The requested subscription has not been found. Check id");
}

base::Result<SubscriptionView> ToView(const store::SubscriptionRecord& record) {
  RENKEI_TRY(auto sub, notify::DecodeSubscription(record.document));
  sub.id = record.id;
  sub.status = record.state.status;
  return SubscriptionView{std::move(sub), record.state};
}

store::SubscriptionRecord ToRecord(const RequestContext& ctx, const notify::Subscription& sub) {
  store::SubscriptionRecord record;
  record.tenant = ctx.tenant;
  record.id = sub.id;
  record.document = boost::json::serialize(notify::EncodeSubscription(sub));
  record.state.status = sub.status;
  record.created_at = ctx.now;
  return record;
}

// Whether `action` on `type` covers every ServicePath the subscription watches: its
// comma-separated paths, each exact (`/a`) or a subtree (`/a/#`, `/#`).
bool CoversWatchedPaths(const auth::Permissions& permissions, auth::Action action,
                        std::string_view type, std::string_view paths) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = paths.find(',', start);
    std::string_view path = paths.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    bool covered = false;
    if (path.ends_with("#")) {
      path.remove_suffix(1);
      if (path.size() > 1) path.remove_suffix(1);  // "/a/#" -> "/a"; "/#" -> "/"
      covered = permissions.AllowsSubtree(action, type, path);
    } else {
      covered = permissions.Allows(action, type, path);
    }
    if (!covered) return false;
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

// The stored name an NGSI-LD entity selector's type selection (§4.17) names when it is one
// plain type; "*" when it can select several (lists, conjunctions, parentheses).
std::string_view ExactLdType(const notify::LdSubscription& ld,
                             const notify::LdEntitySelector& selector) {
  if (selector.type.empty() || selector.type.find_first_of(",|;()") != std::string::npos) {
    return auth::kAnyType;
  }
  for (const auto& [term, stored] : ld.terms) {
    if (term == selector.type) return stored;
  }
  return auth::kAnyType;
}

// Subscribing delivers entities, so it needs both subscribe and read on every type the
// subscription can select (a selector without an exact type selects every type) at every
// ServicePath it watches. Notifications carry whole entities, so a caller whose reads of a
// type are limited to some attributes cannot subscribe to it (docs/security.md).
base::Result<void> AuthorizeWatch(const RequestContext& ctx, const notify::Subscription& sub) {
  RENKEI_TRY_VOID(AuthorizeSome(ctx, auth::Action::kSubscribe));
  if (ctx.principal == nullptr) return base::Ok();
  auto check = [&ctx, &sub](std::string_view type) -> base::Result<void> {
    RENKEI_TRY_VOID(Authorize(ctx, auth::Action::kSubscribe, type));
    RENKEI_TRY_VOID(Authorize(ctx, auth::Action::kRead, type));
    const auth::Permissions& permissions = *ctx.permissions;  // set: Authorize passed
    for (auth::Action action : {auth::Action::kSubscribe, auth::Action::kRead}) {
      if (!CoversWatchedPaths(permissions, action, type, sub.service_path)) {
        return Refusal(ctx, "not allowed to " + std::string(auth::ActionName(action)) +
                                " entities of type " + std::string(type) + " in ServicePath " +
                                sub.service_path);
      }
    }
    const auto& grants = permissions.GrantsFor(auth::Action::kRead);
    const bool limited = std::any_of(grants.begin(), grants.end(), [&](const auth::ScopedGrant& g) {
      return !g.attributes.empty() && (type == auth::kAnyType || g.CoversType(type));
    });
    if (limited) {
      return Refusal(ctx, "reads of entities of type " + std::string(type) +
                              " are limited to some attributes: notifications would carry "
                              "others, so subscribing to it is not allowed");
    }
    return base::Ok();
  };
  if (sub.ld) {
    if (sub.ld->entities.empty()) return check(auth::kAnyType);
    for (const auto& selector : sub.ld->entities) {
      RENKEI_TRY_VOID(check(ExactLdType(*sub.ld, selector)));
    }
    return base::Ok();
  }
  if (sub.entities.empty()) return check(auth::kAnyType);
  for (const auto& selector : sub.entities) {
    const bool exact = selector.type && !selector.type_pattern;
    RENKEI_TRY_VOID(check(exact ? std::string_view(*selector.type) : auth::kAnyType));
  }
  return base::Ok();
}

// Whether the caller is the subscription's stored owner: the same credential (kind, subject,
// issuer) of the same tenant.
bool IsOwner(const RequestContext& ctx, const notify::SubscriptionOwner& owner) {
  const auth::Principal& caller = *ctx.principal;
  return !caller.IsAnonymous() && auth::PrincipalKindName(caller.kind) == owner.kind &&
         caller.subject == owner.subject && caller.issuer == owner.issuer &&
         caller.tenant == owner.tenant;
}

// docs/subscriptions.md "Who a subscription notifies for": a subscription with an owner is
// changed or deleted only by that owner or by an administrator of the tenant. One made while
// the tenant had authentication off has no owner: whoever may watch what it selects may.
base::Result<void> AuthorizeChange(const RequestContext& ctx, const notify::Subscription& sub) {
  if (ctx.principal == nullptr || !sub.owner || IsOwner(ctx, *sub.owner) || IsTenantAdmin(ctx)) {
    return base::Ok();
  }
  return Refusal(ctx, "only the subscription's owner or an administrator of tenant '" + ctx.tenant +
                          "' may change or delete it");
}

// After an authorized change: the owner's rights are refreshed from its new credential, an
// ownerless subscription is taken over, and an administrator's edit keeps the owner (it
// does not widen what the subscription notifies).
void KeepOrTakeOwnership(const RequestContext& ctx, notify::Subscription& sub) {
  if (ctx.principal == nullptr) return;
  if (!sub.owner || IsOwner(ctx, *sub.owner)) sub.owner = SubscriptionOwnerOf(ctx);
}

}  // namespace

SubscriptionService::SubscriptionService(store::SubscriptionStore& store,
                                         notify::SubscriptionRegistry& registry,
                                         SubscriptionLimits limits,
                                         const notify::ReceiverGuard* guard)
    : store_(store),
      registry_(registry),
      limits_(limits),
      guard_(guard),
      ids_(std::random_device{}()) {}

base::Result<void> SubscriptionService::CheckReceiver(const notify::Subscription& sub) const {
  if (guard_ == nullptr) return base::Ok();
  if (sub.http) RENKEI_TRY_VOID(guard_->CheckUrl(sub.http->url));
  if (sub.mqtt) RENKEI_TRY_VOID(guard_->CheckUrl(sub.mqtt->url));
  return base::Ok();
}

std::string SubscriptionService::NewId(base::Timestamp now) {
  // Orion's ids are MongoDB ObjectIds: 24 hex digits starting with the creation second.
  std::uint64_t random = 0;
  {
    std::lock_guard lock(ids_mu_);
    random = ids_();
  }
  char buf[25];
  std::snprintf(buf, sizeof buf, "%08x%016llx",
                static_cast<unsigned>(static_cast<std::uint64_t>(now.millis / 1000) & 0xffffffffu),
                static_cast<unsigned long long>(random));
  return buf;
}

void SubscriptionService::Create(const RequestContext& ctx, notify::Subscription sub,
                                 Callback<std::string> done) {
  if (auto allowed = AuthorizeWatch(ctx, sub); !allowed) return done(allowed.error());
  sub.owner = SubscriptionOwnerOf(ctx);  // notifications are re-checked against its rights
  if (sub.id.empty()) sub.id = NewId(ctx.now);
  if (auto allowed = CheckReceiver(sub); !allowed) return done(allowed.error());
  auto compiled = notify::CompiledSubscription::Compile(ctx.tenant, sub);
  if (!compiled) return done(base::Unexpected{compiled.error()});
  store_.CreateSubscription(ToRecord(ctx, sub), limits_.max_per_tenant,
                            [this, compiled = std::move(*compiled), status = sub.status,
                             id = sub.id, done = std::move(done)](base::Result<void> r) mutable {
                              if (!r) return done(base::Unexpected{r.error()});
                              // Writes journaled before the creation committed are not
                              // matched against it (SubscriptionRegistry).
                              registry_.Put(std::move(compiled), status, store_.JournalPosition());
                              done(id);
                            });
}

void SubscriptionService::AwaitSettled(const RequestContext& ctx, const std::string& id) const {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + limits_.answer_wait;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return;
    registry_.AwaitAnswers(ctx.tenant, id, left);
    auto pending = store_.HasPendingNotifications(ctx.tenant, id, ctx.now);
    if (!pending || !*pending || Clock::now() >= deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

base::Result<SubscriptionView> SubscriptionService::Retrieve(
    const RequestContext& ctx, const std::string& id,
    const std::optional<std::string>& service_path) const {
  RENKEI_TRY_VOID(AuthorizeSome(ctx, auth::Action::kSubscribe));
  // Before the store is read: the answers noted meanwhile then show (WithUncommitted below).
  AwaitSettled(ctx, id);
  RENKEI_TRY(auto record, store_.FindSubscription(ctx.tenant, id));
  if (!record) return NotFound();
  RENKEI_TRY(auto view, ToView(*record));
  if (service_path && view.subscription.service_path != *service_path) return NotFound();
  // After the stored counters (SubscriptionRegistry::WithUncommitted: never counted twice).
  view.state = registry_.WithUncommitted(ctx.tenant, id, std::move(view.state));
  return view;
}

base::Result<std::vector<SubscriptionView>> SubscriptionService::List(
    const RequestContext& ctx, std::size_t offset, std::size_t limit, std::size_t* total,
    bool ngsild, const std::optional<std::string>& service_path) const {
  // Both dialects share the table and each lists its own; the ServicePath lives in the
  // document. A tenant holds at most max_per_tenant subscriptions, so filtering them here,
  // then paging, is bounded.
  RENKEI_TRY_VOID(AuthorizeSome(ctx, auth::Action::kSubscribe));
  const bool any_path = !service_path || *service_path == "/#";
  std::size_t stored = 0;
  RENKEI_TRY(auto records, store_.ListSubscriptions(
                               ctx.tenant, 0, std::numeric_limits<std::size_t>::max(), &stored));
  std::vector<SubscriptionView> out;
  std::size_t matched = 0;
  for (const auto& record : records) {
    RENKEI_TRY(auto view, ToView(record));
    if (view.subscription.ld.has_value() != ngsild) continue;
    if (!any_path && view.subscription.service_path != *service_path) continue;
    if (matched++ >= offset && out.size() < limit) {
      view.state =
          registry_.WithUncommitted(ctx.tenant, view.subscription.id, std::move(view.state));
      out.push_back(std::move(view));
    }
  }
  if (total != nullptr) *total = matched;
  return out;
}

void SubscriptionService::Update(const RequestContext& ctx, std::string id, SubscriptionEdit edit,
                                 Callback<void> done) {
  auto current = Retrieve(ctx, id);
  if (!current) return done(base::Unexpected{current.error()});
  notify::Subscription sub = std::move(current->subscription);
  std::optional<notify::SubscriptionOwner> owner = std::move(sub.owner);
  if (auto edited = edit(sub); !edited) return done(edited);
  sub.id = id;
  sub.owner = std::move(owner);  // an edit never sets the owner; the rule below does
  if (auto allowed = AuthorizeChange(ctx, sub); !allowed) return done(allowed.error());
  KeepOrTakeOwnership(ctx, sub);
  if (auto allowed = AuthorizeWatch(ctx, sub); !allowed) return done(allowed.error());
  if (auto allowed = CheckReceiver(sub); !allowed) return done(allowed.error());
  auto compiled = notify::CompiledSubscription::Compile(ctx.tenant, sub);
  if (!compiled) return done(base::Unexpected{compiled.error()});
  store_.UpdateSubscription(
      ToRecord(ctx, sub), [this, compiled = std::move(*compiled), status = sub.status,
                           done = std::move(done)](base::Result<void> r) mutable {
        // Writes journaled before the edit committed are matched
        // against the subscription as it was (SubscriptionRegistry).
        if (r) {
          registry_.Put(std::move(compiled), status, store_.JournalPosition());
        }
        done(std::move(r));
      });
}

void SubscriptionService::Delete(const RequestContext& ctx, std::string id, Callback<void> done) {
  // Only someone who could have made it deletes it.
  if (ctx.principal != nullptr) {
    auto current = Retrieve(ctx, id);
    if (!current) return done(base::Unexpected{current.error()});
    if (auto allowed = AuthorizeWatch(ctx, current->subscription); !allowed) return done(allowed);
    if (auto allowed = AuthorizeChange(ctx, current->subscription); !allowed) {
      return done(allowed);
    }
  }
  store_.EraseSubscription(
      ctx.tenant, id,
      [this, tenant = ctx.tenant, id, done = std::move(done)](base::Result<void> r) {
        if (r) registry_.Remove(tenant, id, store_.JournalPosition());
        done(std::move(r));
      });
}

}  // namespace renkei::service
