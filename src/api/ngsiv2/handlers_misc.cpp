#include <boost/json/value.hpp>

#include "api/ngsiv2/handlers.hpp"

namespace renkei::api::ngsiv2 {
namespace json = boost::json;

namespace {

std::string Uptime(base::Timestamp started, base::Timestamp now) {
  const std::int64_t secs = std::max<std::int64_t>(0, (now.millis - started.millis) / 1000);
  return std::to_string(secs / 86400) + " d, " + std::to_string(secs / 3600 % 24) + " h, " +
         std::to_string(secs / 60 % 60) + " m, " + std::to_string(secs % 60) + " s";
}

}  // namespace

// GET /version: Orion's shape, so tools that probe the broker version keep working; the
// "orion" version is the Orion API level renkei implements.
void GetVersion(const Deps& deps, Call& call, const Reply& reply) {
  json::object orion{{"version", "4.7.0"},
                     {"uptime", Uptime(deps.options.started_at, call.ctx.now)},
                     {"git_hash", "renkei-" + deps.options.version},
                     {"compile_time", __DATE__},
                     {"compiled_by", "renkei"},
                     {"compiled_in", "renkei"},
                     {"release_date", __DATE__},
                     {"machine", "x86_64"},
                     {"doc", "https://fiware-orion.rtfd.io/"}};
  reply.Json(200, json::object{{"orion", std::move(orion)},
                               {"renkei", json::object{{"version", deps.options.version}}}});
}

void GetApiRoot(const Deps&, Call&, const Reply& reply) {
  reply.Json(200, json::object{{"entities_url", "/v2/entities"},
                               {"types_url", "/v2/types"},
                               {"subscriptions_url", "/v2/subscriptions"},
                               {"registrations_url", "/v2/registrations"}});
}

}  // namespace renkei::api::ngsiv2
