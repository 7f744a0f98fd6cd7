#include "base/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace renkei::base {

LogLevel ParseLogLevel(std::string_view name, bool& ok) {
  ok = true;
  if (name == "trace") return LogLevel::kTrace;
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn" || name == "warning") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  if (name == "off" || name == "none") return LogLevel::kOff;
  ok = false;
  return LogLevel::kInfo;
}

std::shared_ptr<spdlog::logger> MakeLogger(LogLevel level) {
  auto logger =
      std::make_shared<spdlog::logger>("renkei", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("time=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(static_cast<spdlog::level::level_enum>(static_cast<int>(level)));
  return logger;
}

}  // namespace renkei::base
