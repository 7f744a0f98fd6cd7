#include "core/geo/geo_query.hpp"

#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

namespace renkei::core::geo {
namespace {

GeoQuery Query(std::string_view georel, std::string_view geometry, std::string_view coords) {
  auto q = ParseV2GeoQuery(georel, geometry, coords);
  EXPECT_TRUE(q) << georel << " " << geometry << " " << coords << ": "
                 << (q ? "" : q.error().detail);
  return q ? *q : GeoQuery{};
}

std::string QueryError(std::string_view georel, std::string_view geometry,
                       std::string_view coords) {
  auto q = ParseV2GeoQuery(georel, geometry, coords);
  if (q) return "<no error>";
  EXPECT_EQ(q.error().code, base::ErrorCode::kBadRequestData);
  EXPECT_EQ(q.error().title, "BadRequest");
  return q.error().detail;
}

Geometry V2Point(std::string_view lat_lon) {
  auto g = ParseV2GeoAttribute("geo:point", boost::json::value(lat_lon));
  EXPECT_TRUE(g) << lat_lon;
  return g ? *g : Geometry{};
}

Geometry Json(std::string_view text) {
  auto g = ParseGeoJson(boost::json::parse(text));
  EXPECT_TRUE(g) << text << ": " << (g ? "" : g.error().detail);
  return g ? *g : Geometry{};
}

TEST(ParseV2GeoQuery, ReadsEachGeometry) {
  GeoQuery near = Query("near;maxDistance:1000;minDistance:10", "point", "-40.4,-3.5");
  EXPECT_EQ(near.relation, Relation::kNear);
  EXPECT_EQ(near.reference.kind, Geometry::Kind::kPoint);
  EXPECT_EQ(near.reference.Anchor(), (Position{-3.5, -40.4}));
  EXPECT_EQ(near.max_distance, 1000);
  EXPECT_EQ(near.min_distance, 10);

  GeoQuery min_only = Query("minDistance:5000;near", "point", "-40.4,-3.5");
  EXPECT_FALSE(min_only.max_distance);
  EXPECT_EQ(min_only.min_distance, 5000);

  GeoQuery polygon =
      Query("coveredBy", "polygon", "25.774,-80.190;18.466,-66.118;32.321,-64.757;25.774,-80.190");
  EXPECT_EQ(polygon.relation, Relation::kCoveredBy);
  EXPECT_EQ(polygon.reference.kind, Geometry::Kind::kPolygon);
  EXPECT_EQ(polygon.reference.parts.at(0).front(), (Position{-80.190, 25.774}));

  GeoQuery line = Query("intersects", "line", "5,5;9,5");
  EXPECT_EQ(line.reference.kind, Geometry::Kind::kLineString);
  EXPECT_EQ(line.reference.parts.at(0), (std::vector<Position>{{5, 5}, {5, 9}}));

  GeoQuery box = Query("disjoint", "box", "-5,11;6,0");
  EXPECT_EQ(box.relation, Relation::kDisjoint);
  EXPECT_EQ(box.reference.kind, Geometry::Kind::kPolygon);
  BoundingBox env = box.reference.Envelope();
  EXPECT_EQ(env.min_lat, -5);
  EXPECT_EQ(env.max_lat, 6);
  EXPECT_EQ(env.min_lon, 0);
  EXPECT_EQ(env.max_lon, 11);

  EXPECT_EQ(Query("equals", "point", " 1 , 2 ").relation, Relation::kEquals);
  EXPECT_EQ(Query("coveredBy", "box", ";1,2;3,4").relation, Relation::kCoveredBy);
}

// Orion functional tests 1677_geo_location_for_api_v2/geo_location_for_api_v2_error_cases
// and 1177_geometry_and_coords/geometry_and_coords_errors, minus the "Invalid query: "
// prefix the API layer adds.
TEST(ParseV2GeoQuery, ParameterPresenceErrors) {
  EXPECT_EQ(QueryError("", "polygon", ""), "URI param /geometry/ used without /coords/");
  EXPECT_EQ(QueryError("", "", "1,2;3,4"), "URI param /coords/ used without /geometry/");
  EXPECT_EQ(QueryError("intersects", "", ""), "URI param /georel/ used without /geometry/");
  EXPECT_EQ(QueryError("intersects", "", "1,2"), "URI param /coords/ used without /geometry/");
  EXPECT_NE(QueryError("", "", ""), "<no error>");
  // renkei, unlike Orion, refuses to drop the filter silently.
  EXPECT_EQ(QueryError("", "point", "1,2"), "URI param /geometry/ used without /georel/");
}

TEST(ParseV2GeoQuery, GeometryErrors) {
  EXPECT_EQ(QueryError("", "triangle", "1,2"),
            "error parsing geometry: Invalid selector in geometry specification");
  EXPECT_EQ(QueryError("intersect", "noCirle", "-1,2"),
            "error parsing geometry: Invalid selector in geometry specification");
  EXPECT_EQ(QueryError("near;maxDistance:100000", "xxx", "40.418889,-3.691944"),
            "error parsing geometry: Invalid selector in geometry specification");
  EXPECT_EQ(QueryError("intersects", "point;point", "1,2"),
            "error parsing geometry: geometry-type present more than once");
  EXPECT_EQ(QueryError("intersects", ";", "1,2"), "error parsing geometry: empty geometry");
}

TEST(ParseV2GeoQuery, GeorelErrors) {
  EXPECT_EQ(QueryError("near", "point", "1.0,2.0"),
            "georel /near/ without either minDistance nor maxDistance");
  EXPECT_EQ(QueryError("intersect", "point", "1,2"), "Invalid modifier in georel parameter");
  EXPECT_EQ(QueryError("near;maxDistance:1;", "point", "1,2"),
            "Invalid modifier in georel parameter");
  EXPECT_EQ(QueryError("near;near;maxDistance:1", "point", "1,2"),
            "georel type present more than once");
  EXPECT_EQ(QueryError("near;maxDistance:1;maxDistance:2", "point", "1,2"),
            "maxDistance present more than once");
  EXPECT_EQ(QueryError("near;minDistance:1;minDistance:2", "point", "1,2"),
            "minDistance present more than once");
  EXPECT_EQ(QueryError("near;maxDistance:abc", "point", "1,2"), "invalid number for maxDistance");
  EXPECT_EQ(QueryError("near;maxDistance:", "point", "1,2"), "invalid number for maxDistance");
  EXPECT_EQ(QueryError("near;minDistance:-5", "point", "1,2"), "invalid number for minDistance");
  EXPECT_EQ(QueryError("coveredBy;maxDistance:5", "box", "1,2;3,4"),
            "maxDistance erroneously used with georel /coveredBy/");
  EXPECT_EQ(QueryError("intersects;minDistance:5", "box", "1,2;3,4"),
            "minDistance erroneously used with georel /intersects/");
  EXPECT_EQ(QueryError(";;", "point", "1,2"), "empty georel");
}

TEST(ParseV2GeoQuery, CombinationErrors) {
  EXPECT_EQ(QueryError("near;maxDistance:12", "box", "1,2;3,4"),
            "georel /near/ used with geometry different than point");
  EXPECT_EQ(QueryError("near;maxDistance:12", "polygon", "1,2;3,4;3,0;1,0;1,2"),
            "georel /near/ used with geometry different than point");
  EXPECT_EQ(QueryError("near;maxDistance:12", "line", "1,2;3,4"),
            "georel /near/ used with geometry different than point");
  EXPECT_EQ(QueryError("coveredBy", "point", "5,5"),
            "point geometry cannot be used with coveredBy georel");
  EXPECT_EQ(QueryError("coveredBy", "line", "5,5;9,5"),
            "line geometry cannot be used with coveredBy georel");
}

TEST(ParseV2GeoQuery, CoordsErrors) {
  EXPECT_EQ(QueryError("", "point", "1,2,3"), "invalid point in URI param /coords/");
  EXPECT_EQ(QueryError("near;maxDistance:100", "point", "36.532787, -6.297897, -23.242"),
            "invalid point in URI param /coords/");
  EXPECT_EQ(QueryError("", "point", "1;3,4"), "invalid point in URI param /coords/");
  EXPECT_EQ(QueryError("", "point", "1,2;3,4"), "invalid number of coordinates for /point/");
  EXPECT_EQ(QueryError("near;maxDistance:10", "point", "1,2;2,2"),
            "invalid number of coordinates for /point/");
  EXPECT_EQ(QueryError("", "line", "1,2;3,4;5.6"), "invalid point in URI param /coords/");
  EXPECT_EQ(QueryError("", "line", "1,2"), "invalid number of coordinates for /line/");
  EXPECT_EQ(QueryError("", "box", "1,2;3,4;5.6"), "invalid point in URI param /coords/");
  EXPECT_EQ(QueryError("", "box", "1,2"), "invalid number of coordinates for /box/");
  EXPECT_EQ(QueryError("", "box", "1,2;3,4;5,6"), "invalid number of coordinates for /box/");
  EXPECT_EQ(QueryError("", "polygon", "1,2;3,4"), "Too few coordinates for polygon");
  EXPECT_EQ(QueryError("intersects", "polygon", "1,2;2,2"), "Too few coordinates for polygon");
  EXPECT_EQ(QueryError("intersects", "polygon", "1,2;2,2;2,1;1,3"),
            "First and last point in polygon not the same");
  EXPECT_EQ(QueryError("coveredBy", "box", "1,2;3,2"),
            "box coordinates are not defining an actual box");
  EXPECT_EQ(QueryError("coveredBy", "box", "1,2;1,8"),
            "box coordinates are not defining an actual box");
  EXPECT_EQ(QueryError("coveredBy", "box", "1,2;1,2"),
            "box coordinates are not defining an actual box");
  EXPECT_EQ(QueryError("intersects", "point", "a,2"), "invalid coordinates");
  EXPECT_EQ(QueryError("intersects", "point", "1,"), "invalid coordinates");
  EXPECT_EQ(QueryError("intersects", "point", "91,0"), "invalid coordinates");
  EXPECT_EQ(QueryError("intersects", "point", "0,-180.5"), "invalid coordinates");
  EXPECT_EQ(QueryError("intersects", "point", ";"), "erroneous coordinates for geometry");
}

// The scenario of Orion's 1677 geoquery_points test: five geo:point entities queried with
// every georel and geometry.
class PointsScenario : public ::testing::Test {
 protected:
  std::string MatchingIds(std::string_view georel, std::string_view geometry,
                          std::string_view coords) {
    GeoQuery q = Query(georel, geometry, coords);
    std::string ids;
    for (const auto& [id, location] : entities_) {
      if (q.Matches(location)) ids += id;
    }
    return ids;
  }

  std::vector<std::pair<std::string, Geometry>> entities_{
      {"A", V2Point("5, 5")},   {"B", V2Point("9, 5")},   {"C", V2Point("15, 5")},
      {"D", V2Point("15, 15")}, {"E", V2Point("-4, 10")},
  };
};

TEST_F(PointsScenario, CoveredBy) {
  EXPECT_EQ(MatchingIds("coveredBy", "box", "-5,0;6,11"), "AE");
  EXPECT_EQ(MatchingIds("coveredBy", "box", "-5,11;6,0"), "AE");
  EXPECT_EQ(MatchingIds("coveredBy", "polygon", "0,0;24,0;0,20;0,0"), "ABC");
}

TEST_F(PointsScenario, Intersects) {
  EXPECT_EQ(MatchingIds("intersects", "point", "5,5"), "A");
  EXPECT_EQ(MatchingIds("intersects", "line", "5,5;9,5"), "AB");
  EXPECT_EQ(MatchingIds("intersects", "box", "-5,0;6,11"), "AE");
  EXPECT_EQ(MatchingIds("intersects", "polygon", "0,0;24,0;0,20;0,0"), "ABC");
}

TEST_F(PointsScenario, Disjoint) {
  EXPECT_EQ(MatchingIds("disjoint", "point", "5,5"), "BCDE");
  EXPECT_EQ(MatchingIds("disjoint", "line", "5,5;9,5"), "CDE");
  EXPECT_EQ(MatchingIds("disjoint", "box", "-5,11;6,0"), "BCD");
  EXPECT_EQ(MatchingIds("disjoint", "polygon", "0,0;24,0;0,20;0,0"), "DE");
}

TEST_F(PointsScenario, Equals) {
  EXPECT_EQ(MatchingIds("equals", "point", "15,15"), "D");
  EXPECT_EQ(MatchingIds("equals", "line", "5,5;9,5"), "");
  EXPECT_EQ(MatchingIds("equals", "box", "-5,0;6,11"), "");
  EXPECT_EQ(MatchingIds("equals", "polygon", "0,0;24,0;0,20;0,0"), "");
}

// Orion 1038 geoquery_box_geobox: a geo:box location against three query boxes.
TEST(GeoQueryMatches, BoxLocationAgainstBoxes) {
  auto location = ParseV2GeoAttribute("geo:box", boost::json::parse(R"(["4, 3", "6, 6"])"));
  ASSERT_TRUE(location);
  auto matches = [&](std::string_view georel, std::string_view coords) {
    return Query(georel, "box", coords).Matches(*location);
  };
  EXPECT_TRUE(matches("coveredBy", "3,2;10,8"));
  EXPECT_TRUE(matches("intersects", "3,2;10,8"));
  EXPECT_FALSE(matches("disjoint", "3,2;10,8"));
  EXPECT_FALSE(matches("coveredBy", "5,4;8,7"));
  EXPECT_TRUE(matches("intersects", "5,4;8,7"));
  EXPECT_FALSE(matches("disjoint", "5,4;8,7"));
  EXPECT_FALSE(matches("coveredBy", "11,4;14,7"));
  EXPECT_FALSE(matches("intersects", "11,4;14,7"));
  EXPECT_TRUE(matches("disjoint", "11,4;14,7"));
  // The same box, given by other corners, is equal; the border counts as covered.
  EXPECT_TRUE(matches("equals", "6,3;4,6"));
  EXPECT_TRUE(matches("coveredBy", "4,3;6,6"));
  EXPECT_FALSE(matches("equals", "4,3;6,7"));
}

TEST(GeoQueryMatches, LineLocation) {
  auto line = ParseV2GeoAttribute("geo:line", boost::json::parse(R"(["1, 1", "1, 4"])"));
  ASSERT_TRUE(line);
  EXPECT_TRUE(Query("coveredBy", "box", "0,0;2,5").Matches(*line));
  EXPECT_TRUE(Query("coveredBy", "box", "1,1;2,4").Matches(*line));  // lying on the border
  EXPECT_FALSE(Query("coveredBy", "box", "0,0;2,3").Matches(*line));
  EXPECT_TRUE(Query("intersects", "box", "0,0;2,3").Matches(*line));
  EXPECT_TRUE(Query("intersects", "line", "0,2;3,2").Matches(*line));   // crossing
  EXPECT_TRUE(Query("intersects", "line", "1,4;3,4").Matches(*line));   // touching the end
  EXPECT_FALSE(Query("intersects", "line", "2,1;2,4").Matches(*line));  // parallel
  EXPECT_TRUE(Query("disjoint", "line", "2,1;2,4").Matches(*line));
  EXPECT_TRUE(Query("intersects", "point", "1,2.5").Matches(*line));
  EXPECT_TRUE(Query("equals", "line", "1,1;1,4").Matches(*line));
  EXPECT_FALSE(Query("equals", "line", "1,4;1,1").Matches(*line));  // order matters for lines
}

TEST(GeoQueryMatches, PolygonWithHoleLocation) {
  // A 10x10 square (lon/lat 0..10) with a hole 4..6.
  Geometry donut = Json(R"({"type":"Polygon","coordinates":[
      [[0,0],[10,0],[10,10],[0,10],[0,0]], [[4,4],[6,4],[6,6],[4,6],[4,4]]]})");
  EXPECT_TRUE(Query("intersects", "point", "1,1").Matches(donut));
  EXPECT_FALSE(Query("intersects", "point", "5,5").Matches(donut));   // in the hole
  EXPECT_TRUE(Query("intersects", "point", "4,5").Matches(donut));    // on the hole border
  EXPECT_TRUE(Query("intersects", "point", "10,10").Matches(donut));  // shell corner
  EXPECT_TRUE(Query("disjoint", "point", "5,5").Matches(donut));
  EXPECT_FALSE(Query("intersects", "box", "4.5,4.5;5.5,5.5").Matches(donut));  // inside hole
  EXPECT_TRUE(Query("intersects", "box", "4.5,4.5;6.5,5.5").Matches(donut));
  EXPECT_TRUE(Query("coveredBy", "box", "0,0;10,10").Matches(donut));
  EXPECT_TRUE(Query("coveredBy", "box", "-1,-1;11,11").Matches(donut));
  EXPECT_FALSE(Query("coveredBy", "box", "0,0;9,10").Matches(donut));
  EXPECT_TRUE(
      Query("equals", "polygon", "0,0;0,10;10,10;10,0;0,0")
          .Matches(
              Json(R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]})")));
  EXPECT_FALSE(Query("equals", "box", "0,0;10,10").Matches(donut));  // the hole differs
}

TEST(GeoQueryMatches, NgsiLdRelations) {
  Geometry big = Json(R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]})");
  Geometry small = Json(R"({"type":"Polygon","coordinates":[[[2,2],[3,2],[3,3],[2,3],[2,2]]]})");
  Geometry half_out =
      Json(R"({"type":"Polygon","coordinates":[[[8,8],[12,8],[12,12],[8,12],[8,8]]]})");
  Geometry far = Json(R"({"type":"Point","coordinates":[50,50]})");

  GeoQuery within{Relation::kWithin, big, {}, {}};
  EXPECT_TRUE(within.Matches(small));
  EXPECT_FALSE(within.Matches(half_out));

  GeoQuery contains{Relation::kContains, small, {}, {}};
  EXPECT_TRUE(contains.Matches(big));
  EXPECT_FALSE(contains.Matches(half_out));
  GeoQuery contains_point{
      Relation::kContains, Json(R"({"type":"Point","coordinates":[9,9]})"), {}, {}};
  EXPECT_TRUE(contains_point.Matches(big));
  EXPECT_TRUE(contains_point.Matches(half_out));
  EXPECT_FALSE(contains_point.Matches(small));

  GeoQuery overlaps{Relation::kOverlaps, big, {}, {}};
  EXPECT_TRUE(overlaps.Matches(half_out));
  EXPECT_FALSE(overlaps.Matches(small));  // covered, not overlapping
  EXPECT_FALSE(overlaps.Matches(big));
  EXPECT_FALSE(overlaps.Matches(far));
}

TEST(GeoQueryMatches, NearWithKnownDistances) {
  Geometry shirahama = V2Point("33.6779, 135.3482");
  // Tokyo Station to Shirahama is about 461 km.
  EXPECT_TRUE(Query("near;maxDistance:462000", "point", "35.681236,139.767125").Matches(shirahama));
  EXPECT_FALSE(
      Query("near;maxDistance:460000", "point", "35.681236,139.767125").Matches(shirahama));
  EXPECT_TRUE(Query("near;minDistance:460000", "point", "35.681236,139.767125").Matches(shirahama));
  EXPECT_FALSE(
      Query("near;minDistance:462000", "point", "35.681236,139.767125").Matches(shirahama));
  EXPECT_TRUE(Query("near;minDistance:400000;maxDistance:500000", "point", "35.681236,139.767125")
                  .Matches(shirahama));
  EXPECT_FALSE(Query("near;minDistance:100;maxDistance:400000", "point", "35.681236,139.767125")
                   .Matches(shirahama));
  // Bounds are inclusive: the same point is at distance 0.
  EXPECT_TRUE(Query("near;minDistance:0", "point", "33.6779,135.3482").Matches(shirahama));
  EXPECT_TRUE(Query("near;maxDistance:0", "point", "33.6779,135.3482").Matches(shirahama));
}

TEST(GeoQueryMatches, NearMeasuresToTheNearestPointOfLinesAndPolygons) {
  // A meridian segment one degree east of the reference: nearest point is due east,
  // about 111.2 km away at the equator, although both end points are farther.
  Geometry line = Json(R"({"type":"LineString","coordinates":[[1,-1],[1,1]]})");
  EXPECT_TRUE(Query("near;maxDistance:111300", "point", "0,0").Matches(line));
  EXPECT_FALSE(Query("near;maxDistance:111100", "point", "0,0").Matches(line));
  Geometry square =
      Json(R"({"type":"Polygon","coordinates":[[[1,-1],[3,-1],[3,1],[1,1],[1,-1]]]})");
  EXPECT_TRUE(Query("near;maxDistance:111300", "point", "0,0").Matches(square));
  EXPECT_FALSE(Query("near;maxDistance:111100", "point", "0,0").Matches(square));
  // Inside the polygon the distance is 0.
  EXPECT_TRUE(Query("near;maxDistance:1", "point", "0,2").Matches(square));
  EXPECT_FALSE(Query("near;minDistance:1", "point", "0,2").Matches(square));
}

TEST(GeoQuerySearchBox, NearExpandsByDistanceScaledByLatitude) {
  // 111.195 km is one degree of latitude everywhere, two degrees of longitude at 60°.
  BoundingBox box = Query("near;maxDistance:111195.08", "point", "60,10").SearchBox();
  EXPECT_NEAR(box.min_lat, 59, 1e-6);
  EXPECT_NEAR(box.max_lat, 61, 1e-6);
  EXPECT_GT(box.max_lon - 10, 2.0);  // a cap is wider than 2° at its widest latitude
  EXPECT_LT(box.max_lon - 10, 2.1);
  EXPECT_NEAR(box.min_lon, 10 - (box.max_lon - 10), 1e-9);

  BoundingBox equator = Query("near;maxDistance:111195.08", "point", "0,0").SearchBox();
  EXPECT_NEAR(equator.max_lon, 1, 1e-6);
  EXPECT_NEAR(equator.min_lat, -1, 1e-6);

  // Every location that matches lies inside the box.
  GeoQuery q = Query("near;maxDistance:461400", "point", "35.681236,139.767125");
  BoundingBox tokyo = q.SearchBox();
  Position shirahama{135.3482, 33.6779};
  EXPECT_TRUE(q.Matches(V2Point("33.6779, 135.3482")));
  EXPECT_TRUE(shirahama.lon >= tokyo.min_lon && shirahama.lon <= tokyo.max_lon &&
              shirahama.lat >= tokyo.min_lat && shirahama.lat <= tokyo.max_lat);
}

TEST(GeoQuerySearchBox, WholeWorldWhenUnbounded) {
  auto is_world = [](BoundingBox b) {
    return b.min_lon == -180 && b.max_lon == 180 && b.min_lat == -90 && b.max_lat == 90;
  };
  EXPECT_TRUE(is_world(Query("disjoint", "box", "1,1;2,2").SearchBox()));
  EXPECT_TRUE(is_world(Query("near;minDistance:10", "point", "1,1").SearchBox()));
  // Reaching a pole spans every longitude; crossing the antimeridian too.
  BoundingBox polar = Query("near;maxDistance:300000", "point", "88,0").SearchBox();
  EXPECT_EQ(polar.min_lon, -180);
  EXPECT_EQ(polar.max_lon, 180);
  EXPECT_EQ(polar.max_lat, 90);
  BoundingBox dateline = Query("near;maxDistance:100000", "point", "0,179.9").SearchBox();
  EXPECT_EQ(dateline.min_lon, -180);
  EXPECT_EQ(dateline.max_lon, 180);
}

TEST(GeoQuerySearchBox, OtherRelationsUseTheReferenceEnvelope) {
  BoundingBox box = Query("intersects", "polygon", "0,0;24,0;0,20;0,0").SearchBox();
  EXPECT_EQ(box.min_lon, 0);
  EXPECT_EQ(box.max_lon, 20);
  EXPECT_EQ(box.min_lat, 0);
  EXPECT_EQ(box.max_lat, 24);
  BoundingBox point = Query("equals", "point", "3,4").SearchBox();
  EXPECT_EQ(point.min_lon, 4);
  EXPECT_EQ(point.max_lon, 4);
}

}  // namespace
}  // namespace renkei::core::geo
