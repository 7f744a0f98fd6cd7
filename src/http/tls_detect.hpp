// Pure decisions of the TLS-or-plain listener (docs/tls.md): what the first byte of a
// connection says, and which peers count as loopback for `exempt_loopback`.
#pragma once

#include <cstdint>

#include <boost/asio/ip/address.hpp>

namespace renkei::http {

// A TLS client speaks first with a handshake record: content type 22 (RFC 8446 §5.1,
// RFC 5246 §6.2.1). No HTTP/1.1 request line starts with that byte (RFC 9112 §3: a method
// is a token of visible characters), so one byte tells the two apart.
constexpr std::uint8_t kTlsHandshakeRecord = 0x16;
constexpr bool StartsTlsHandshake(std::uint8_t first_byte) {
  return first_byte == kTlsHandshakeRecord;
}

// 127.0.0.0/8, ::1, and 127.0.0.0/8 mapped into IPv6 (::ffff:127.x.y.z, what a dual-stack
// listener reports for an IPv4 loopback client).
bool IsLoopback(const boost::asio::ip::address& address);

}  // namespace renkei::http
