// Value checks of the data quality report (docs/data-quality.md): each returns why a value
// breaks the GIF core data part it should follow, or nullopt when it is fine. Pure
// functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace renkei::opendata {

struct GeoPoint {
  double lat = 0;
  double lon = 0;
};

// GIF DS-443 郵便番号: seven half-width digits, no hyphen ("1008926").
std::optional<std::string> PostalCodeProblem(std::string_view value);

// GIF DS-445 電話番号: half-width digits separated by '-', the area code optionally in
// parentheses ("0739-43-5555", "(03)5253-5111"), optionally "+81 " in front; 10 or 11
// digits in all (a domestic number starts with 0).
std::optional<std::string> TelephoneProblem(std::string_view value);

// GIF DS-441: a real calendar date "YYYY-MM-DD" (or a year "YYYY").
std::optional<std::string> DateProblem(std::string_view value);
// GIF DS-441: "HH:MM" or "HH:MM:SS", 24-hour; 24:00:00 is the end of the day.
std::optional<std::string> TimeProblem(std::string_view value);

// True when `text` holds a 和暦 (Japanese era) date: an era name (令和, 平成, 昭和, 大正,
// 明治) or its initial (R, H, S, T, M) followed by a year ("H31.4.30", "R2.4.1"). GIF 468
// 標準適合性 wants Western years in normalised fields.
bool ContainsWareki(std::string_view text);

// Japan's extreme points: 沖ノ鳥島 20.42N, 択捉島 45.56N, 与那国島 122.93E, 南鳥島 153.99E.
bool InJapan(GeoPoint point);

// Great-circle distance in kilometres (haversine on a 6371 km sphere; enough for "near").
double DistanceKm(GeoPoint a, GeoPoint b);

// An address whose lot number is the placeholder "0-0" (Wakayama's 避難先情報一覧 writes it
// for an unknown 番地, shared/data/opendata/README.md).
std::optional<std::string> AddressProblem(std::string_view value);

}  // namespace renkei::opendata
