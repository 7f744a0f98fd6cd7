// `renkei apikey create|list|revoke` (docs/security.md "API keys"): bootstrap of a tenant's
// first keys from the machine that holds the data directory. The CLI acts as a platform
// operator (whoever can open the database file could change it anyway), through the same
// service::ApiKeyService as the admin API. `create` prints the key once, on its own line.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace renkei::app {

struct ApiKeyCommand {
  std::string action;  // create, list, revoke
  std::string data_dir;
  std::string tenant;
  std::vector<std::string> roles;  // create
  std::string app;                 // create
  std::string key_id;              // revoke
};

// Exit status: 0 done, 1 refused or failed (reason on err), 2 bad arguments.
int RunApiKeyCommand(const ApiKeyCommand& command, std::ostream& out, std::ostream& err);

}  // namespace renkei::app
