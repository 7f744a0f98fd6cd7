// `renkei serve`: wires the concrete parts (the only place that picks a store backend),
// starts the HTTP server, reloads its TLS certificate on SIGHUP, and runs until
// SIGTERM/SIGINT, then shuts down gracefully:
// stop accepting, let in-flight requests finish, drain and close the store.
#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "app/config.hpp"

namespace renkei::app {

// Returns the process exit code.
int RunServe(const Config& config, const std::shared_ptr<spdlog::logger>& logger);

}  // namespace renkei::app
