#include "notify/address_range.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace renkei::notify {
namespace {

// RFC 4291 §2.5.5.2: ::ffff:0:0/96 carries an IPv4 address.
constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

struct Preset {
  std::string_view name;
  std::vector<std::string_view> ranges;
};

// The address blocks of RFC 6890 ("Special-Purpose IP Address Registries") a guard usually
// wants to name as a group.
const std::vector<Preset>& Presets() {
  static const std::vector<Preset> presets = {
      {"loopback", {"127.0.0.0/8", "::1/128"}},
      {"private", {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"}},
      {"link-local", {"169.254.0.0/16", "fe80::/10"}},
      {"unspecified", {"0.0.0.0/8", "::/128"}},
      {"multicast", {"224.0.0.0/4", "ff00::/8"}},
  };
  return presets;
}

base::Unexpected BadRange(std::string_view entry, std::string_view why) {
  return base::Fail(base::ErrorCode::kInvalidRequest, "ConfigError",
                    "invalid address range '" + std::string(entry) + "': " + std::string(why));
}

base::Result<AddressRange> ParseCidr(std::string_view text, std::string_view entry) {
  const auto slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return BadRange(entry, "not an IP address or preset");
  const int max_prefix = address->v6 ? 128 : 32;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || prefix < 0 ||
        prefix > max_prefix) {
      return BadRange(entry, "prefix length must be 0.." + std::to_string(max_prefix));
    }
  }
  return AddressRange{*address, prefix, std::string(entry)};
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 63) return std::nullopt;
  const std::string copy(text);
  IpAddress out;
  if (inet_pton(AF_INET, copy.c_str(), out.bytes.data()) == 1) return out;
  if (inet_pton(AF_INET6, copy.c_str(), out.bytes.data()) != 1) return std::nullopt;
  out.v6 = true;
  if (std::memcmp(out.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0) {
    IpAddress v4;
    std::memcpy(v4.bytes.data(), out.bytes.data() + 12, 4);
    return v4;
  }
  return out;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

bool IpAddress::IsUnspecified() const {
  const std::size_t n = v6 ? 16 : 4;
  for (std::size_t i = 0; i < n; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

bool IpAddress::IsLoopback() const {
  if (!v6) return bytes[0] == 127;
  for (std::size_t i = 0; i < 15; ++i) {
    if (bytes[i] != 0) return false;
  }
  return bytes[15] == 1;
}

bool AddressRange::Contains(const IpAddress& address) const {
  if (address.v6 != base.v6) return false;
  int bits = prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff);
    if ((address.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

base::Result<std::vector<AddressRange>> ParseAddressRanges(std::string_view entry) {
  for (const auto& preset : Presets()) {
    if (preset.name != entry) continue;
    std::vector<AddressRange> out;
    for (auto cidr : preset.ranges) {
      RENKEI_TRY(auto range, ParseCidr(cidr, entry));
      out.push_back(std::move(range));
    }
    return out;
  }
  RENKEI_TRY(auto range, ParseCidr(entry, entry));
  return std::vector<AddressRange>{std::move(range)};
}

}  // namespace renkei::notify
