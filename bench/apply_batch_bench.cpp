// apply_batch_bench: the measurement that gates option B of ADR 0013 (a record log in front of
// SQLite, applied in large sorted batches). It applies updates of random entities of a
// settled data directory made by bench/load.py (entity n: urn:ngsi-ld:Room:n, or Sensor when
// n % 10 == 9; temperature and humidity numbers) straight through the store interface, as a
// PATCH of the two numbers would change them, in one of three ways:
//
//   units   one write unit per entity (FindById, then Put), 64 in flight: today's PATCH path
//           without HTTP, parsing and the service (the control);
//   random  one bulk unit per batch (FindByIds of the batch, then PutMany), entities in
//           random order;
//   sorted  the same with the entities in creation order (entity n was created n-th, so its
//           row id and its attr_index rows follow n): what option B's applier would do.
//
// It prints the process CPU time (utime + stime of every thread: the writer, the WAL syncer
// and the checkpointer) per entity, wall time and bytes written per entity (/proc/self/io
// wchar), over the whole run and after the store's Close() (which checkpoints the WAL).
//
//   apply_batch_bench DATA_DIR MODE BATCH TOTAL [ENTITIES=1000000] [SEED=1]
//
// DATA_DIR is modified: run it on a copy of the settled directory.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "process_cpu.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using renkei::store::ServicePathScope;
using renkei::store::WriteTransaction;

long long WrittenBytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long long value = 0;
  while (io >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

std::string EntityId(long n) {
  return std::string("urn:ngsi-ld:") + (n % 10 == 9 ? "Sensor:" : "Room:") + std::to_string(n);
}

// The entity numbers of one batch: `size` distinct random numbers below `entities`.
std::vector<long> PickBatch(std::mt19937_64& rng, long entities, long size) {
  std::uniform_int_distribution<long> pick(0, entities - 1);
  std::unordered_set<long> chosen;
  std::vector<long> batch;
  while (static_cast<long>(batch.size()) < size) {
    long n = pick(rng);
    if (chosen.insert(n).second) batch.push_back(n);
  }
  return batch;
}

// What a PATCH of temperature and humidity does to the stored entity.
void ApplyPatch(renkei::core::Entity& entity, std::mt19937_64& rng, renkei::base::Timestamp now) {
  for (auto& attr : entity.attributes) {
    if (attr.name == "temperature") attr.value = static_cast<double>(rng() % 50);
    if (attr.name == "humidity") attr.value = static_cast<double>(rng() % 100);
    if (attr.name == "temperature" || attr.name == "humidity") attr.modified_at = now;
  }
  entity.modified_at = now;
}

renkei::base::Timestamp Now() {
  return renkei::base::Timestamp{std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count()};
}

// Waits for every submitted unit's completion; at most `limit` in flight.
class InFlight {
 public:
  explicit InFlight(long limit) : limit_(limit) {}
  void Acquire() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return count_ < limit_; });
    ++count_;
  }
  void Release(bool ok) {
    std::lock_guard lock(mutex_);
    --count_;
    if (!ok) ++failures_;
    changed_.notify_all();
  }
  long Drain() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return count_ == 0; });
    return failures_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  long limit_;
  long count_ = 0;
  long failures_ = 0;
};

void SubmitUnits(renkei::store::EntityStore& store, const std::vector<long>& batch,
                 std::mt19937_64& rng, InFlight& in_flight) {
  for (long n : batch) {
    in_flight.Acquire();
    std::uint64_t seed = rng();
    store.Submit(
        "",
        [n, seed](WriteTransaction& tx) -> renkei::base::Result<void> {
          RENKEI_TRY(auto found,
                     tx.FindById(EntityId(n), std::nullopt, ServicePathScope::Everything(), 1));
          if (found.empty())
            return renkei::base::Fail(renkei::base::ErrorCode::kResourceNotFound, "NotFound",
                                      EntityId(n));
          std::mt19937_64 unit_rng(seed);
          ApplyPatch(found.front(), unit_rng, Now());
          return tx.Put(found.front());
        },
        [&in_flight](renkei::base::Result<void> result) { in_flight.Release(result.has_value()); });
  }
}

void SubmitBatch(renkei::store::EntityStore& store, std::vector<long> batch, bool sorted,
                 std::mt19937_64& rng, InFlight& in_flight) {
  if (sorted) std::sort(batch.begin(), batch.end());
  in_flight.Acquire();
  std::uint64_t seed = rng();
  store.SubmitBulk(
      "",
      [batch = std::move(batch), seed](WriteTransaction& tx) -> renkei::base::Result<void> {
        std::vector<std::string> ids;
        ids.reserve(batch.size());
        for (long n : batch) ids.push_back(EntityId(n));
        RENKEI_TRY(auto found, tx.FindByIds(ids, ServicePathScope::Everything()));
        if (found.size() != batch.size()) {
          return renkei::base::Fail(renkei::base::ErrorCode::kResourceNotFound, "NotFound",
                                    "an entity of the batch is missing");
        }
        // PutMany writes in the order given: the batch's order (random or creation order).
        std::unordered_map<std::string_view, renkei::core::Entity*> by_id;
        for (auto& entity : found) by_id.emplace(entity.id, &entity);
        std::mt19937_64 unit_rng(seed);
        const auto now = Now();
        std::vector<renkei::core::Entity> ordered;
        ordered.reserve(ids.size());
        for (const auto& id : ids) {
          auto* entity = by_id.at(id);
          ApplyPatch(*entity, unit_rng, now);
          ordered.push_back(std::move(*entity));  // ids are distinct (sizes checked above)
        }
        return tx.PutMany(std::move(ordered));
      },
      [&in_flight](renkei::base::Result<void> result) { in_flight.Release(result.has_value()); });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: apply_batch_bench DATA_DIR units|random|sorted BATCH TOTAL "
                 "[ENTITIES] [SEED]\n");
    return 2;
  }
  const std::string data_dir = argv[1];
  const std::string mode = argv[2];
  const long batch_size = std::stol(argv[3]);
  const long total = std::stol(argv[4]);
  const long entities = argc > 5 ? std::stol(argv[5]) : 1000000;
  const std::uint64_t seed = argc > 6 ? std::stoull(argv[6]) : 1;
  if (mode != "units" && mode != "random" && mode != "sorted") {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }

  renkei::store::sqlite::SqliteOptions options;
  options.data_dir = data_dir;
  auto opened = renkei::store::sqlite::SqliteStore::Open(options);
  if (!opened) {
    std::fprintf(stderr, "open: %s\n", opened.error().detail.c_str());
    return 1;
  }
  auto& store = **opened;

  // The batches are drawn before the clock starts; drawing them is not the store's cost.
  std::mt19937_64 rng(seed);
  std::vector<std::vector<long>> batches;
  for (long done = 0; done < total; done += batch_size) {
    batches.push_back(PickBatch(rng, entities, std::min(batch_size, total - done)));
  }

  const double cpu0 = renkei::bench::ProcessCpuSeconds();
  const long long written0 = WrittenBytes();
  const auto wall0 = std::chrono::steady_clock::now();
  InFlight in_flight(mode == "units" ? 64 : 2);
  for (auto& batch : batches) {
    if (mode == "units") {
      SubmitUnits(store, batch, rng, in_flight);
    } else {
      SubmitBatch(store, std::move(batch), mode == "sorted", rng, in_flight);
    }
  }
  const long failures = in_flight.Drain();
  const double cpu1 = renkei::bench::ProcessCpuSeconds();
  const long long written1 = WrittenBytes();
  const std::chrono::duration<double> wall1 = std::chrono::steady_clock::now() - wall0;
  store.Close();
  const double cpu2 = renkei::bench::ProcessCpuSeconds();
  const long long written2 = WrittenBytes();
  const std::chrono::duration<double> wall2 = std::chrono::steady_clock::now() - wall0;

  const double n = static_cast<double>(total);
  auto kib = [n](long long bytes) { return static_cast<double>(bytes) / 1024.0 / n; };
  std::printf(
      "mode=%s batch=%ld total=%ld failures=%ld | applied: wall %.2f s, %.0f entities/s, "
      "CPU %.1f us/entity, %.1f KiB written/entity | with Close: wall %.2f s, CPU %.1f "
      "us/entity, %.1f KiB/entity\n",
      mode.c_str(), batch_size, total, failures, wall1.count(), n / wall1.count(),
      (cpu1 - cpu0) * 1e6 / n, kib(written1 - written0), wall2.count(), (cpu2 - cpu0) * 1e6 / n,
      kib(written2 - written0));
  return failures == 0 ? 0 : 1;
}
