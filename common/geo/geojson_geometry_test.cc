#include "common/geo/geojson_geometry.h"

#include <cctype>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "boost/geometry.hpp"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::geo {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

nlohmann::json Json(const std::string& text) {
  return nlohmann::json::parse(text);
}

// A 0.01° square (about 1 km) near Tongxiang, counter-clockwise.
constexpr char kSquare[] =
    R"([[120.50, 30.60], [120.51, 30.60], [120.51, 30.61], [120.50, 30.61],
        [120.50, 30.60]])";
// The same square, clockwise.
constexpr char kSquareClockwise[] =
    R"([[120.50, 30.60], [120.50, 30.61], [120.51, 30.61], [120.51, 30.60],
        [120.50, 30.60]])";
// A hole in the middle of kSquare, clockwise.
constexpr char kHole[] =
    R"([[120.503, 30.603], [120.503, 30.607], [120.507, 30.607],
        [120.507, 30.603], [120.503, 30.603]])";

std::string PolygonJson(const std::string& rings) {
  return R"({"type": "Polygon", "coordinates": [)" + rings + "]}";
}

std::string MultiPolygonJson(const std::string& polygons) {
  return R"({"type": "MultiPolygon", "coordinates": [)" + polygons + "]}";
}

TEST(ParseGeoJsonGeometry, AcceptsPolygonWithHole) {
  const ParsedGeometry parsed = ParseGeoJsonGeometry(
      Json(PolygonJson(std::string(kSquare) + "," + kHole)));
  ASSERT_TRUE(parsed.ok()) << parsed.rejection->message;
  ASSERT_EQ(parsed.shape.size(), 1u);
  EXPECT_EQ(parsed.shape[0].inners().size(), 1u);
  EXPECT_TRUE(bg::is_valid(parsed.shape));
  // 1e-4 minus the hole's 1.6e-5 square degrees.
  EXPECT_NEAR(bg::area(parsed.shape), 1e-4 - 1.6e-5, 1e-12);
}

TEST(ParseGeoJsonGeometry, CorrectsClockwiseExteriorAndCounterClockwiseHole) {
  // Both rings the wrong way round for RFC 7946, as some QGIS exports are.
  const std::string reversed_hole =
      R"([[120.503, 30.603], [120.507, 30.603], [120.507, 30.607],
          [120.503, 30.607], [120.503, 30.603]])";
  const ParsedGeometry parsed = ParseGeoJsonGeometry(
      Json(PolygonJson(std::string(kSquareClockwise) + "," + reversed_hole)));
  ASSERT_TRUE(parsed.ok()) << parsed.rejection->message;
  EXPECT_TRUE(bg::is_valid(parsed.shape));
  EXPECT_GT(bg::area(parsed.shape[0].outer()), 0);      // counter-clockwise
  EXPECT_LT(bg::area(parsed.shape[0].inners()[0]), 0);  // clockwise

  // The normalised text has the exterior of kSquare (counter-clockwise) and
  // the hole of kHole (clockwise), same start point.
  const nlohmann::json normalised = ToGeoJsonGeometry(parsed.shape);
  EXPECT_EQ(normalised["type"], "Polygon");
  EXPECT_EQ(normalised["coordinates"][0], Json(kSquare));
  EXPECT_EQ(normalised["coordinates"][1], Json(kHole));
}

TEST(ParseGeoJsonGeometry, IgnoresElevation) {
  const ParsedGeometry parsed = ParseGeoJsonGeometry(Json(PolygonJson(
      R"([[120.50, 30.60, 5], [120.51, 30.60, 6.5], [120.51, 30.61, 7],
          [120.50, 30.61, 5], [120.50, 30.60, 9]])")));
  ASSERT_TRUE(parsed.ok()) << parsed.rejection->message;
  EXPECT_EQ(ToGeoJsonGeometry(parsed.shape)["coordinates"][0], Json(kSquare));
}

TEST(ParseGeoJsonGeometry, AcceptsMultiPolygonTouchingAtACorner) {
  const std::string east =
      R"([[120.51, 30.61], [120.52, 30.61], [120.52, 30.62], [120.51, 30.62],
          [120.51, 30.61]])";
  const ParsedGeometry parsed = ParseGeoJsonGeometry(Json(MultiPolygonJson(
      "[" + std::string(kSquare) + "," + kHole + "], [" + east + "]")));
  ASSERT_TRUE(parsed.ok()) << parsed.rejection->message;
  EXPECT_EQ(parsed.shape.size(), 2u);
  EXPECT_EQ(ToGeoJsonGeometry(parsed.shape)["type"], "MultiPolygon");
}

TEST(ParseGeoJsonGeometry, MultiPolygonOfOnePartNormalisesToPolygon) {
  const ParsedGeometry parsed = ParseGeoJsonGeometry(
      Json(MultiPolygonJson("[" + std::string(kSquare) + "]")));
  ASSERT_TRUE(parsed.ok()) << parsed.rejection->message;
  EXPECT_EQ(ToGeoJsonGeometry(parsed.shape), Json(PolygonJson(kSquare)));
}

struct Rejected {
  std::string name;
  std::string geometry;
  v1::FeatureRejectionReason reason;
  std::string message;  // a substring of the detail
};

class GeometryRejectionTest : public ::testing::TestWithParam<Rejected> {};

TEST_P(GeometryRejectionTest, RejectsWithReasonAndDetail) {
  const Rejected& expected = GetParam();
  const ParsedGeometry parsed = ParseGeoJsonGeometry(Json(expected.geometry));
  ASSERT_FALSE(parsed.ok()) << expected.name;
  EXPECT_EQ(ReasonName(parsed.rejection->reason), ReasonName(expected.reason))
      << expected.name << ": " << parsed.rejection->message;
  EXPECT_THAT(parsed.rejection->message, HasSubstr(expected.message))
      << expected.name;
  EXPECT_TRUE(parsed.shape.empty()) << expected.name;
}

INSTANTIATE_TEST_SUITE_P(
    Reasons, GeometryRejectionTest,
    ::testing::Values(
        // UNSUPPORTED_GEOMETRY
        Rejected{"point", R"({"type": "Point", "coordinates": [120.5, 30.6]})",
                 v1::FEATURE_REJECTION_REASON_UNSUPPORTED_GEOMETRY,
                 R"(geometry type "Point" is not Polygon or MultiPolygon)"},
        Rejected{"geometry collection",
                 R"({"type": "GeometryCollection", "geometries": []})",
                 v1::FEATURE_REJECTION_REASON_UNSUPPORTED_GEOMETRY,
                 R"("GeometryCollection")"},
        Rejected{"not an object", R"json("POLYGON((0 0, 1 0, 1 1, 0 0))")json",
                 v1::FEATURE_REJECTION_REASON_UNSUPPORTED_GEOMETRY,
                 "not a GeoJSON geometry object"},
        Rejected{"no type", R"({"coordinates": []})",
                 v1::FEATURE_REJECTION_REASON_UNSUPPORTED_GEOMETRY,
                 R"(no "type")"},
        // INVALID_GEOMETRY: structure
        Rejected{"no coordinates", R"({"type": "Polygon"})",
                 v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
                 R"(Polygon "coordinates" is missing or not an array)"},
        Rejected{"ring not an array", PolygonJson(std::string(kSquare) + ", 7"),
                 v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
                 "polygon 0 ring 1 is not an array of positions"},
        // TOO_FEW_POINTS
        Rejected{"polygon without ring", PolygonJson(""),
                 v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
                 "polygon 0 has no ring"},
        Rejected{"multipolygon without polygon", MultiPolygonJson(""),
                 v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
                 "MultiPolygon has no polygon"},
        Rejected{"second polygon without ring",
                 MultiPolygonJson("[" + std::string(kSquare) + "], []"),
                 v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
                 "polygon 1 has no ring"},
        Rejected{
            "three positions",
            PolygonJson(R"([[120.5, 30.6], [120.51, 30.6], [120.5, 30.6]])"),
            v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
            "polygon 0 ring 0 has 3 positions; a ring needs at least 4"},
        Rejected{"two distinct corners",
                 PolygonJson(R"([[120.5, 30.6], [120.51, 30.6], [120.51, 30.6],
                             [120.5, 30.6]])"),
                 v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
                 "polygon 0 ring 0 has only 2 distinct corners"},
        // UNCLOSED_RING: the example of registry.proto.
        Rejected{"unclosed hole",
                 PolygonJson(std::string(kSquare) +
                             R"(, [[120.503, 30.603], [120.507, 30.603],
                               [120.507, 30.607], [120.504, 30.603]])"),
                 v1::FEATURE_REJECTION_REASON_UNCLOSED_RING,
                 "polygon 0 ring 1: first position [120.503, 30.603] differs "
                 "from last [120.504, 30.603]"},
        Rejected{"unclosed ring in second polygon",
                 MultiPolygonJson("[" + std::string(kSquare) +
                                  R"(], [[[120.55, 30.62], [120.56, 30.62],
                                      [120.56, 30.63], [120.56, 30.62]]])"),
                 v1::FEATURE_REJECTION_REASON_UNCLOSED_RING,
                 "polygon 1 ring 0: first position [120.55, 30.62] differs "
                 "from last [120.56, 30.62]"},
        // COORDINATE_OUT_OF_RANGE
        Rejected{"longitude over 180",
                 PolygonJson(R"([[120.5, 30.6], [181, 30.6], [120.51, 30.61],
                             [120.5, 30.6]])"),
                 v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
                 "polygon 0 ring 0 position 1: longitude 181 is outside "
                 "-180..180"},
        Rejected{"latitude under -90",
                 PolygonJson(R"([[120.5, 30.6], [120.51, 30.6], [120.51, -90.5],
                             [120.5, 30.6]])"),
                 v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
                 "polygon 0 ring 0 position 2: latitude -90.5 is outside "
                 "-90..90"},
        Rejected{"latitude and longitude swapped",
                 PolygonJson(R"([[30.6, 120.5], [30.6, 120.51], [30.61, 120.51],
                             [30.6, 120.5]])"),
                 v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
                 "latitude 120.5 is outside -90..90 (GeoJSON positions are "
                 "[longitude, latitude])"},
        Rejected{
            "string coordinate",
            PolygonJson(R"([[120.5, 30.6], ["120.51", 30.6], [120.51, 30.61],
                             [120.5, 30.6]])"),
            v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
            R"(polygon 0 ring 0 position 1 is not [longitude, latitude] )"
            R"(numbers: ["120.51",30.6])"},
        Rejected{"one number",
                 PolygonJson(R"([[120.5, 30.6], [120.51], [120.51, 30.61],
                             [120.5, 30.6]])"),
                 v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
                 "position 1 is not [longitude, latitude] numbers"},
        Rejected{"null position",
                 PolygonJson(R"([[120.5, 30.6], null, [120.51, 30.61],
                             [120.5, 30.6]])"),
                 v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
                 "position 1 is not [longitude, latitude] numbers: null"},
        // SELF_INTERSECTION
        Rejected{
            "bow tie",
            PolygonJson(R"([[120.50, 30.60], [120.52, 30.62], [120.52, 30.60],
                             [120.50, 30.61], [120.50, 30.60]])"),
            v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
            "polygon 0 ring 0 crosses itself"},
        Rejected{"symmetric bow tie (zero area)",
                 // Whole degrees, so that the area is exactly zero.
                 PolygonJson(R"([[120, 30], [121, 31], [121, 30], [120, 31],
                                 [120, 30]])"),
                 v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
                 "polygon 0 ring 0 crosses itself (its area is zero)"},
        Rejected{"hole crossing the exterior",
                 PolygonJson(std::string(kSquare) +
                             R"(, [[120.505, 30.605], [120.515, 30.605],
                               [120.515, 30.606], [120.505, 30.605]])"),
                 v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
                 "polygon 0: rings cross or overlap each other"},
        Rejected{"holes crossing each other",
                 PolygonJson(std::string(kSquare) + "," + kHole +
                             R"(, [[120.505, 30.605], [120.509, 30.605],
                               [120.509, 30.609], [120.505, 30.605]])"),
                 v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
                 "polygon 0: rings cross or overlap each other"},
        Rejected{"bow tie in second polygon",
                 MultiPolygonJson("[" + std::string(kSquare) + R"(],
                     [[[120.60, 30.60], [120.62, 30.62], [120.62, 30.60],
                       [120.60, 30.61], [120.60, 30.60]]])"),
                 v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
                 "polygon 1 ring 0 crosses itself"},
        // INVALID_GEOMETRY: other OGC failures
        Rejected{"hole outside the shell",
                 PolygonJson(std::string(kSquare) +
                             R"(, [[120.60, 30.60], [120.60, 30.61],
                               [120.61, 30.61], [120.60, 30.60]])"),
                 v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
                 "polygon 0: Geometry has interior rings defined outside the "
                 "outer boundary"},
        Rejected{
            "spike",
            PolygonJson(R"([[120.50, 30.60], [120.51, 30.60], [120.51, 30.61],
                             [120.505, 30.61], [120.505, 30.62],
                             [120.505, 30.61], [120.50, 30.61],
                             [120.50, 30.60]])"),
            v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
            "polygon 0: Geometry has spikes"},
        Rejected{"multipolygon members overlapping",
                 MultiPolygonJson("[" + std::string(kSquare) + R"(],
                     [[[120.505, 30.605], [120.515, 30.605], [120.515, 30.615],
                       [120.505, 30.615], [120.505, 30.605]]])"),
                 v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
                 "polygons 0 and 1 of the MultiPolygon overlap or share an "
                 "edge"},
        Rejected{"multipolygon member inside another",
                 MultiPolygonJson(R"([[[120.60, 30.60], [120.61, 30.60],
                                   [120.61, 30.61], [120.60, 30.61],
                                   [120.60, 30.60]]], [)" +
                                  std::string(kSquare) + R"(],
                     [[[120.502, 30.602], [120.503, 30.602],
                       [120.503, 30.603], [120.502, 30.602]]])"),
                 v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
                 "polygons 1 and 2 of the MultiPolygon overlap"},
        Rejected{"multipolygon members sharing an edge",
                 MultiPolygonJson("[" + std::string(kSquare) + R"(],
                     [[[120.51, 30.60], [120.52, 30.60], [120.52, 30.61],
                       [120.51, 30.61], [120.51, 30.60]]])"),
                 v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
                 "polygons 0 and 1 of the MultiPolygon overlap or share an "
                 "edge"}),
    [](const ::testing::TestParamInfo<Rejected>& info) {
      std::string name;
      for (char c : info.param.name) {
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      }
      return name;
    });

TEST(ParseGeoJsonText, RoundTripsNormalisedText) {
  const ParsedGeometry parsed = ParseGeoJsonGeometry(Json(
      MultiPolygonJson("[" + std::string(kSquareClockwise) + "," + kHole +
                       R"(], [[[120.6, 30.6], [120.61, 30.6], [120.61, 30.61],
                          [120.6, 30.6]]])")));
  ASSERT_TRUE(parsed.ok()) << parsed.rejection->message;
  const std::string text = ToGeoJsonText(parsed.shape);
  ASSERT_OK_AND_ASSIGN(const MultiPolygon again, ParseGeoJsonText(text));
  EXPECT_TRUE(bg::equals(again, parsed.shape));
  EXPECT_EQ(ToGeoJsonText(again), text);  // normalising is idempotent
}

TEST(ParseGeoJsonText, ReportsJsonErrorsAndRejections) {
  EXPECT_THAT(ParseGeoJsonText(R"({"type": "Polygon",)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("geometry is not valid JSON at byte 19")));
  EXPECT_THAT(
      ParseGeoJsonText(R"({"type": "LineString", "coordinates": []})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("geometry: UNSUPPORTED_GEOMETRY: geometry type "
                         "\"LineString\"")));
}

TEST(ReasonName, StripsEnumPrefix) {
  EXPECT_EQ(ReasonName(v1::FEATURE_REJECTION_REASON_UNCLOSED_RING),
            "UNCLOSED_RING");
  EXPECT_EQ(ReasonName(v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE),
            "DUPLICATE_CODE");
}

TEST(Centroid, OfSquareWithSymmetricHoleIsItsCentre) {
  const ParsedGeometry parsed = ParseGeoJsonGeometry(
      Json(PolygonJson(std::string(kSquare) + "," + kHole)));
  ASSERT_TRUE(parsed.ok());
  const v1::GeoPoint centroid = Centroid(parsed.shape);
  EXPECT_NEAR(centroid.latitude(), 30.605, 1e-9);
  EXPECT_NEAR(centroid.longitude(), 120.505, 1e-9);
}

TEST(CombinedCentroid, WeighsShapesByArea) {
  // kSquare (area 1e-4, centre 120.505 30.605) and a square four times as
  // large to its east (centre 120.52 30.61).
  const ParsedGeometry small = ParseGeoJsonGeometry(Json(PolygonJson(kSquare)));
  const ParsedGeometry large = ParseGeoJsonGeometry(Json(PolygonJson(
      R"([[120.51, 30.60], [120.53, 30.60], [120.53, 30.62], [120.51, 30.62],
          [120.51, 30.60]])")));
  ASSERT_TRUE(small.ok() && large.ok());
  const MultiPolygon empty;
  const std::optional<v1::GeoPoint> centroid =
      CombinedCentroid({&small.shape, &large.shape, &empty});
  ASSERT_TRUE(centroid.has_value());
  EXPECT_NEAR(centroid->longitude(), (120.505 * 1 + 120.52 * 4) / 5, 1e-9);
  EXPECT_NEAR(centroid->latitude(), (30.605 * 1 + 30.61 * 4) / 5, 1e-9);
  EXPECT_FALSE(CombinedCentroid({}).has_value());
  EXPECT_FALSE(CombinedCentroid({&empty}).has_value());
}

}  // namespace
}  // namespace gridcase::geo
