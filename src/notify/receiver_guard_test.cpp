#include "notify/receiver_guard.hpp"

#include <gtest/gtest.h>

namespace renkei::notify {
namespace {

IpAddress Ip(std::string_view text) {
  auto parsed = IpAddress::Parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(IpAddress{});
}

TEST(AddressRangeTest, ParsesAddressesAndMapsIpv4InIpv6) {
  EXPECT_EQ(Ip("::ffff:10.1.2.3"), Ip("10.1.2.3"));
  EXPECT_EQ(Ip("[::1]").ToString(), "::1");
  EXPECT_FALSE(IpAddress::Parse("10.1.2").has_value());
  EXPECT_FALSE(IpAddress::Parse("example.org").has_value());
  EXPECT_TRUE(Ip("127.8.0.1").IsLoopback());
  EXPECT_TRUE(Ip("::").IsUnspecified());
}

TEST(AddressRangeTest, PrefixesAndPresets) {
  auto cidr = ParseAddressRanges("172.16.0.0/12");
  ASSERT_TRUE(cidr);
  EXPECT_TRUE(cidr->front().Contains(Ip("172.31.255.255")));
  EXPECT_FALSE(cidr->front().Contains(Ip("172.32.0.0")));
  EXPECT_FALSE(cidr->front().Contains(Ip("::ffff:ac20:0")));
  auto odd = ParseAddressRanges("fe80::/10");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->front().Contains(Ip("febf::1")));
  EXPECT_FALSE(odd->front().Contains(Ip("fec0::1")));
  auto all = ParseAddressRanges("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->front().Contains(Ip("8.8.8.8")));
  auto preset = ParseAddressRanges("private");
  ASSERT_TRUE(preset);
  EXPECT_EQ(preset->size(), 5u);
  EXPECT_EQ(preset->front().name, "private");
  EXPECT_FALSE(ParseAddressRanges("10.0.0.0/33"));
  EXPECT_FALSE(ParseAddressRanges("intranet"));
  EXPECT_FALSE(ParseAddressRanges("10.0.0.0/"));
}

TEST(ReceiverGuardTest, DeniedAllowedAndOwnListener) {
  ReceiverGuardOptions options;
  options.deny = {"private", "link-local"};
  options.allow = {"10.9.0.0/16"};
  options.listen_address = "127.0.0.1";
  options.listen_port = 1026;
  auto guard = ReceiverGuard::Create(options);
  ASSERT_TRUE(guard);
  EXPECT_FALSE(guard->CheckUrl("http://192.168.1.1:8080/x"));
  EXPECT_TRUE(guard->CheckUrl("http://10.9.3.4/x"));
  EXPECT_TRUE(guard->CheckUrl("http://127.0.0.1:8080/x"));
  EXPECT_FALSE(guard->CheckUrl("http://127.0.0.1:1026/v2/op/notify"));
  EXPECT_FALSE(guard->CheckUrl("http://LOCALHOST.:1026/"));
  EXPECT_FALSE(guard->CheckUrl("https://[fe80::1]:443/"));
  EXPECT_FALSE(guard->CheckUrl("mqtt://user:pw@10.0.0.1"));
  EXPECT_TRUE(guard->CheckUrl("http://receiver.example/x"));  // checked at delivery
  EXPECT_TRUE(guard->CheckUrl("http://${host}/x"));
  const auto refused = guard->CheckAddress(Ip("10.1.1.1"), 80);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(*refused, "address 10.1.1.1 is in a denied range (private, SSRF guard)");
  EXPECT_FALSE(guard->CheckAddress(Ip("8.8.8.8"), 80).has_value());
  const auto own = guard->CheckAddress(Ip("127.0.0.1"), 1026);
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(*own, "address 127.0.0.1:1026 is this broker's own listener (SSRF guard)");
}

TEST(ReceiverGuardTest, MqttDefaultPortAndOwnListenerSwitchedOff) {
  ReceiverGuardOptions options;
  options.deny = {};
  options.listen_address = "0.0.0.0";
  options.listen_port = 1883;
  auto guard = ReceiverGuard::Create(options);
  ASSERT_TRUE(guard);
  EXPECT_FALSE(guard->CheckUrl("mqtt://127.0.0.1"));  // 1883 by default: the listener's port
  EXPECT_TRUE(guard->CheckUrl("mqtt://127.0.0.1:1884"));
  options.refuse_own_listener = false;
  auto open = ReceiverGuard::Create(options);
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->CheckUrl("mqtt://127.0.0.1"));
}

TEST(ReceiverGuardTest, InvalidConfigurationIsNamed) {
  ReceiverGuardOptions options;
  options.deny = {"10.0.0.0/8", "bogus"};
  auto guard = ReceiverGuard::Create(options);
  ASSERT_FALSE(guard);
  EXPECT_NE(guard.error().detail.find("'bogus'"), std::string::npos);
}

}  // namespace
}  // namespace renkei::notify
