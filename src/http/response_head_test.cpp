#include "http/response_head.hpp"

#include <gtest/gtest.h>

namespace renkei::http {
namespace {

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

TEST(ResponseHeadTest, WritesStatusHeadersDateAndLength) {
  Response response;
  response.status = 201;
  response.Set("Location", "/v2/entities/Room1").Set("Fiware-Correlator", "abc");
  response.body = "{}";
  std::string out;
  EXPECT_TRUE(WriteResponseHead(response, ResponseFraming{}, kDate, out));
  EXPECT_EQ(out,
            "HTTP/1.1 201 Created\r\n"
            "Location: /v2/entities/Room1\r\n"
            "Fiware-Correlator: abc\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            "Content-Length: 2\r\n"
            "\r\n");
}

TEST(ResponseHeadTest, ServerOwnsLengthAndConnectionButKeepsGivenDate) {
  Response response;
  response.Set("Content-Length", "999").Set("Connection", "keep-alive").Set("Date", "x");
  std::string out;
  const ResponseFraming framing{/*keep_alive=*/false, false, false};
  EXPECT_FALSE(WriteResponseHead(response, framing, kDate, out));
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Date: x\r\n"
            "Content-Length: 0\r\n"
            "Connection: close\r\n"
            "\r\n");
}

TEST(ResponseHeadTest, NoContentHasNoLengthAndNoBody) {
  Response response;
  response.status = 204;
  response.body = "ignored";
  std::string out;
  EXPECT_FALSE(WriteResponseHead(response, ResponseFraming{}, kDate, out));
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
}

TEST(ResponseHeadTest, HeadGetsLengthButNoBody) {
  Response response;
  response.body = "12345";
  std::string out;
  const ResponseFraming framing{true, false, /*head_request=*/true};
  EXPECT_FALSE(WriteResponseHead(response, framing, kDate, out));
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos);
}

TEST(ResponseHeadTest, Http10KeepAliveIsAnnounced) {
  Response response;
  std::string out;
  const ResponseFraming framing{true, /*announce_keep_alive=*/true, false};
  WriteResponseHead(response, framing, kDate, out);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(ResponseHeadTest, LineBreaksInHeadersCannotSplitTheResponse) {
  Response response;
  response.Set("X-Echo", "a\r\nSet-Cookie: evil");
  std::string out;
  WriteResponseHead(response, ResponseFraming{}, kDate, out);
  EXPECT_NE(out.find("X-Echo: a  Set-Cookie: evil\r\n"), std::string::npos);
}

TEST(ResponseHeadTest, UnknownStatusHasEmptyReasonAndInvalidBecomes500) {
  Response response;
  response.status = 299;
  std::string out;
  WriteResponseHead(response, ResponseFraming{}, kDate, out);
  EXPECT_EQ(out.rfind("HTTP/1.1 299 \r\n", 0), 0U);
  response.status = 42;
  WriteResponseHead(response, ResponseFraming{}, kDate, out);
  EXPECT_EQ(out.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0U);
}

TEST(ResponseHeadTest, WantsCloseReadsConnectionTokens) {
  EXPECT_TRUE(WantsClose({{"connection", "Keep-Alive, Close"}}));
  EXPECT_FALSE(WantsClose({{"Connection", "keep-alive"}}));
  EXPECT_FALSE(WantsClose({{"X-Connection", "close"}}));
}

TEST(HttpDateClockTest, FormatsImfFixdate) {
  HttpDateClock clock;
  const std::string date(clock.Now());
  ASSERT_EQ(date.size(), 29U);
  EXPECT_EQ(date.substr(3, 2), ", ");
  EXPECT_EQ(date.substr(25), " GMT");
}

}  // namespace
}  // namespace renkei::http
