// Correlator ids (Fiware-Correlator): echoed when the client sends one, otherwise a new
// random UUID (RFC 4122 version 4 layout) per request.
#pragma once

#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace renkei::api::common {

class CorrelatorSource {
 public:
  CorrelatorSource();
  // Thread-safe.
  std::string Next();
  // The request's Fiware-Correlator header when present and non-empty, else Next().
  std::string ForRequest(std::optional<std::string_view> header);

 private:
  std::mutex mutex_;
  std::mt19937_64 random_;  // guarded by mutex_
};

}  // namespace renkei::api::common
