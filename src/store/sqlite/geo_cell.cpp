#include "store/sqlite/geo_cell.hpp"

#include <algorithm>
#include <cmath>

namespace renkei::store::sqlite {
namespace {

constexpr std::uint64_t kSteps = std::uint64_t{1} << kGeoCellBits;

std::uint64_t Quantise(double v, double low, double high) {
  const double scaled = std::floor((v - low) / (high - low) * static_cast<double>(kSteps));
  if (!(scaled > 0)) return 0;  // also NaN
  if (scaled >= static_cast<double>(kSteps - 1)) return kSteps - 1;
  return static_cast<std::uint64_t>(scaled);
}

// The bits of `v` (kGeoCellBits of them) at the even positions of the result.
std::uint64_t Spread(std::uint64_t v) {
  std::uint64_t out = 0;
  for (int bit = 0; bit < kGeoCellBits; ++bit) out |= ((v >> bit) & 1u) << (2 * bit);
  return out;
}

std::uint64_t Interleave(std::uint64_t x, std::uint64_t y) { return Spread(x) | (Spread(y) << 1); }

}  // namespace

std::int64_t GeoCellOf(double lon, double lat) {
  return static_cast<std::int64_t>(
      Interleave(Quantise(lon, -180.0, 180.0), Quantise(lat, -90.0, 90.0)));
}

std::vector<GeoCellRange> GeoCellRanges(const core::geo::BoundingBox& box,
                                        std::size_t max_squares) {
  const std::uint64_t x0 = Quantise(box.min_lon, -180.0, 180.0);
  const std::uint64_t x1 = Quantise(box.max_lon, -180.0, 180.0);
  const std::uint64_t y0 = Quantise(box.min_lat, -90.0, 90.0);
  const std::uint64_t y1 = Quantise(box.max_lat, -90.0, 90.0);
  // The finest squares (2^shift steps a side) of which at most max_squares cover the box.
  int shift = 0;
  for (; shift < kGeoCellBits; ++shift) {
    const std::uint64_t nx = (x1 >> shift) - (x0 >> shift) + 1;
    const std::uint64_t ny = (y1 >> shift) - (y0 >> shift) + 1;
    if (nx * ny <= max_squares) break;
  }
  std::vector<GeoCellRange> ranges;
  const std::uint64_t span = std::uint64_t{1} << (2 * shift);
  for (std::uint64_t y = y0 >> shift; y <= y1 >> shift; ++y) {
    for (std::uint64_t x = x0 >> shift; x <= x1 >> shift; ++x) {
      const std::uint64_t first = Interleave(x << shift, y << shift);
      ranges.push_back(
          {static_cast<std::int64_t>(first), static_cast<std::int64_t>(first + span - 1)});
    }
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const GeoCellRange& a, const GeoCellRange& b) { return a.first < b.first; });
  std::vector<GeoCellRange> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && merged.back().last + 1 >= r.first) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

}  // namespace renkei::store::sqlite
