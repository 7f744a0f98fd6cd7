// ReceiverGuard: the SSRF guard of notifications (docs/subscriptions.md "Receiver guard").
// A subscription may name any URL as its receiver, so without a guard a tenant could make
// the broker send requests into networks only the broker reaches (a cloud metadata service,
// an admin port) or to its own listener (a notification loop). The guard refuses:
//  - receiver addresses inside the denied ranges (CIDRs or presets, address_range.hpp),
//    unless they are inside an allowed range (exceptions);
//  - the platform's own listener (its port on its listen address, on loopback, and, when it
//    listens on every interface, on any local interface address).
// It is asked twice: when a subscription is created or updated (CheckUrl: the URL's host
// when it is a literal address or "localhost"; names are left to the second check), and by
// the HTTP client on every address a name resolves to just before connecting
// (CheckAddress), so a name that later resolves somewhere else (DNS rebinding) is refused
// at delivery. Dialect-neutral: both NGSIv2 and NGSI-LD subscriptions go through it.
// Immutable after Create; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "notify/address_range.hpp"

namespace renkei::notify {

// The default denied list: never a legitimate receiver, and safe for receivers on
// 127.0.0.1 (the demo and the tests). "loopback" and "private" are opt-in.
inline const std::vector<std::string> kDefaultDeniedRanges = {"link-local", "unspecified",
                                                              "multicast"};

struct ReceiverGuardOptions {
  std::vector<std::string> deny = kDefaultDeniedRanges;
  std::vector<std::string> allow;  // exceptions to `deny`
  bool refuse_own_listener = true;
  std::string listen_address;  // the platform's listener (as configured)
  std::uint16_t listen_port = 0;
};

class ReceiverGuard {
 public:
  // kInvalidRequest (a configuration error) for an entry that is neither a CIDR, an
  // address nor a preset.
  static base::Result<ReceiverGuard> Create(const ReceiverGuardOptions& options);

  // Subscription create/update: an http(s):// or mqtt:// URL whose host is refused is
  // kBadRequestData "notification URL refused: ...". A host name other than localhost, or
  // a templated host (${...}), passes here and is checked at delivery.
  base::Result<void> CheckUrl(std::string_view url) const;

  // Delivery: why `address`:`port` is refused, or nullopt when it may be contacted.
  std::optional<std::string> CheckAddress(const IpAddress& address, std::uint16_t port) const;

 private:
  ReceiverGuard() = default;
  bool IsOwnListener(const IpAddress& address, std::uint16_t port) const;

  std::vector<AddressRange> deny_;
  std::vector<AddressRange> allow_;
  bool refuse_own_listener_ = true;
  std::optional<IpAddress> listen_address_;  // nullopt: a name, taken as loopback
  std::uint16_t listen_port_ = 0;
  std::vector<IpAddress> local_addresses_;  // when listening on every interface
};

}  // namespace renkei::notify
