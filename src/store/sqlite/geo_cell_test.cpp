#include "store/sqlite/geo_cell.hpp"

#include <random>

#include <gtest/gtest.h>

namespace renkei::store::sqlite {
namespace {

bool Covered(const std::vector<GeoCellRange>& ranges, std::int64_t cell) {
  for (const auto& r : ranges) {
    if (cell >= r.first && cell <= r.last) return true;
  }
  return false;
}

TEST(GeoCell, EveryPointInsideABoxHasACellInItsRanges) {
  std::mt19937_64 rng(18);
  std::uniform_real_distribution<double> lon(-180, 180), lat(-90, 90), size(0, 3);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int round = 0; round < 300; ++round) {
    // Boxes from metres (a "near" of a few hundred m) to degrees wide, anywhere.
    const double w = round % 3 == 0 ? size(rng) : size(rng) / 1000;
    const double h = round % 3 == 0 ? size(rng) : size(rng) / 1000;
    core::geo::BoundingBox box;
    box.min_lon = std::min(lon(rng), 180.0 - w);
    box.min_lat = std::min(lat(rng), 90.0 - h);
    box.max_lon = box.min_lon + w;
    box.max_lat = box.min_lat + h;
    const auto ranges = GeoCellRanges(box);
    ASSERT_FALSE(ranges.empty());
    ASSERT_LE(ranges.size(), 64u);
    for (std::size_t i = 1; i < ranges.size(); ++i) {
      ASSERT_GT(ranges[i].first, ranges[i - 1].last + 1);  // ascending, merged
    }
    for (int p = 0; p < 200; ++p) {
      const double x = box.min_lon + unit(rng) * w;
      const double y = box.min_lat + unit(rng) * h;
      ASSERT_TRUE(Covered(ranges, GeoCellOf(x, y))) << x << "," << y;
    }
    // The corners too (quantisation at the edges).
    ASSERT_TRUE(Covered(ranges, GeoCellOf(box.min_lon, box.min_lat)));
    ASSERT_TRUE(Covered(ranges, GeoCellOf(box.max_lon, box.max_lat)));
  }
}

TEST(GeoCell, NearbyPointsShareLongPrefixesAndRangesStaySmall) {
  // 白浜町 and a point ~100 m away: the same cell at ~150 m squares.
  const auto a = GeoCellOf(135.3745, 33.6781);
  const auto b = GeoCellOf(135.3755, 33.6785);
  EXPECT_EQ(a >> 24, b >> 24);
  // A 1 km box around it: a few ranges covering far less than the world.
  core::geo::BoundingBox box{135.37, 33.674, 135.38, 33.682};
  const auto ranges = GeoCellRanges(box);
  std::int64_t cells = 0;
  for (const auto& r : ranges) cells += r.last - r.first + 1;
  EXPECT_LT(static_cast<double>(cells), 1e-6 * static_cast<double>(std::int64_t{1} << 52));
  // Out-of-range input is clamped, never wraps.
  EXPECT_EQ(GeoCellOf(-500, -500), 0);
  EXPECT_EQ(GeoCellOf(500, 500), (std::int64_t{1} << 52) - 1);
}

}  // namespace
}  // namespace renkei::store::sqlite
