#include "core/geo/geometry.hpp"

#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

namespace renkei::core::geo {
namespace {

namespace json = boost::json;

base::Result<Geometry> GeoJson(std::string_view text) { return ParseGeoJson(json::parse(text)); }

base::Result<Geometry> V2(std::string_view type, std::string_view value_json) {
  return ParseV2GeoAttribute(type, json::parse(value_json));
}

std::string V2Error(std::string_view type, std::string_view value_json) {
  auto g = V2(type, value_json);
  if (g) return "<no error>";
  EXPECT_EQ(g.error().code, base::ErrorCode::kBadRequestData);
  EXPECT_EQ(g.error().title, "BadRequest");
  return g.error().detail;
}

TEST(ParseGeoJson, ReadsEverySupportedType) {
  auto point = GeoJson(R"({"type":"Point","coordinates":[-3.68666,40.48108]})");
  ASSERT_TRUE(point);
  EXPECT_EQ(point->kind, Geometry::Kind::kPoint);
  EXPECT_EQ(point->parts, (std::vector<std::vector<Position>>{{{-3.68666, 40.48108}}}));

  auto multi_point = GeoJson(R"({"type":"MultiPoint","coordinates":[[1,2],[3,4]]})");
  ASSERT_TRUE(multi_point);
  EXPECT_EQ(multi_point->kind, Geometry::Kind::kMultiPoint);
  EXPECT_EQ(multi_point->parts, (std::vector<std::vector<Position>>{{{1, 2}, {3, 4}}}));

  auto line = GeoJson(R"({"type":"LineString","coordinates":[[1,2],[3,4],[5,6]]})");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->kind, Geometry::Kind::kLineString);
  EXPECT_EQ(line->parts.at(0).size(), 3u);

  auto multi_line =
      GeoJson(R"({"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]})");
  ASSERT_TRUE(multi_line);
  EXPECT_EQ(multi_line->kind, Geometry::Kind::kMultiLineString);
  EXPECT_EQ(multi_line->parts.size(), 2u);

  auto polygon = GeoJson(R"({"type":"Polygon","coordinates":[
      [[0,0],[10,0],[10,10],[0,10],[0,0]], [[2,2],[4,2],[4,4],[2,2]]]})");
  ASSERT_TRUE(polygon);
  EXPECT_EQ(polygon->kind, Geometry::Kind::kPolygon);
  EXPECT_EQ(polygon->parts.size(), 2u);  // shell and one hole

  auto multi_polygon = GeoJson(R"({"type":"MultiPolygon","coordinates":[
      [[[0,0],[1,0],[1,1],[0,0]]], [[[5,5],[6,5],[6,6],[5,5]]]]})");
  ASSERT_TRUE(multi_polygon);
  EXPECT_EQ(multi_polygon->kind, Geometry::Kind::kMultiPolygon);
  EXPECT_EQ(multi_polygon->polygons.size(), 2u);
  EXPECT_TRUE(multi_polygon->parts.empty());
}

TEST(ParseGeoJson, AcceptsIntegersAltitudeAndBoundaryValues) {
  auto g = GeoJson(R"({"type":"Point","coordinates":[180,-90,1234.5]})");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->Anchor(), (Position{180, -90}));
  EXPECT_TRUE(GeoJson(R"({"type":"Point","coordinates":[-180,90]})"));
}

TEST(ParseGeoJson, RejectsUnsupportedTypesClearly) {
  auto collection = GeoJson(R"({"type":"GeometryCollection","geometries":[]})");
  ASSERT_FALSE(collection);
  EXPECT_EQ(collection.error().code, base::ErrorCode::kBadRequestData);
  EXPECT_NE(collection.error().detail.find("GeometryCollection"), std::string::npos);

  auto feature = GeoJson(R"({"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}})");
  ASSERT_FALSE(feature);
  EXPECT_NE(feature.error().detail.find("Feature"), std::string::npos);

  EXPECT_FALSE(GeoJson(R"({"type":"FeatureCollection","features":[]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"PointKK3","coordinates":[2,1]})"));
  EXPECT_FALSE(GeoJson(R"({"coordinates":[2,1]})"));
  EXPECT_FALSE(GeoJson(R"({"type":7,"coordinates":[2,1]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"Point"})"));
  EXPECT_FALSE(GeoJson(R"([1,2])"));
  EXPECT_FALSE(GeoJson(R"("Point")"));
}

TEST(ParseGeoJson, ValidatesCoordinates) {
  EXPECT_FALSE(GeoJson(R"({"type":"Point","coordinates":[[2,1]]})"));  // Orion test 3347
  EXPECT_FALSE(GeoJson(R"({"type":"Point","coordinates":[2]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"Point","coordinates":["2","1"]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"Point","coordinates":[2,null]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"Point","coordinates":[180.5,0]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"Point","coordinates":[0,-90.1]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"Point","coordinates":{}})"));
  EXPECT_FALSE(GeoJson(R"({"type":"MultiPoint","coordinates":[]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"LineString","coordinates":[[1,2]]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"MultiLineString","coordinates":[]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"MultiLineString","coordinates":[[[1,2]]]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"MultiPolygon","coordinates":[]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"MultiPolygon","coordinates":[[]]})"));
}

TEST(ParseGeoJson, RequiresClosedRingsOfFourPositions) {
  auto open = GeoJson(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})");
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().detail.find("closed"), std::string::npos);
  auto short_ring = GeoJson(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})");
  ASSERT_FALSE(short_ring);
  EXPECT_NE(short_ring.error().detail.find("4"), std::string::npos);
  EXPECT_FALSE(GeoJson(R"({"type":"Polygon","coordinates":[]})"));
  EXPECT_FALSE(GeoJson(R"({"type":"Polygon","coordinates":[
      [[0,0],[10,0],[10,10],[0,0]], [[2,2],[4,2],[4,4]]]})"));  // open hole
}

TEST(ParseV2GeoAttribute, GeoPointIsLatCommaLon) {
  auto g = V2("geo:point", R"("40.418889, -3.691944")");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->kind, Geometry::Kind::kPoint);
  EXPECT_EQ(g->Anchor(), (Position{-3.691944, 40.418889}));
  EXPECT_TRUE(V2("geo:point", R"("  -90 ,180  ")"));
}

TEST(ParseV2GeoAttribute, GeoPointErrorsUseOrionText) {
  EXPECT_EQ(V2Error("geo:point", R"("1")"),
            "error parsing location attribute: geo coordinates format error [see Orion user "
            "manual]: 1");
  EXPECT_EQ(V2Error("geo:point", R"("91, 0")"),
            "error parsing location attribute: geo coordinates format error [see Orion user "
            "manual]: 91, 0");
  EXPECT_EQ(V2Error("geo:point", R"("0, 181")"),
            "error parsing location attribute: geo coordinates format error [see Orion user "
            "manual]: 0, 181");
  EXPECT_EQ(V2Error("geo:point", R"("1, 2, 3")"),
            "error parsing location attribute: geo coordinates format error [see Orion user "
            "manual]: 1, 2, 3");
  EXPECT_EQ(V2Error("geo:point", R"("a, b")"),
            "error parsing location attribute: geo coordinates format error [see Orion user "
            "manual]: a, b");
  EXPECT_EQ(V2Error("geo:point", R"(", 3")"),
            "error parsing location attribute: geo coordinates format error [see Orion user "
            "manual]: , 3");
  EXPECT_EQ(V2Error("geo:point", "12"),
            "error parsing location attribute: geo coordinates format error [see Orion user "
            "manual]: 12");
}

TEST(ParseV2GeoAttribute, GeoLine) {
  auto g = V2("geo:line", R"(["0, 0", "0, 5", "3, 5"])");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->kind, Geometry::Kind::kLineString);
  EXPECT_EQ(g->parts.at(0), (std::vector<Position>{{0, 0}, {5, 0}, {5, 3}}));

  EXPECT_EQ(V2Error("geo:line", R"("0, 0")"),
            "error parsing location attribute: geo:line, geo:box and geo:polygon needs array of "
            "strings as value");
  EXPECT_EQ(V2Error("geo:line", R"(["0, 0"])"),
            "error parsing location attribute: geo:line uses at least 2 coordinates");
  EXPECT_EQ(V2Error("geo:line", R"(["0, 0", 5])"),
            "error parsing location attribute: geo:line, geo:box and geo:polygon needs array of "
            "strings but some element is not a string");
  EXPECT_EQ(V2Error("geo:line", R"(["0, 0", "x"])"),
            "error parsing location attribute: geo coordinates format error [see Orion user "
            "manual]: x");
}

TEST(ParseV2GeoAttribute, GeoBoxBecomesPolygonWhateverTheCornerOrder) {
  auto g = V2("geo:box", R"(["-1, 1", "2, 2"])");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->kind, Geometry::Kind::kPolygon);
  ASSERT_EQ(g->parts.size(), 1u);
  EXPECT_EQ(g->parts[0], (std::vector<Position>{{1, -1}, {1, 2}, {2, 2}, {2, -1}, {1, -1}}));
  auto swapped = V2("geo:box", R"(["2, 2", "-1, 1"])");
  ASSERT_TRUE(swapped);
  EXPECT_EQ(swapped->parts, g->parts);
  BoundingBox env = g->Envelope();
  EXPECT_EQ(env.min_lon, 1);
  EXPECT_EQ(env.min_lat, -1);
  EXPECT_EQ(env.max_lon, 2);
  EXPECT_EQ(env.max_lat, 2);
}

TEST(ParseV2GeoAttribute, GeoBoxErrorsUseOrionText) {
  EXPECT_EQ(V2Error("geo:box", R"("0, 0")"),
            "error parsing location attribute: geo:line, geo:box and geo:polygon needs array of "
            "strings as value");
  EXPECT_EQ(V2Error("geo:box", R"(["0, 0"])"),
            "error parsing location attribute: geo:box uses exactly 2 coordinates");
  EXPECT_EQ(V2Error("geo:box", R"(["0, 0", "10, 10", "20, 20"])"),
            "error parsing location attribute: geo:box uses exactly 2 coordinates");
  EXPECT_EQ(V2Error("geo:box", R"(["0, 0", "0, 10"])"),
            "error parsing location attribute: geo:box coordinates are not defining an actual box");
  EXPECT_EQ(V2Error("geo:box", R"(["0, 3", "10, 3"])"),
            "error parsing location attribute: geo:box coordinates are not defining an actual box");
}

TEST(ParseV2GeoAttribute, GeoPolygon) {
  auto g = V2("geo:polygon", R"(["0, 0", "0, 10", "10, 10", "0, 0"])");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->kind, Geometry::Kind::kPolygon);
  EXPECT_EQ(g->parts.at(0).size(), 4u);

  EXPECT_EQ(V2Error("geo:polygon", R"({"a": 1})"),
            "error parsing location attribute: geo:line, geo:box and geo:polygon needs array of "
            "strings as value");
  EXPECT_EQ(V2Error("geo:polygon", R"(["0, 0"])"),
            "error parsing location attribute: geo:polygon uses at least 4 coordinates");
  EXPECT_EQ(V2Error("geo:polygon", R"(["0, 0", "0, 10", "10, 10", "1, 1"])"),
            "error parsing location attribute: geo:polygon first and last coordinates must match");
}

TEST(ParseV2GeoAttribute, GeoJsonAcceptsGeometriesAndSingleFeatures) {
  auto plain = V2("geo:json", R"({"type":"Point","coordinates":[2.186447514,41.3763726]})");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->Anchor(), (Position{2.186447514, 41.3763726}));

  auto feature = V2("geo:json", R"({"type":"Feature","properties":{},
      "geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}})");
  ASSERT_TRUE(feature);
  EXPECT_EQ(feature->kind, Geometry::Kind::kLineString);

  auto collection = V2("geo:json", R"({"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Point","coordinates":[5,6]}}]})");
  ASSERT_TRUE(collection);
  EXPECT_EQ(collection->Anchor(), (Position{5, 6}));
}

TEST(ParseV2GeoAttribute, GeoJsonErrorsUseOrionText) {
  EXPECT_EQ(V2Error("geo:json", R"("1, 2")"), "geo:json needs an object or null as value");
  EXPECT_EQ(V2Error("geo:json", R"([1, 2])"), "geo:json needs an object or null as value");
  EXPECT_EQ(V2Error("geo:json", "null"), "geo:json needs an object or null as value");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"PointKK3","coordinates":[2,1]})"), "Wrong GeoJson");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"Point","coordinates":[[2,1]]})"), "Wrong GeoJson");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"GeometryCollection","geometries":[]})"),
            "Wrong GeoJson");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"Feature","geometry":{"type":"Point"}})"),
            "Wrong GeoJson");

  const std::string prefix = "error parsing location attribute: ";
  EXPECT_EQ(V2Error("geo:json", R"({"type":"Feature"})"), prefix + "geometry in Feature not found");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"Feature","geometry":[1]})"),
            prefix + "geometry in Feature is not an object");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"FeatureCollection"})"),
            prefix + "features field not found in FeatureCollection");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"FeatureCollection","features":{}})"),
            prefix + "features in FeatureCollection is not an array");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"FeatureCollection","features":[]})"),
            prefix + "features in FeatureCollection has 0 items");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"FeatureCollection","features":[{},{}]})"),
            prefix + "features in FeatureCollection has more than 1 item");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"FeatureCollection","features":[{"type":"Feature"}]})"),
            prefix + "geometry in Feature not found");
  EXPECT_EQ(V2Error("geo:json", R"({"type":"FeatureCollection","features":[{"geometry":"x"}]})"),
            prefix + "geometry in Feature is not an object");
}

TEST(ParseV2GeoAttribute, KnowsItsTypes) {
  for (std::string_view t : {"geo:json", "geo:point", "geo:line", "geo:box", "geo:polygon"}) {
    EXPECT_TRUE(IsV2GeoType(t)) << t;
  }
  EXPECT_FALSE(IsV2GeoType("geo:circle"));
  EXPECT_FALSE(IsV2GeoType("GeoProperty"));
  EXPECT_FALSE(V2("Text", R"("1, 2")"));
}

TEST(ParseLatLon, LeavesOutputUntouchedOnError) {
  Position p{7, 8};
  EXPECT_FALSE(ParseLatLon("", p));
  EXPECT_FALSE(ParseLatLon("1,", p));
  EXPECT_FALSE(ParseLatLon("1,2x", p));
  EXPECT_FALSE(ParseLatLon("nan, 2", p));
  EXPECT_EQ(p, (Position{7, 8}));
  EXPECT_TRUE(ParseLatLon("1.5,-2.25", p));
  EXPECT_EQ(p, (Position{-2.25, 1.5}));
}

TEST(Geometry, EnvelopeCoversAllPartsAndPolygons) {
  auto g = GeoJson(R"({"type":"MultiPolygon","coordinates":[
      [[[0,0],[1,0],[1,1],[0,0]]], [[[-5,5],[6,5],[6,6],[-5,5]]]]})");
  ASSERT_TRUE(g);
  BoundingBox box = g->Envelope();
  EXPECT_EQ(box.min_lon, -5);
  EXPECT_EQ(box.min_lat, 0);
  EXPECT_EQ(box.max_lon, 6);
  EXPECT_EQ(box.max_lat, 6);
  EXPECT_EQ(g->Anchor(), (Position{0, 0}));
}

TEST(DistanceMetres, MatchesKnownDistances) {
  // Tokyo Station to Shirahama (Wakayama): about 460 km.
  double tokyo_shirahama =
      DistanceMetres(Position{139.767125, 35.681236}, Position{135.3482, 33.6779});
  EXPECT_NEAR(tokyo_shirahama, 461334, 100);
  // Madrid (Puerta del Sol) to Barcelona (Plaça de Catalunya): about 505 km.
  EXPECT_NEAR(DistanceMetres(Position{-3.7035, 40.4169}, Position{2.1701, 41.3870}), 505184, 100);
  // One degree along the equator and along a meridian.
  EXPECT_NEAR(DistanceMetres(Position{0, 0}, Position{1, 0}), 111195, 1);
  EXPECT_NEAR(DistanceMetres(Position{0, 0}, Position{0, 1}), 111195, 1);
  EXPECT_EQ(DistanceMetres(Position{10, 20}, Position{10, 20}), 0);
  // Antipodes: half the circumference, no NaN from rounding.
  EXPECT_NEAR(DistanceMetres(Position{0, 0}, Position{180, 0}), 3.14159265358979 * 6371008.8, 1);
}

}  // namespace
}  // namespace renkei::core::geo
