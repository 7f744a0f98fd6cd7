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

// GET /version: Orion's exact text (tools and Orion's own tests read it as text, 2-space
// indented, `"key" : value`). "version" is the Orion API level renkei implements; renkei's
// own version is in compiled_by.
void GetVersion(const Deps& deps, Call& call, const Reply& reply) {
  const std::pair<const char*, std::string> fields[] = {
      {"version", "4.7.0"},
      {"uptime", Uptime(deps.options.started_at, call.ctx.now)},
      {"git_hash", "nogitversion"},
      {"compile_time", __DATE__ " " __TIME__},
      {"compiled_by", "renkei " + deps.options.version},
      {"compiled_in", "renkei"},
      {"release_date", __DATE__},
      {"machine", "x86_64"},
      {"doc", "https://fiware-orion.rtfd.io/"},
  };
  std::string body = "{\n\"orion\" : {\n";
  for (std::size_t i = 0; i < std::size(fields); ++i) {
    body += "  \"" + std::string(fields[i].first) + "\" : \"" + fields[i].second + "\"";
    body += i + 1 < std::size(fields) ? ",\n" : "\n";
  }
  body += "}\n}\n";
  reply.Text(200, std::move(body), "application/json");
}

void GetApiRoot(const Deps&, Call&, const Reply& reply) {
  reply.Json(200, json::object{{"entities_url", "/v2/entities"},
                               {"types_url", "/v2/types"},
                               {"subscriptions_url", "/v2/subscriptions"},
                               {"registrations_url", "/v2/registrations"}});
}

}  // namespace renkei::api::ngsiv2
