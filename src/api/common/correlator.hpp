// Correlator ids (Fiware-Correlator): echoed when the client sends one, otherwise a new
// random UUID (RFC 4122 version 4 layout) per request.
#pragma once

#include <mutex>
#include <random>
#include <string>

namespace renkei::api::common {

class CorrelatorSource {
 public:
  CorrelatorSource();
  // Thread-safe.
  std::string Next();

 private:
  std::mutex mutex_;
  std::mt19937_64 random_;  // guarded by mutex_
};

}  // namespace renkei::api::common
