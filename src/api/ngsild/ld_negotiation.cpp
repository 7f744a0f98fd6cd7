#include "api/ngsild/ld_negotiation.hpp"

#include <charconv>
#include <string>

namespace renkei::api::ngsild {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// RFC 9110 §12.4.2: q is a weight from 0 to 1 with up to three decimals; anything else
// counts as 1 (lenient, as for a missing q).
double Weight(std::string_view params) {
  while (!params.empty()) {
    const auto semicolon = params.find(';');
    const std::string_view param = Trim(params.substr(0, semicolon));
    params =
        semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
    if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
    const std::string value(param.substr(2));
    double q = 1;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
    if (ec != std::errc() || end != value.data() + value.size() || q < 0 || q > 1) return 1;
    return q;
  }
  return 1;
}

struct Candidate {
  LdMediaType type;
  double q = -1;
  int specificity = -1;  // 2: full type, 1: application/*, 0: */*
  int preference = 0;    // on equal q and specificity: higher wins
};

}  // namespace

std::string_view MediaTypeOf(std::string_view content_type) {
  return Trim(content_type.substr(0, content_type.find(';')));
}

base::Result<LdMediaType> Negotiate(std::optional<std::string_view> accept, bool geo_json) {
  if (!accept || Trim(*accept).empty()) return LdMediaType::kJson;
  Candidate best{LdMediaType::kJson};
  std::string_view rest = *accept;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view range = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const std::string_view type = MediaTypeOf(range);
    const auto semicolon = range.find(';');
    const double q = semicolon == std::string_view::npos ? 1 : Weight(range.substr(semicolon + 1));
    if (q <= 0) continue;  // q=0: explicitly not acceptable
    Candidate c{LdMediaType::kJson, q};
    if (EqualsIgnoringCase(type, "application/ld+json")) {
      c = {LdMediaType::kLdJson, q, 2, 2};
    } else if (EqualsIgnoringCase(type, "application/json")) {
      c = {LdMediaType::kJson, q, 2, 1};
    } else if (geo_json && EqualsIgnoringCase(type, "application/geo+json")) {
      c = {LdMediaType::kGeoJson, q, 2, 0};
    } else if (EqualsIgnoringCase(type, "application/*")) {
      c.specificity = 1;
    } else if (type == "*/*") {
      c.specificity = 0;
    } else {
      continue;
    }
    if (c.q > best.q ||
        (c.q == best.q && (c.specificity > best.specificity || (c.specificity == best.specificity &&
                                                                c.preference > best.preference)))) {
      best = c;
    }
  }
  if (best.specificity < 0) {
    return base::Fail(base::ErrorCode::kNotAcceptable, "",
                      "no acceptable media type in Accept: " + std::string(*accept));
  }
  return best.type;
}

}  // namespace renkei::api::ngsild
