// Structured logging: one spdlog logger per process, created by app/ and passed down as a
// Logger reference; lines are "key=value" pairs after a short message so they can be
// grepped and parsed (time=... level=... msg=... corr=...).
#pragma once

#include <memory>
#include <string_view>

#include <spdlog/logger.h>

namespace renkei::base {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// Returns nullopt-equivalent kInfo for unknown names; `ok` tells whether the name was known.
LogLevel ParseLogLevel(std::string_view name, bool& ok);

// A logger writing logfmt-style lines to stderr.
std::shared_ptr<spdlog::logger> MakeLogger(LogLevel level);

}  // namespace renkei::base
