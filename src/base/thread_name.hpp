// Names the calling thread (at most 15 characters, the Linux limit), so `top -H`, `perf`
// and /proc/PID/task/*/comm tell the HTTP workers, the store writer, its WAL syncer and
// checkpointer apart when an operator looks at where the time goes.
#pragma once

#include <string_view>

namespace renkei::base {

void NameThisThread(std::string_view name);

}  // namespace renkei::base
