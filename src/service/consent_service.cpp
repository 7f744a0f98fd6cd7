#include "service/consent_service.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <memory>

#include "auth/base64url.hpp"
#include "service/access_check.hpp"

namespace renkei::service {
namespace {

constexpr std::int64_t kMillisPerDay = 24LL * 60 * 60 * 1000;

base::Unexpected InvalidConsent(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "InvalidConsent", std::move(detail));
}

// The resident a consent belongs to: the caller itself, never a parameter.
base::Result<std::string> CallingResident(const RequestContext& ctx) {
  const auth::Principal* caller = ctx.principal.get();
  if (caller == nullptr) {
    return base::Fail(
        base::ErrorCode::kForbidden, "Forbidden",
        "tenant '" + ctx.tenant + "' has authentication off: there is no resident to consent");
  }
  if (caller->IsAnonymous()) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "consents are managed by the authenticated resident (a bearer token)");
  }
  if (caller->kind != auth::PrincipalKind::kBearerToken || caller->subject.empty() ||
      caller->tenant != ctx.tenant) {
    return base::Fail(base::ErrorCode::kForbidden, "Forbidden",
                      "consents are managed by the resident with their own bearer token, not "
                      "by API keys or other tenants' credentials");
  }
  return caller->subject;
}

// 16 random bytes, base64url: unguessable, so an id tells nothing of other consents.
base::Result<std::string> NewConsentId() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "the random generator failed");
  }
  return "cs_" + auth::EncodeBase64Url(
                     std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

base::Result<void> CheckRequest(const RequestContext& ctx, const ConsentLimits& limits,
                                ConsentRequest& request) {
  if (request.app.empty() || request.app.size() > limits.max_app_bytes) {
    return InvalidConsent("app must be the client id of an app, 1 to " +
                          std::to_string(limits.max_app_bytes) + " bytes");
  }
  if (request.types.empty() || request.types.size() > limits.max_types) {
    return InvalidConsent("types must list 1 to " + std::to_string(limits.max_types) +
                          " personal entity types");
  }
  for (const auto& type : request.types) {
    if (ctx.personal_types == nullptr || !ctx.personal_types->LevelOf(type)) {
      return InvalidConsent("'" + type + "' is not a personal entity type of this tenant");
    }
  }
  std::sort(request.types.begin(), request.types.end());
  request.types.erase(std::unique(request.types.begin(), request.types.end()), request.types.end());
  if (request.purpose.empty() || request.purpose.size() > limits.max_purpose_bytes) {
    return InvalidConsent("purpose must be a text of 1 to " +
                          std::to_string(limits.max_purpose_bytes) + " bytes");
  }
  if (request.expires_at <= ctx.now) return InvalidConsent("expiresAt must be in the future");
  if (request.expires_at.millis - ctx.now.millis > limits.max_duration_days * kMillisPerDay) {
    return InvalidConsent("expiresAt must be at most " + std::to_string(limits.max_duration_days) +
                          " days from now");
  }
  return base::Ok();
}

}  // namespace

void ConsentService::Grant(const RequestContext& ctx, ConsentRequest request,
                           Callback<store::ConsentRecord> done) {
  auto resident = CallingResident(ctx);
  if (!resident) return done(base::Unexpected{resident.error()});
  if (auto checked = CheckRequest(ctx, limits_, request); !checked) {
    return done(base::Unexpected{checked.error()});
  }
  auto id = NewConsentId();
  if (!id) return done(base::Unexpected{id.error()});
  auto record = std::make_shared<store::ConsentRecord>();
  record->id = std::move(*id);
  record->tenant = ctx.tenant;
  record->resident = std::move(*resident);
  record->app = std::move(request.app);
  record->types = std::move(request.types);
  record->purpose = std::move(request.purpose);
  record->expires_at = request.expires_at;
  record->created_at = ctx.now;
  store_.AddConsent(*record, limits_.max_live_per_resident,
                    [record, done = std::move(done)](base::Result<void> stored) {
                      if (!stored) return done(base::Unexpected{stored.error()});
                      done(std::move(*record));
                    });
}

base::Result<std::vector<store::ConsentRecord>> ConsentService::ListOwn(const RequestContext& ctx,
                                                                        bool all) const {
  RENKEI_TRY(auto resident, CallingResident(ctx));
  store::ConsentFilter filter;
  filter.tenant = ctx.tenant;
  filter.resident = std::move(resident);
  if (!all) filter.live_at = ctx.now;
  return store_.ListConsents(filter);
}

void ConsentService::Revoke(const RequestContext& ctx, std::string id, Callback<void> done) {
  auto resident = CallingResident(ctx);
  if (!resident) return done(base::Unexpected{resident.error()});
  store_.RevokeConsent(ctx.tenant, std::move(*resident), std::move(id), ctx.now, std::move(done));
}

base::Result<std::vector<store::ConsentRecord>> ConsentService::ListForTenant(
    const RequestContext& ctx, const std::optional<std::string>& resident, bool all) const {
  RENKEI_TRY_VOID(AuthorizeTenantAdmin(ctx));
  store::ConsentFilter filter;
  filter.tenant = ctx.tenant;
  filter.resident = resident;
  if (!all) filter.live_at = ctx.now;
  return store_.ListConsents(filter);
}

}  // namespace renkei::service
