#include "http/response_head.hpp"

#include <strings.h>

#include <algorithm>
#include <charconv>

#include <ostream>  // boost/core/detail/string_view.hpp uses it without including it

#include <boost/beast/http/status.hpp>

namespace renkei::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

void AppendNumber(std::string& out, std::size_t value) {
  std::array<char, 24> digits{};
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), result.ptr);
}

// Appends `text` with CR/LF replaced; the common case (none present) is one append.
void AppendSanitized(std::string& out, std::string_view text) {
  // A plain loop: string_view::find_first_of calls memchr once per character here.
  const bool clean =
      std::none_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; });
  if (clean) {
    out.append(text);
    return;
  }
  for (const char c : text) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
}

void AppendTwoDigits(char* at, int value) {
  at[0] = static_cast<char>('0' + value / 10);
  at[1] = static_cast<char>('0' + value % 10);
}

}  // namespace

std::string_view HttpDateClock::Now() {
  const std::time_t now = std::time(nullptr);
  if (now != formatted_second_) {
    // Formatted by hand: strftime's %a/%b follow the process locale, HTTP needs English.
    static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    char* p = text_.data();
    const auto put = [&p](const char* s, std::size_t n) {
      for (std::size_t i = 0; i < n; ++i) *p++ = s[i];
    };
    put(kDays[static_cast<std::size_t>(tm.tm_wday)], 3);
    put(", ", 2);
    AppendTwoDigits(p, tm.tm_mday);
    p += 2;
    put(" ", 1);
    put(kMonths[static_cast<std::size_t>(tm.tm_mon)], 3);
    put(" ", 1);
    const int year = tm.tm_year + 1900;
    AppendTwoDigits(p, year / 100);
    AppendTwoDigits(p + 2, year % 100);
    p += 4;
    put(" ", 1);
    AppendTwoDigits(p, tm.tm_hour);
    p[2] = ':';
    AppendTwoDigits(p + 3, tm.tm_min);
    p[5] = ':';
    AppendTwoDigits(p + 6, tm.tm_sec);
    p += 8;
    put(" GMT", 4);
    size_ = static_cast<std::size_t>(p - text_.data());
    formatted_second_ = now;
  }
  return {text_.data(), size_};
}

bool WantsClose(const HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (!EqualsIgnoreCase(name, "Connection")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view token = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
        token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
        token.remove_suffix(1);
      if (EqualsIgnoreCase(token, "close")) return true;
    }
  }
  return false;
}

bool WriteResponseHead(const Response& response, const ResponseFraming& framing,
                       std::string_view date, std::string& out) {
  out.clear();
  // A status outside 100..999 cannot be put on the wire; it is a handler bug.
  const unsigned status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  out.append("HTTP/1.1 ");
  AppendNumber(out, status);
  out.push_back(' ');
  // RFC 9110 §15 renamed two reasons that Beast 1.81 still spells the RFC 7231 way.
  if (status == 413) {
    out.append("Content Too Large");
  } else if (status == 422) {
    out.append("Unprocessable Content");
  } else if (const auto known = boost::beast::http::int_to_status(status);
             known != boost::beast::http::status::unknown) {
    const auto reason = boost::beast::http::obsolete_reason(known);
    out.append(reason.data(), reason.size());
  }
  out.append("\r\n");

  bool has_date = false;
  for (const auto& [name, value] : response.headers) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
        EqualsIgnoreCase(name, "Transfer-Encoding")) {
      continue;
    }
    if (!has_date && EqualsIgnoreCase(name, "Date")) has_date = true;
    AppendSanitized(out, name);
    out.append(": ");
    AppendSanitized(out, value);
    out.append("\r\n");
  }
  if (!has_date) {
    out.append("Date: ");
    out.append(date);
    out.append("\r\n");
  }
  // RFC 9110 §8.6: no Content-Length in 1xx and 204; a 304 has no body either and we do
  // not know the length of the representation it stands for.
  const bool bodyless_status = status < 200 || status == 204 || status == 304;
  if (!bodyless_status) {
    out.append("Content-Length: ");
    AppendNumber(out, response.body.size());
    out.append("\r\n");
  }
  if (!framing.keep_alive) {
    out.append("Connection: close\r\n");
  } else if (framing.announce_keep_alive) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  return !bodyless_status && !framing.head_request && !response.body.empty();
}

}  // namespace renkei::http
