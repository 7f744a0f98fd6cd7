// IP addresses and CIDR ranges for the receiver guard (receiver_guard.hpp): parsed from
// text ("10.0.0.0/8", "fd00::/8", "192.168.1.7") or named presets ("loopback", "private",
// "link-local", "unspecified", "multicast"). An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
// is treated as the IPv4 address it carries, so a range written for IPv4 covers it too.
// Plain values; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace renkei::notify {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  bool operator==(const IpAddress&) const = default;

  // nullopt when `text` is not a literal IPv4 or IPv6 address ("[::1]" accepted).
  static std::optional<IpAddress> Parse(std::string_view text);
  std::string ToString() const;
  bool IsUnspecified() const;  // 0.0.0.0 or ::
  bool IsLoopback() const;     // 127.0.0.0/8 or ::1
};

struct AddressRange {
  IpAddress base;
  int prefix = 0;    // leading bits that must match
  std::string name;  // as written (reported when an address falls into it)
  bool Contains(const IpAddress& address) const;
};

// One entry of a configured list: a CIDR, a single address (its /32 or /128) or a preset
// name, which expands to several ranges. kInvalidRequest with the entry in the detail.
base::Result<std::vector<AddressRange>> ParseAddressRanges(std::string_view entry);

}  // namespace renkei::notify
