#include "base/thread_name.hpp"

#include <pthread.h>

#include <string>

namespace renkei::base {

void NameThisThread(std::string_view name) {
  std::string truncated(name.substr(0, 15));
  // Best effort: a name is a diagnostic aid, never worth failing for.
  (void)pthread_setname_np(pthread_self(), truncated.c_str());
}

}  // namespace renkei::base
