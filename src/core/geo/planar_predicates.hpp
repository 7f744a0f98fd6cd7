// Spatial predicates between two Geometry values, computed in the lon/lat plane: edges
// are straight lines in degrees, not geodesics (see README.md for what that costs).
// Boundaries count as part of a shape everywhere (Orion API manual, coveredBy: "the
// border of the shape must be considered to be part of the shape"). Distances are
// haversine metres to the nearest point found in a local equirectangular projection.
// All functions are pure and thread-safe; geometries are assumed valid (as produced by the
// parsers in geometry.hpp).
#pragma once

#include "core/geo/geometry.hpp"

namespace renkei::core::geo {

// True when a and b share at least one point (boundary contact included).
bool Intersects(const Geometry& a, const Geometry& b);

// True when every point of `contained` lies in `container` (interior or boundary).
// Approximation: a MultiPolygon container whose separate parts together enclose a gap
// is treated as if the gap were filled; gaps that are holes of one polygon are handled.
bool Covers(const Geometry& container, const Geometry& contained);

// Same kind and same positions. Polygon rings compare as closed cycles, so a different
// start vertex or orientation still counts as equal (a geo:box attribute equals the
// same box in a query); points and lines compare position by position.
bool SameShape(const Geometry& a, const Geometry& b);

// Smallest distance in metres from `from` to any point of `g`; 0 inside a polygon.
double MinDistanceMetres(Position from, const Geometry& g);

}  // namespace renkei::core::geo
