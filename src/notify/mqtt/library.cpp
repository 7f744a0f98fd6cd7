#include "notify/mqtt/library.hpp"

#include <string>

#include <mosquitto.h>

namespace renkei::notify::mqtt {

base::Result<void> InitialiseLibmosquitto() {
  // A function-local static is initialised once, under the compiler's guard (C++11 "magic
  // statics"), so concurrent first calls wait for the one that runs mosquitto_lib_init. It is
  // immutable afterwards, so it is not the kind of mutable global docs/style.md forbids.
  static const int kInitResult = mosquitto_lib_init();
  if (kInitResult != MOSQ_ERR_SUCCESS) {
    return base::Fail(
        base::ErrorCode::kInternalError, "MqttUnavailable",
        std::string("libmosquitto failed to initialise: ") + mosquitto_strerror(kInitResult));
  }
  return base::Ok();
}

}  // namespace renkei::notify::mqtt
