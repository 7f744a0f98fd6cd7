#include "api/common/correlator.hpp"

#include <cstdio>

namespace renkei::api::common {

CorrelatorSource::CorrelatorSource() : random_(std::random_device{}()) {}

std::string CorrelatorSource::Next() {
  std::uint64_t hi = 0, lo = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    hi = random_();
    lo = random_();
  }
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string CorrelatorSource::ForRequest(std::optional<std::string_view> header) {
  if (header && !header->empty()) return std::string(*header);
  return Next();
}

}  // namespace renkei::api::common
