#include "ratelimit/bucket_table.hpp"

#include <algorithm>
#include <functional>

namespace renkei::ratelimit {

BucketTable::BucketTable(std::size_t max_buckets)
    : max_per_shard_(std::max<std::size_t>(1, (max_buckets + kShards - 1) / kShards)) {}

TakeResult BucketTable::Take(std::string_view key, const BucketLimits& limits,
                             std::int64_t now_millis) {
  // The shard comes from the high bits, the map's bucket from the low ones.
  const std::size_t hash = KeyHash{}(key);
  Shard& shard = shards_[(hash >> 32) % kShards];
  std::lock_guard lock(shard.mu);
  auto found = shard.buckets.find(key);
  if (found == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) Evict(shard, now_millis);
    found =
        shard.buckets.emplace(std::string(key), Entry{TokenBucket(limits, now_millis), limits, 0})
            .first;
  }
  Entry& entry = found->second;
  entry.limits = limits;
  entry.last_used_millis = now_millis;
  return entry.bucket.Take(limits, now_millis);
}

void BucketTable::Evict(Shard& shard, std::int64_t now_millis) const {
  std::erase_if(shard.buckets, [now_millis](const auto& item) {
    return item.second.bucket.FullAt(item.second.limits, now_millis);
  });
  if (shard.buckets.size() < max_per_shard_) return;
  auto oldest = shard.buckets.begin();
  for (auto it = shard.buckets.begin(); it != shard.buckets.end(); ++it) {
    if (it->second.last_used_millis < oldest->second.last_used_millis) oldest = it;
  }
  shard.buckets.erase(oldest);
}

std::size_t BucketTable::Size() const {
  std::size_t size = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    size += shard.buckets.size();
  }
  return size;
}

}  // namespace renkei::ratelimit
