// record_log_bench: the cost of acknowledging a write through store/sqlite/record_log
// (option B of docs/adr/0013-write-throughput.md). It appends RECORDS records of BYTES bytes in
// groups of GROUP, with one Sync per group, as a group commit would. It prints the process CPU
// time and the wall time per record.
//
//   record_log_bench DIR [RECORDS=200000] [BYTES=500] [GROUP=64]
//
// DIR is created and must not hold a log already.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "process_cpu.hpp"
#include "store/sqlite/record_log.hpp"

namespace {}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: record_log_bench DIR [RECORDS] [BYTES] [GROUP]\n");
    return 2;
  }
  const long records = argc > 2 ? std::stol(argv[2]) : 200000;
  const std::size_t bytes = argc > 3 ? std::stoul(argv[3]) : 500;
  const long group = argc > 4 ? std::stol(argv[4]) : 64;
  auto log = renkei::store::sqlite::RecordLog::Open({argv[1], 64ull << 20});
  if (!log) {
    std::fprintf(stderr, "open: %s\n", log.error().detail.c_str());
    return 1;
  }
  const std::string payload(bytes, 'x');
  std::vector<std::string_view> batch(static_cast<std::size_t>(group), payload);
  const double cpu0 = renkei::bench::ProcessCpuSeconds();
  const auto wall0 = std::chrono::steady_clock::now();
  for (long done = 0; done < records; done += group) {
    if (!(*log)->Append(batch) || !(*log)->Sync()) {
      std::fprintf(stderr, "append or sync failed\n");
      return 1;
    }
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall0;
  const double n = static_cast<double>(records);
  std::printf(
      "records=%ld bytes=%zu group=%ld | CPU %.2f us/record, wall %.2f us/record, "
      "%.0f records/s\n",
      records, bytes, group, (renkei::bench::ProcessCpuSeconds() - cpu0) * 1e6 / n,
      wall.count() * 1e6 / n, n / wall.count());
  return 0;
}
