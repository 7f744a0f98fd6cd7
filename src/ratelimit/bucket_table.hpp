// BucketTable: token buckets by key (a tenant, or a tenant's client), bounded in memory.
// Keys hash onto kShards shards, each with its own mutex, so concurrent requests of different
// clients rarely wait for each other and a request holds one shard lock for a few hundred
// nanoseconds. Each shard keeps at most ceil(max_buckets / kShards) buckets: to admit a new
// key into a full shard, the buckets that have refilled (idle: forgetting them changes no
// answer) are dropped; if none has, the least recently used bucket is (that client starts
// again with a full bucket — the price of the bound; docs/security.md "Rate limits").
// Thread-safe: every method may be called from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ratelimit/token_bucket.hpp"

namespace renkei::ratelimit {

class BucketTable {
 public:
  static constexpr std::size_t kShards = 32;

  explicit BucketTable(std::size_t max_buckets);

  // Spends one token of `key`'s bucket (created full on first use) under `limits`.
  TakeResult Take(std::string_view key, const BucketLimits& limits, std::int64_t now_millis);

  // Buckets held now (all shards); for tests and the documented bound.
  std::size_t Size() const;

 private:
  struct Entry {
    TokenBucket bucket;
    BucketLimits limits;  // the limits it was last used with, to tell when it is full
    std::int64_t last_used_millis;
  };
  // Lets find() take the caller's string_view without building a std::string.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> buckets;  // guarded by mu
  };

  // Makes room for one more bucket in a full shard (its mutex held).
  void Evict(Shard& shard, std::int64_t now_millis) const;

  std::size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace renkei::ratelimit
