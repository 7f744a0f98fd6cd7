// Planar geometry on lon/lat: orientation tests, point-in-polygon with holes, segment
// intersection and coverage. A Geometry is first split into its points, lines and
// polygons so every predicate is written once per pair of dimensions.
#include "core/geo/planar_predicates.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace renkei::core::geo {
namespace {

using Line = std::vector<Position>;
using Rings = std::vector<std::vector<Position>>;  // shell first, then holes

// Tolerance on cross products (degrees squared) so that points computed from decimal
// text still count as lying on a segment; ~1e-12 deg² is far below GPS precision.
constexpr double kEps = 1e-12;

struct Components {
  std::vector<Position> points;
  std::vector<const Line*> lines;
  std::vector<const Rings*> polygons;
};

Components Decompose(const Geometry& g) {
  Components c;
  switch (g.kind) {
    case Geometry::Kind::kPoint:
    case Geometry::Kind::kMultiPoint:
      for (const auto& part : g.parts) c.points.insert(c.points.end(), part.begin(), part.end());
      break;
    case Geometry::Kind::kLineString:
    case Geometry::Kind::kMultiLineString:
      for (const auto& part : g.parts) c.lines.push_back(&part);
      break;
    case Geometry::Kind::kPolygon:
      if (!g.parts.empty()) c.polygons.push_back(&g.parts);
      break;
    case Geometry::Kind::kMultiPolygon:
      for (const auto& polygon : g.polygons) {
        if (!polygon.empty()) c.polygons.push_back(&polygon);
      }
      break;
  }
  return c;
}

double Cross(Position o, Position a, Position b) {
  return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon);
}

int Orientation(Position o, Position a, Position b) {
  double c = Cross(o, a, b);
  if (c > kEps) return 1;
  if (c < -kEps) return -1;
  return 0;
}

bool WithinSpan(Position p, Position a, Position b) {
  return p.lon >= std::min(a.lon, b.lon) - kEps && p.lon <= std::max(a.lon, b.lon) + kEps &&
         p.lat >= std::min(a.lat, b.lat) - kEps && p.lat <= std::max(a.lat, b.lat) + kEps;
}

bool OnSegment(Position p, Position a, Position b) {
  return Orientation(a, b, p) == 0 && WithinSpan(p, a, b);
}

bool SegmentsIntersect(Position a, Position b, Position c, Position d) {
  int o1 = Orientation(a, b, c);
  int o2 = Orientation(a, b, d);
  int o3 = Orientation(c, d, a);
  int o4 = Orientation(c, d, b);
  if (o1 * o2 < 0 && o3 * o4 < 0) return true;
  return (o1 == 0 && WithinSpan(c, a, b)) || (o2 == 0 && WithinSpan(d, a, b)) ||
         (o3 == 0 && WithinSpan(a, c, d)) || (o4 == 0 && WithinSpan(b, c, d));
}

enum class Where { kOutside, kBoundary, kInside };

// Even-odd crossing test; a point on an edge is boundary.
Where PointInRing(Position p, const std::vector<Position>& ring) {
  bool inside = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    Position a = ring[j];
    Position b = ring[i];
    if (OnSegment(p, a, b)) return Where::kBoundary;
    if ((a.lat > p.lat) != (b.lat > p.lat)) {
      double lon_at = a.lon + (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat);
      if (p.lon < lon_at) inside = !inside;
    }
  }
  return inside ? Where::kInside : Where::kOutside;
}

Where PointInPolygon(Position p, const Rings& rings) {
  Where shell = PointInRing(p, rings.front());
  if (shell != Where::kInside) return shell;
  for (std::size_t h = 1; h < rings.size(); ++h) {
    Where in_hole = PointInRing(p, rings[h]);
    if (in_hole == Where::kInside) return Where::kOutside;
    if (in_hole == Where::kBoundary) return Where::kBoundary;
  }
  return Where::kInside;
}

bool PointInAnyPolygon(Position p, const std::vector<const Rings*>& polygons) {
  return std::any_of(polygons.begin(), polygons.end(),
                     [p](const Rings* r) { return PointInPolygon(p, *r) != Where::kOutside; });
}

bool PointOnLine(Position p, const Line& line) {
  if (line.size() == 1) return p == line.front();
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (OnSegment(p, line[i - 1], line[i])) return true;
  }
  return false;
}

template <typename Fn>
bool AnySegment(const Line& line, Fn&& fn) {
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (fn(line[i - 1], line[i])) return true;
  }
  return false;
}

template <typename Fn>
bool AnyRingEdge(const Rings& rings, Fn&& fn) {
  return std::any_of(rings.begin(), rings.end(),
                     [&fn](const Line& ring) { return AnySegment(ring, fn); });
}

bool LineIntersectsLine(const Line& a, const Line& b) {
  return AnySegment(a, [&b](Position p, Position q) {
    return AnySegment(b, [p, q](Position r, Position s) { return SegmentsIntersect(p, q, r, s); });
  });
}

// If no edge of the line crosses or touches a ring, the line lies wholly inside or wholly
// outside, so testing one vertex settles it.
bool LineIntersectsPolygon(const Line& line, const Rings& rings) {
  if (PointInPolygon(line.front(), rings) != Where::kOutside) return true;
  return AnySegment(line, [&rings](Position p, Position q) {
    return AnyRingEdge(rings,
                       [p, q](Position r, Position s) { return SegmentsIntersect(p, q, r, s); });
  });
}

bool PolygonIntersectsPolygon(const Rings& a, const Rings& b) {
  if (PointInPolygon(a.front().front(), b) != Where::kOutside) return true;
  if (PointInPolygon(b.front().front(), a) != Where::kOutside) return true;
  return AnyRingEdge(a, [&b](Position p, Position q) {
    return AnyRingEdge(b, [p, q](Position r, Position s) { return SegmentsIntersect(p, q, r, s); });
  });
}

// Parameters t in [0,1] where segment ab meets the edges of the polygons; between two
// consecutive ones the segment is entirely inside or entirely outside.
std::vector<double> SplitParameters(Position a, Position b,
                                    const std::vector<const Rings*>& polygons) {
  std::vector<double> ts{0.0, 1.0};
  double dx = b.lon - a.lon;
  double dy = b.lat - a.lat;
  double len2 = dx * dx + dy * dy;
  auto project = [&](Position p) { return ((p.lon - a.lon) * dx + (p.lat - a.lat) * dy) / len2; };
  for (const Rings* rings : polygons) {
    AnyRingEdge(*rings, [&](Position c, Position d) {
      if (!SegmentsIntersect(a, b, c, d)) return false;
      double denom = dx * (d.lat - c.lat) - dy * (d.lon - c.lon);
      if (std::abs(denom) > kEps) {
        double t = ((c.lon - a.lon) * (d.lat - c.lat) - (c.lat - a.lat) * (d.lon - c.lon)) / denom;
        ts.push_back(std::clamp(t, 0.0, 1.0));
      } else {  // collinear overlap: the edge's end points split the segment
        ts.push_back(std::clamp(project(c), 0.0, 1.0));
        ts.push_back(std::clamp(project(d), 0.0, 1.0));
      }
      return false;
    });
  }
  std::sort(ts.begin(), ts.end());
  return ts;
}

bool SegmentCoveredByPolygons(Position a, Position b, const std::vector<const Rings*>& polygons) {
  if (!PointInAnyPolygon(a, polygons) || !PointInAnyPolygon(b, polygons)) return false;
  if (a == b) return true;
  std::vector<double> ts = SplitParameters(a, b, polygons);
  for (std::size_t i = 1; i < ts.size(); ++i) {
    double t = (ts[i - 1] + ts[i]) / 2;
    Position mid{a.lon + t * (b.lon - a.lon), a.lat + t * (b.lat - a.lat)};
    if (!PointInAnyPolygon(mid, polygons)) return false;
  }
  return true;
}

// Segment ab lies on the union of the lines: the collinear pieces of the lines must cover
// the parameter interval [0,1] of ab without gaps.
bool SegmentCoveredByLines(Position a, Position b, const std::vector<const Line*>& lines) {
  if (a == b) {
    return std::any_of(lines.begin(), lines.end(),
                       [a](const Line* l) { return PointOnLine(a, *l); });
  }
  double dx = b.lon - a.lon;
  double dy = b.lat - a.lat;
  double len2 = dx * dx + dy * dy;
  std::vector<std::pair<double, double>> pieces;
  for (const Line* line : lines) {
    AnySegment(*line, [&](Position c, Position d) {
      if (Orientation(a, b, c) != 0 || Orientation(a, b, d) != 0) return false;
      double tc = ((c.lon - a.lon) * dx + (c.lat - a.lat) * dy) / len2;
      double td = ((d.lon - a.lon) * dx + (d.lat - a.lat) * dy) / len2;
      pieces.emplace_back(std::min(tc, td), std::max(tc, td));
      return false;
    });
  }
  std::sort(pieces.begin(), pieces.end());
  double reached = 0;
  constexpr double kSlack = 1e-9;
  for (const auto& [from, to] : pieces) {
    if (from > reached + kSlack) break;
    reached = std::max(reached, to);
  }
  return reached >= 1 - kSlack;
}

bool PointCovered(Position p, const Components& container) {
  if (std::find(container.points.begin(), container.points.end(), p) != container.points.end()) {
    return true;
  }
  if (std::any_of(container.lines.begin(), container.lines.end(),
                  [p](const Line* l) { return PointOnLine(p, *l); })) {
    return true;
  }
  return PointInAnyPolygon(p, container.polygons);
}

bool SegmentCovered(Position a, Position b, const Components& container) {
  if (!container.polygons.empty() && SegmentCoveredByPolygons(a, b, container.polygons)) {
    return true;
  }
  if (!container.lines.empty() && SegmentCoveredByLines(a, b, container.lines)) return true;
  return a == b && PointCovered(a, container);
}

// A polygon is covered when its shell is and no hole of the container pokes into it.
bool PolygonCovered(const Rings& rings, const Components& container) {
  if (container.polygons.empty()) return false;
  if (AnySegment(rings.front(), [&container](Position p, Position q) {
        return !SegmentCoveredByPolygons(p, q, container.polygons);
      })) {
    return false;
  }
  for (const Rings* outer : container.polygons) {
    for (std::size_t h = 1; h < outer->size(); ++h) {
      const Line& hole = (*outer)[h];
      for (std::size_t i = 1; i < hole.size(); ++i) {
        Position mid{(hole[i - 1].lon + hole[i].lon) / 2, (hole[i - 1].lat + hole[i].lat) / 2};
        if (PointInPolygon(hole[i], rings) == Where::kInside ||
            PointInPolygon(mid, rings) == Where::kInside) {
          return false;
        }
      }
    }
  }
  return true;
}

bool SameRing(const Line& a, const Line& b) {
  if (a.size() != b.size() || a.empty()) return false;
  // Compare the open cycles (closing position dropped) for every rotation and direction.
  std::size_t n = a.size() - 1;
  if (n == 0) return a == b;
  for (std::size_t shift = 0; shift < n; ++shift) {
    bool forward = true;
    bool backward = true;
    for (std::size_t i = 0; i < n && (forward || backward); ++i) {
      if (a[i] != b[(shift + i) % n]) forward = false;
      if (a[i] != b[(shift + n - i) % n]) backward = false;
    }
    if (forward || backward) return true;
  }
  return false;
}

bool SamePolygon(const Rings& a, const Rings& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!SameRing(a[i], b[i])) return false;
  }
  return true;
}

// Nearest point of segment ab to p, found in an equirectangular projection centred on p
// (x scaled by cos(lat)), which is close to exact for the short distances `near` is used
// with and within a few per cent for a few hundred kilometres.
Position NearestOnSegment(Position p, Position a, Position b) {
  constexpr double kPi = 3.14159265358979323846;
  double scale = std::cos(p.lat * kPi / 180.0);
  double ax = (a.lon - p.lon) * scale;
  double ay = a.lat - p.lat;
  double bx = (b.lon - p.lon) * scale;
  double by = b.lat - p.lat;
  double dx = bx - ax;
  double dy = by - ay;
  double len2 = dx * dx + dy * dy;
  if (len2 <= 0) return a;
  double t = std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0);
  return Position{a.lon + t * (b.lon - a.lon), a.lat + t * (b.lat - a.lat)};
}

double DistanceToLine(Position p, const Line& line) {
  double best = DistanceMetres(p, line.front());
  for (std::size_t i = 1; i < line.size(); ++i) {
    best = std::min(best, DistanceMetres(p, NearestOnSegment(p, line[i - 1], line[i])));
  }
  return best;
}

}  // namespace

bool Intersects(const Geometry& a, const Geometry& b) {
  Components ca = Decompose(a);
  Components cb = Decompose(b);
  // Points of either side against everything of the other.
  for (Position p : ca.points) {
    if (PointCovered(p, cb)) return true;
  }
  for (Position p : cb.points) {
    if (PointCovered(p, ca)) return true;
  }
  for (const Line* la : ca.lines) {
    for (const Line* lb : cb.lines) {
      if (LineIntersectsLine(*la, *lb)) return true;
    }
    for (const Rings* pb : cb.polygons) {
      if (LineIntersectsPolygon(*la, *pb)) return true;
    }
  }
  for (const Rings* pa : ca.polygons) {
    for (const Line* lb : cb.lines) {
      if (LineIntersectsPolygon(*lb, *pa)) return true;
    }
    for (const Rings* pb : cb.polygons) {
      if (PolygonIntersectsPolygon(*pa, *pb)) return true;
    }
  }
  return false;
}

bool Covers(const Geometry& container, const Geometry& contained) {
  Components outer = Decompose(container);
  Components inner = Decompose(contained);
  for (Position p : inner.points) {
    if (!PointCovered(p, outer)) return false;
  }
  for (const Line* line : inner.lines) {
    if (line->size() == 1 && !PointCovered(line->front(), outer)) return false;
    if (AnySegment(*line,
                   [&outer](Position p, Position q) { return !SegmentCovered(p, q, outer); })) {
      return false;
    }
  }
  for (const Rings* rings : inner.polygons) {
    if (!PolygonCovered(*rings, outer)) return false;
  }
  return true;
}

bool SameShape(const Geometry& a, const Geometry& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Geometry::Kind::kPolygon:
      return SamePolygon(a.parts, b.parts);
    case Geometry::Kind::kMultiPolygon:
      if (a.polygons.size() != b.polygons.size()) return false;
      for (std::size_t i = 0; i < a.polygons.size(); ++i) {
        if (!SamePolygon(a.polygons[i], b.polygons[i])) return false;
      }
      return true;
    default:
      return a.parts == b.parts;
  }
}

double MinDistanceMetres(Position from, const Geometry& g) {
  Components c = Decompose(g);
  if (PointInAnyPolygon(from, c.polygons)) return 0;
  double best = HUGE_VAL;
  for (Position p : c.points) best = std::min(best, DistanceMetres(from, p));
  for (const Line* line : c.lines) best = std::min(best, DistanceToLine(from, *line));
  for (const Rings* rings : c.polygons) {
    for (const Line& ring : *rings) best = std::min(best, DistanceToLine(from, ring));
  }
  return best;
}

}  // namespace renkei::core::geo
