// libmosquitto keeps process-wide state that mosquitto_lib_init sets up and that is not
// thread-safe to initialise (its reference count is a plain int). Every user of libmosquitto
// in renkei, tests included, calls InitialiseLibmosquitto first instead of mosquitto_lib_init.
// Thread-safety: any thread, any number of times; the library is initialised exactly once.
// mosquitto_lib_cleanup is never called: it would pull the state from under any client still
// alive in another part of the process, and the process exit releases what it holds.
#pragma once

#include "base/result.hpp"

namespace renkei::notify::mqtt {

base::Result<void> InitialiseLibmosquitto();

}  // namespace renkei::notify::mqtt
