// ProcessCpuSeconds: user + system CPU time of this process, all threads (getrusage), the
// figure the in-process benchmarks report per operation.
#pragma once

#include <sys/resource.h>

namespace renkei::bench {

inline double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace renkei::bench
