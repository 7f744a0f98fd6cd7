#include "http/request_target.hpp"

#include <algorithm>
#include <cctype>

namespace renkei::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AssignDecoded(std::string_view in, std::string& out) {
  out.clear();
  AppendPercentDecoded(in, out);
}

void AssignFormDecoded(std::string_view in, std::string& out) {
  std::string spaced(in);
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  AssignDecoded(spaced, out);
}

}  // namespace

std::string PercentDecoded(std::string_view in) {
  std::string out;
  AppendPercentDecoded(in, out);
  return out;
}

void AppendPercentDecoded(std::string_view in, std::string& out) {
  std::size_t pos = 0;
  while (pos < in.size()) {
    const std::size_t pct = in.find('%', pos);
    if (pct == std::string_view::npos) {
      out.append(in.substr(pos));
      return;
    }
    out.append(in.substr(pos, pct - pos));
    const int hi = pct + 2 < in.size() ? HexValue(in[pct + 1]) : -1;
    const int lo = hi >= 0 ? HexValue(in[pct + 2]) : -1;
    if (lo < 0) {
      out.push_back('%');
      pos = pct + 1;
    } else {
      out.push_back(static_cast<char>(hi * 16 + lo));
      pos = pct + 3;
    }
  }
}

void AppendPercentEncodedSegment(std::string_view in, std::string& out) {
  constexpr std::string_view kKept = "-._~!$&'()*+,;=:@";  // unreserved marks, sub-delims, pchar
  constexpr std::string_view kHex = "0123456789ABCDEF";
  for (const char c : in) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 && byte < 0x80) {
      out.push_back(c);
    } else if (kKept.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
}

void ParseRequestTarget(std::string_view target, std::string& path,
                        std::vector<std::pair<std::string, std::string>>& query, QueryPlus plus) {
  const std::size_t qmark = target.find('?');
  AssignDecoded(target.substr(0, qmark), path);
  std::size_t count = 0;
  if (qmark != std::string_view::npos) {
    std::string_view rest = target.substr(qmark + 1);
    // A fragment is never sent by conforming clients; drop one if it is.
    rest = rest.substr(0, rest.find('#'));
    while (!rest.empty()) {
      const std::size_t amp = rest.find('&');
      const std::string_view piece = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (piece.empty()) continue;
      const std::size_t eq = piece.find('=');
      const std::string_view name = piece.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
      // Reuse the strings left from an earlier request on this connection.
      if (count == query.size()) query.emplace_back();
      if (plus == QueryPlus::kSpace) {
        // Raw '+' become spaces before percent-decoding, so a %2B still decodes to '+'.
        AssignFormDecoded(name, query[count].first);
        AssignFormDecoded(value, query[count].second);
      } else {
        AssignDecoded(name, query[count].first);
        AssignDecoded(value, query[count].second);
      }
      ++count;
    }
  }
  query.resize(count);
}

}  // namespace renkei::http
