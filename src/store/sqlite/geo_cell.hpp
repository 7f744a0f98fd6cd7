// Z-order (Morton) cells of points, the key of the geo_points index (schema migration 16).
//
// A point's cell interleaves the bits of its longitude and latitude, each quantised to
// kGeoCellBits bits (2^26 steps: ~0.6 m of longitude at the equator, ~0.3 m of latitude), so
// points close on the ground are mostly close in the B-tree, and the cells of any square of
// 2^k x 2^k quantisation steps form one contiguous range. A query box is covered by the
// ranges of a few such squares (GeoCellRanges): a handful of B-tree range scans instead of an
// R*Tree search, and one B-tree insert per point written instead of an R*Tree insert (which
// rewrites a node blob and its ancestors' boxes: ~14 µs of an imported row's ~58, ADR 0019).
#pragma once

#include <cstdint>
#include <vector>

#include "core/geo/geometry.hpp"

namespace renkei::store::sqlite {

inline constexpr int kGeoCellBits = 26;

// The cell of a WGS84 position (longitude in [-180, 180], latitude in [-90, 90]; values
// outside are clamped).
std::int64_t GeoCellOf(double lon, double lat);

struct GeoCellRange {
  std::int64_t first = 0;
  std::int64_t last = 0;  // inclusive
};

// Ascending, disjoint cell ranges whose union holds the cell of every position inside `box`
// (min <= max on both axes), from at most `max_squares` squares of cells; a superset (the
// positions are re-checked), never a subset.
std::vector<GeoCellRange> GeoCellRanges(const core::geo::BoundingBox& box,
                                        std::size_t max_squares = 64);

}  // namespace renkei::store::sqlite
