#include "app/apikey_command.hpp"

#include <future>
#include <ostream>

#include "api/common/tenant_headers.hpp"
#include "app/cli_store.hpp"
#include "auth/roles.hpp"
#include "service/api_key_service.hpp"

namespace renkei::app {
namespace {

// The CLI's caller: a platform operator (see apikey_command.hpp).
service::RequestContext CliContext(std::string tenant) {
  service::RequestContext ctx;
  ctx.tenant = std::move(tenant);
  ctx.now = base::SystemClock().Now();
  auto principal = std::make_shared<auth::Principal>();
  principal->kind = auth::PrincipalKind::kApiKey;  // not anonymous: a known caller
  principal->subject = "cli";
  principal->roles = {std::string(auth::kPlatformOperatorRole)};
  ctx.principal = std::move(principal);
  ctx.permissions = std::make_shared<const auth::Permissions>(auth::Permissions::Everything());
  return ctx;
}

template <typename T>
base::Result<T> Wait(std::function<void(service::Callback<T>)> call) {
  std::promise<base::Result<T>> promise;
  auto future = promise.get_future();
  call([&promise](base::Result<T> result) { promise.set_value(std::move(result)); });
  return future.get();
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

}  // namespace

int RunApiKeyCommand(const ApiKeyCommand& command, std::ostream& out, std::ostream& err) {
  auto tenant = api::common::ParseTenant(command.tenant);
  if (!tenant) {
    err << "renkei: --tenant: " << tenant.error().detail << "\n";
    return 2;
  }
  auto store = OpenCliStore(command.data_dir, command.action != "create", err);
  if (!store) return 1;
  service::ApiKeyService keys(*store);
  const service::RequestContext ctx = CliContext(*tenant);
  int status = 0;
  if (command.action == "create") {
    auto issued = Wait<service::IssuedApiKey>([&](service::Callback<service::IssuedApiKey> done) {
      keys.Issue(ctx, service::ApiKeyRequest{command.app, command.roles}, std::move(done));
    });
    if (issued) {
      err << "API key " << issued->record.key_id << " for tenant '" << *tenant << "' (roles "
          << Join(issued->record.roles) << "); it is shown only now:\n";
      out << issued->text << "\n";
    } else {
      err << "renkei: " << issued.error().detail << "\n";
      status = 1;
    }
  } else if (command.action == "list") {
    auto listed = keys.List(ctx);
    if (listed) {
      for (const auto& key : *listed) {
        out << key.key_id << "\t" << (key.app.empty() ? "-" : key.app) << "\t" << Join(key.roles)
            << "\t" << base::FormatIso8601(key.created_at) << "\t"
            << (key.revoked_at ? "revoked " + base::FormatIso8601(*key.revoked_at) : "active")
            << "\n";
      }
    } else {
      err << "renkei: " << listed.error().detail << "\n";
      status = 1;
    }
  } else {
    auto revoked = Wait<void>(
        [&](service::Callback<void> done) { keys.Revoke(ctx, command.key_id, std::move(done)); });
    if (revoked) {
      err << "revoked " << command.key_id << "\n";
    } else {
      err << "renkei: " << revoked.error().detail << "\n";
      status = 1;
    }
  }
  store->Close();
  return status;
}

}  // namespace renkei::app
