#include "http/tls_detect.hpp"

#include <gtest/gtest.h>

namespace renkei::http {
namespace {

using boost::asio::ip::make_address;

TEST(TlsDetect, HandshakeRecordIsTlsAndRequestLinesAreNot) {
  EXPECT_TRUE(StartsTlsHandshake(0x16));
  for (const char c : std::string("GPDHOCT0\r\n \x80")) {
    EXPECT_FALSE(StartsTlsHandshake(static_cast<std::uint8_t>(c))) << int(c);
  }
}

TEST(TlsDetect, LoopbackCoversTheWholeV4BlockV6AndMappedV4) {
  EXPECT_TRUE(IsLoopback(make_address("127.0.0.1")));
  EXPECT_TRUE(IsLoopback(make_address("127.255.3.9")));
  EXPECT_TRUE(IsLoopback(make_address("::1")));
  EXPECT_TRUE(IsLoopback(make_address("::ffff:127.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("128.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("10.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("::2")));
  EXPECT_FALSE(IsLoopback(make_address("::ffff:10.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("0.0.0.0")));
}

}  // namespace
}  // namespace renkei::http
