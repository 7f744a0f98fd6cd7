// crash_writer <data_dir> <prefix> [write-log]: writes entities <prefix>-0, <prefix>-1, ...
// from several threads until killed, printing each id (one per line, flushed) only after its
// WriteDone reported success. crash_test.py SIGKILLs it and checks every printed id survived.
// `write-log`: the store acknowledges from its write log (ADR 0013 option B).
// crash_writer <data_dir> --recover: opens the store (which replays what a killed run left in
// the write log into the tables) and closes it.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"

namespace {

renkei::core::Entity MakeEntity(const std::string& id) {
  renkei::core::Entity e;
  e.id = id;
  e.types = {"Crash"};
  renkei::core::Attribute a;
  a.name = "n";
  a.type = "Number";
  a.value = 1;
  e.attributes.push_back(a);
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: crash_writer <data_dir> <prefix>|--recover [write-log]\n");
    return 2;
  }
  renkei::store::sqlite::SqliteOptions options;
  options.data_dir = argv[1];
  options.write_log = argc == 4 && std::string(argv[3]) == "write-log";
  auto store = renkei::store::sqlite::SqliteStore::Open(options);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().detail.c_str());
    return 1;
  }
  const std::string prefix = argv[2];
  if (prefix == "--recover") {
    (*store)->Close();
    return 0;
  }
  std::mutex out_mu;  // one whole line per acknowledgement
  std::atomic<long> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        std::string id = prefix + "-" + std::to_string(next++);
        auto r = (*store)->Write("crash", [id](renkei::store::WriteTransaction& txn) {
          return txn.Put(MakeEntity(id));
        });
        if (!r) {
          std::fprintf(stderr, "write %s: %s\n", id.c_str(), r.error().detail.c_str());
          continue;
        }
        std::lock_guard lock(out_mu);
        std::fprintf(stdout, "%s\n", id.c_str());
        std::fflush(stdout);
      }
    });
  }
  for (auto& t : threads) t.join();
  return 0;
}
