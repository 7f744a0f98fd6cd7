#include "core/geo/planar_predicates.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace renkei::core::geo {
namespace {

Geometry Json(std::string_view text) {
  auto g = ParseGeoJson(boost::json::parse(text));
  EXPECT_TRUE(g) << text << ": " << (g ? "" : g.error().detail);
  return g ? *g : Geometry{};
}

Geometry Pt(double lon, double lat) {
  Geometry g;
  g.parts = {{{lon, lat}}};
  return g;
}

Geometry Segment(Position a, Position b) {
  Geometry g;
  g.kind = Geometry::Kind::kLineString;
  g.parts = {{a, b}};
  return g;
}

// 10x10 square with a 4..6 hole.
const char* const kDonut = R"({"type":"Polygon","coordinates":[
    [[0,0],[10,0],[10,10],[0,10],[0,0]], [[4,4],[6,4],[6,6],[4,6],[4,4]]]})";
// A "U": the notch 4..6 x 5..10 is missing from the 10x10 square.
const char* const kU = R"({"type":"Polygon","coordinates":[
    [[0,0],[10,0],[10,10],[6,10],[6,5],[4,5],[4,10],[0,10],[0,0]]]})";

TEST(Intersects, PointAgainstPolygonWithHole) {
  Geometry donut = Json(kDonut);
  EXPECT_TRUE(Intersects(Pt(2, 2), donut));
  EXPECT_TRUE(Intersects(Pt(0, 5), donut));  // shell edge
  EXPECT_TRUE(Intersects(Pt(0, 0), donut));  // shell vertex
  EXPECT_TRUE(Intersects(Pt(6, 5), donut));  // hole edge
  EXPECT_FALSE(Intersects(Pt(5, 5), donut));
  EXPECT_FALSE(Intersects(Pt(10.000001, 5), donut));
  EXPECT_TRUE(Intersects(donut, Pt(2, 2)));  // symmetric
}

TEST(Intersects, LinesAndPolygons) {
  Geometry donut = Json(kDonut);
  EXPECT_TRUE(Intersects(Segment({-1, 5}, {11, 5}), donut));       // crosses the whole
  EXPECT_TRUE(Intersects(Segment({-1, -1}, {0, 0}), donut));       // touches a corner
  EXPECT_FALSE(Intersects(Segment({4.5, 4.5}, {5.5, 5}), donut));  // inside the hole
  EXPECT_TRUE(Intersects(Segment({1, 1}, {2, 2}), donut));         // wholly inside
  EXPECT_FALSE(Intersects(Segment({11, 0}, {11, 10}), donut));
  EXPECT_TRUE(Intersects(Segment({0, 0}, {0, 10}), Segment({0, 5}, {0, 20})));  // collinear
  EXPECT_FALSE(Intersects(Segment({0, 0}, {0, 4}), Segment({0, 5}, {0, 20})));
  EXPECT_TRUE(Intersects(Segment({0, 0}, {2, 2}), Segment({0, 2}, {2, 0})));
  EXPECT_FALSE(Intersects(Segment({0, 0}, {2, 2}), Segment({3, 2}, {5, 0})));
}

TEST(Intersects, PolygonsAndMultiGeometries) {
  Geometry donut = Json(kDonut);
  Geometry in_hole =
      Json(R"({"type":"Polygon","coordinates":[[[4.5,4.5],[5.5,4.5],[5,5.5],[4.5,4.5]]]})");
  Geometry around = Json(R"({"type":"Polygon","coordinates":[[[-1,-1],[11,-1],[11,11],[-1,-1]]]})");
  Geometry touching = Json(R"({"type":"Polygon","coordinates":[[[10,0],[12,0],[12,2],[10,0]]]})");
  EXPECT_FALSE(Intersects(donut, in_hole));
  EXPECT_FALSE(Intersects(in_hole, donut));
  EXPECT_TRUE(Intersects(donut, around));
  EXPECT_TRUE(Intersects(around, donut));
  EXPECT_TRUE(Intersects(donut, touching));

  Geometry multi_point = Json(R"({"type":"MultiPoint","coordinates":[[50,50],[5,5],[1,1]]})");
  EXPECT_TRUE(Intersects(multi_point, donut));
  Geometry multi_line = Json(R"({"type":"MultiLineString","coordinates":[
      [[20,20],[30,30]], [[-5,1],[-1,1]]]})");
  EXPECT_FALSE(Intersects(multi_line, donut));
  Geometry multi_polygon = Json(R"({"type":"MultiPolygon","coordinates":[
      [[[20,20],[21,20],[21,21],[20,20]]], [[[9,9],[12,9],[12,12],[9,9]]]]})");
  EXPECT_TRUE(Intersects(multi_polygon, donut));
  EXPECT_FALSE(Intersects(multi_polygon, in_hole));
}

TEST(Covers, BoundaryBelongsToTheContainer) {
  Geometry donut = Json(kDonut);
  EXPECT_TRUE(Covers(donut, Pt(0, 0)));
  EXPECT_TRUE(Covers(donut, Pt(4, 5)));
  EXPECT_FALSE(Covers(donut, Pt(5, 5)));
  EXPECT_TRUE(Covers(donut, Segment({0, 0}, {10, 0})));  // along the shell
  EXPECT_TRUE(Covers(donut, Segment({4, 4}, {6, 4})));   // along the hole
  EXPECT_FALSE(Covers(donut, Segment({3, 5}, {7, 5})));  // through the hole
  EXPECT_FALSE(Covers(donut, Segment({9, 9}, {11, 11})));
  EXPECT_TRUE(Covers(donut, donut));
}

TEST(Covers, SegmentLeavingAConcavePolygonBetweenVertices) {
  Geometry u = Json(kU);
  // Both end points are inside the U but the segment crosses the notch.
  EXPECT_FALSE(Covers(u, Segment({2, 8}, {8, 8})));
  // Through the notch's bottom corners, along its floor: still inside.
  EXPECT_TRUE(Covers(u, Segment({2, 5}, {8, 5})));
  EXPECT_TRUE(Covers(u, Segment({2, 2}, {8, 2})));
  Geometry bridge = Json(R"({"type":"Polygon","coordinates":[[[2,6],[8,6],[8,7],[2,7],[2,6]]]})");
  EXPECT_FALSE(Covers(u, bridge));
  EXPECT_TRUE(Intersects(u, bridge));
}

TEST(Covers, ContainerHoleInsideContainedPolygon) {
  Geometry donut = Json(kDonut);
  // Its edges stay in the solid part but the hole lies inside it.
  Geometry ring_around_hole =
      Json(R"({"type":"Polygon","coordinates":[[[3,3],[7,3],[7,7],[3,7],[3,3]]]})");
  EXPECT_FALSE(Covers(donut, ring_around_hole));
  // With the same hole cut out it is covered.
  Geometry with_hole = Json(R"({"type":"Polygon","coordinates":[
      [[3,3],[7,3],[7,7],[3,7],[3,3]], [[4,4],[6,4],[6,6],[4,6],[4,4]]]})");
  EXPECT_TRUE(Covers(donut, with_hole));
}

TEST(Covers, LinesCoverCollinearPieces) {
  Geometry l_shape = Json(R"({"type":"MultiLineString","coordinates":[
      [[0,0],[5,0]], [[5,0],[10,0],[10,5]]]})");
  EXPECT_TRUE(Covers(l_shape, Segment({2, 0}, {8, 0})));  // spans both lines
  EXPECT_TRUE(Covers(l_shape, Pt(10, 3)));
  EXPECT_FALSE(Covers(l_shape, Segment({2, 0}, {11, 0})));
  EXPECT_FALSE(Covers(l_shape, Segment({8, 0}, {10, 5})));  // the corner is cut
  Geometry gapped = Json(R"({"type":"MultiLineString","coordinates":[
      [[0,0],[4,0]], [[5,0],[10,0]]]})");
  EXPECT_FALSE(Covers(gapped, Segment({2, 0}, {8, 0})));
  EXPECT_FALSE(Covers(gapped, Json(kDonut)));  // lines never cover an area
  EXPECT_FALSE(Covers(Pt(1, 1), Segment({1, 1}, {2, 2})));
  EXPECT_TRUE(Covers(Json(R"({"type":"MultiPoint","coordinates":[[1,1],[2,2]]})"), Pt(2, 2)));
}

TEST(Covers, MultiPolygonContainerAndContained) {
  Geometry halves = Json(R"({"type":"MultiPolygon","coordinates":[
      [[[0,0],[5,0],[5,10],[0,10],[0,0]]], [[[5,0],[10,0],[10,10],[5,10],[5,0]]]]})");
  // A segment across the shared edge is covered by the union.
  EXPECT_TRUE(Covers(halves, Segment({1, 1}, {9, 9})));
  Geometry two_small = Json(R"({"type":"MultiPolygon","coordinates":[
      [[[1,1],[2,1],[2,2],[1,1]]], [[[8,8],[9,8],[9,9],[8,8]]]]})");
  EXPECT_TRUE(Covers(halves, two_small));
  EXPECT_TRUE(Covers(Json(kDonut), two_small));
  EXPECT_FALSE(Covers(two_small, halves));
}

TEST(SameShape, PolygonRingsCompareAsCycles) {
  Geometry a = Json(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]})");
  Geometry rotated = Json(R"({"type":"Polygon","coordinates":[[[1,1],[0,1],[0,0],[1,0],[1,1]]]})");
  Geometry reversed = Json(R"({"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]})");
  Geometry other = Json(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,2],[0,1],[0,0]]]})");
  EXPECT_TRUE(SameShape(a, rotated));
  EXPECT_TRUE(SameShape(a, reversed));
  EXPECT_FALSE(SameShape(a, other));
  EXPECT_FALSE(SameShape(Pt(0, 0), Json(R"({"type":"MultiPoint","coordinates":[[0,0]]})")));
  EXPECT_TRUE(
      SameShape(Json(R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]})"),
                Json(R"({"type":"MultiPolygon","coordinates":[[[[1,0],[1,1],[0,0],[1,0]]]]})")));
}

TEST(MinDistanceMetres, PointsLinesPolygons) {
  EXPECT_NEAR(MinDistanceMetres({0, 0}, Pt(0, 1)), 111195, 1);
  EXPECT_NEAR(
      MinDistanceMetres({0, 0}, Json(R"({"type":"MultiPoint","coordinates":[[0,3],[2,0]]})")),
      2 * 111195, 2);
  // Nearest point of a segment in its interior; at 60°N one degree of longitude is
  // about half a degree of latitude.
  EXPECT_NEAR(MinDistanceMetres({0, 60}, Segment({1, 59}, {1, 61})), 55597, 100);
  EXPECT_NEAR(MinDistanceMetres({0, 0}, Segment({1, 1}, {1, 2})), DistanceMetres({0, 0}, {1, 1}),
              1);  // an end point is the nearest
  EXPECT_EQ(MinDistanceMetres({2, 2}, Json(kDonut)), 0);
  // Hole centre to its nearest edge, one degree of longitude at 5°N.
  EXPECT_NEAR(MinDistanceMetres({5, 5}, Json(kDonut)), 110772, 50);
}

}  // namespace
}  // namespace renkei::core::geo
