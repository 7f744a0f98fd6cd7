#include "notify/receiver_guard.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <cctype>
#include <charconv>
#include <cstring>

#include "http/client.hpp"

namespace renkei::notify {
namespace {

// The interface addresses of this host: with a listener on 0.0.0.0 or ::, any of them
// reaches it.
std::vector<IpAddress> LocalAddresses() {
  std::vector<IpAddress> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (const ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr) continue;
    IpAddress address;
    if (it->ifa_addr->sa_family == AF_INET) {
      sockaddr_in in{};
      std::memcpy(&in, it->ifa_addr, sizeof in);
      std::memcpy(address.bytes.data(), &in.sin_addr, 4);
    } else if (it->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, it->ifa_addr, sizeof in6);
      std::memcpy(address.bytes.data(), &in6.sin6_addr, 16);
      address.v6 = true;
    } else {
      continue;
    }
    out.push_back(address);
  }
  freeifaddrs(list);
  return out;
}

base::Result<std::vector<AddressRange>> ParseAll(const std::vector<std::string>& entries) {
  std::vector<AddressRange> out;
  for (const auto& entry : entries) {
    RENKEI_TRY(auto ranges, ParseAddressRanges(entry));
    out.insert(out.end(), ranges.begin(), ranges.end());
  }
  return out;
}

struct UrlHost {
  std::string host;
  std::uint16_t port = 0;
};

// The host and port of an http(s) or mqtt URL; nullopt when it is neither (the dialect
// validated the URL already; an unparsable one is not the guard's to judge).
std::optional<UrlHost> HostOf(std::string_view url) {
  http::ParsedUrl parsed;
  if (url.starts_with("mqtt://")) {
    // mqtt://[user:pass@]host[:port] splits as an http URL does; MQTT's port is 1883.
    std::string_view authority = url.substr(7);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    authority = authority.substr(
        authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
    const auto colon = authority.rfind(':');
    const bool explicit_port =
        colon != std::string_view::npos &&
        (authority.find(']') == std::string_view::npos || colon > authority.find(']'));
    if (!http::ParseHttpUrl("http://" + std::string(url.substr(7)), parsed)) return std::nullopt;
    if (!explicit_port) parsed.port = "1883";
  } else if (!http::ParseHttpUrl(url, parsed)) {
    return std::nullopt;
  }
  UrlHost out{parsed.host, 0};
  auto [ptr, ec] =
      std::from_chars(parsed.port.data(), parsed.port.data() + parsed.port.size(), out.port);
  if (ec != std::errc() || ptr != parsed.port.data() + parsed.port.size()) return std::nullopt;
  return out;
}

bool IsLocalhostName(std::string_view host) {
  std::string lower(host);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  // RFC 6761 §6.3: localhost and its subdomains are the loopback host.
  return lower == "localhost" || lower.ends_with(".localhost");
}

}  // namespace

base::Result<ReceiverGuard> ReceiverGuard::Create(const ReceiverGuardOptions& options) {
  ReceiverGuard guard;
  RENKEI_TRY(guard.deny_, ParseAll(options.deny));
  RENKEI_TRY(guard.allow_, ParseAll(options.allow));
  guard.refuse_own_listener_ = options.refuse_own_listener;
  guard.listen_address_ = IpAddress::Parse(options.listen_address);
  guard.listen_port_ = options.listen_port;
  if (guard.refuse_own_listener_ && guard.listen_address_ &&
      guard.listen_address_->IsUnspecified()) {
    guard.local_addresses_ = LocalAddresses();
  }
  return guard;
}

bool ReceiverGuard::IsOwnListener(const IpAddress& address, std::uint16_t port) const {
  if (!refuse_own_listener_ || port != listen_port_ || listen_port_ == 0) return false;
  if (address.IsLoopback()) return true;  // conservative: a loopback listener may be ours
  if (!listen_address_) return false;     // a name: taken as loopback only
  if (address == *listen_address_) return true;
  if (!listen_address_->IsUnspecified()) return false;
  for (const auto& local : local_addresses_) {
    if (local == address) return true;
  }
  return address.IsUnspecified();
}

std::optional<std::string> ReceiverGuard::CheckAddress(const IpAddress& address,
                                                       std::uint16_t port) const {
  if (IsOwnListener(address, port)) {
    return "address " + address.ToString() + ":" + std::to_string(port) +
           " is this broker's own listener (SSRF guard)";
  }
  for (const auto& allowed : allow_) {
    if (allowed.Contains(address)) return std::nullopt;
  }
  for (const auto& denied : deny_) {
    if (denied.Contains(address)) {
      return "address " + address.ToString() + " is in a denied range (" + denied.name +
             ", SSRF guard)";
    }
  }
  return std::nullopt;
}

base::Result<void> ReceiverGuard::CheckUrl(std::string_view url) const {
  auto target = HostOf(url);
  if (!target || target->host.find("${") != std::string::npos) return base::Ok();
  std::vector<IpAddress> addresses;
  if (auto literal = IpAddress::Parse(target->host)) {
    addresses.push_back(*literal);
  } else if (IsLocalhostName(target->host)) {
    addresses.push_back(*IpAddress::Parse("127.0.0.1"));
    addresses.push_back(*IpAddress::Parse("::1"));
  }
  for (const auto& address : addresses) {
    if (auto refused = CheckAddress(address, target->port)) {
      return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                        "notification URL refused: " + *refused);
    }
  }
  return base::Ok();
}

}  // namespace renkei::notify
