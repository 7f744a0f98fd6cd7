// Serialising a Response's status line and header block, and the HTTP-date the server
// stamps on responses. Kept apart from the connection so the framing rules can be tested
// without sockets.
#pragma once

#include <array>
#include <ctime>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace renkei::http {

// Formats the current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110
// §5.6.7), reformatting at most once per second. Not thread-safe: one per worker thread.
class HttpDateClock {
 public:
  std::string_view Now();

 private:
  std::time_t formatted_second_ = -1;
  std::array<char, 32> text_{};
  std::size_t size_ = 0;
};

struct ResponseFraming {
  bool keep_alive = true;            // the connection stays open after this response
  bool announce_keep_alive = false;  // HTTP/1.0 client asked for keep-alive: say yes
  bool head_request = false;         // answering HEAD: Content-Length but no body
};

// Replaces `out` with the status line and headers of `response`, ending with the blank
// line. Headers are written as given, except Content-Length, Transfer-Encoding and
// Connection, which the server owns: Content-Length is always the body size (none for
// 1xx/204/304), Connection says "close" when !keep_alive. Date is added when absent.
// CR and LF inside names or values become spaces so an application echoing user input
// cannot split the response. Returns whether the body must be sent after the head.
bool WriteResponseHead(const Response& response, const ResponseFraming& framing,
                       std::string_view date, std::string& out);

// True when a Connection header in `headers` asks to close ("close" token).
bool WantsClose(const HeaderList& headers);

}  // namespace renkei::http
