#include "tools/loadgen/world.h"

#include <random>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gridcase::loadgen {
namespace {

// A rectangle, an L-shaped grid (concave: its bounding box's north-east
// quarter is outside), a community without geometry and a city.
nlohmann::json Collection() {
  return nlohmann::json::parse(R"({
    "type": "FeatureCollection",
    "features": [
      {"type": "Feature", "properties": {"code": "330483", "level": "city"},
       "geometry": null},
      {"type": "Feature",
       "properties": {"code": "330483101001", "level": "community"},
       "geometry": null},
      {"type": "Feature",
       "properties": {"code": "330483101001001", "level": "grid"},
       "geometry": {"type": "Polygon", "coordinates": [[
         [120.50, 30.60], [120.51, 30.60], [120.51, 30.61], [120.50, 30.61],
         [120.50, 30.60]]]}},
      {"type": "Feature",
       "properties": {"code": "330483102001001", "level": "grid"},
       "geometry": {"type": "Polygon", "coordinates": [[
         [120.60, 30.60], [120.62, 30.60], [120.62, 30.61], [120.61, 30.61],
         [120.61, 30.62], [120.60, 30.62], [120.60, 30.60]]]}}
    ]})");
}

TEST(ParseGridShapesTest, KeepsGridsWithTheirTowns) {
  absl::StatusOr<std::vector<GridShape>> grids = ParseGridShapes(Collection());
  ASSERT_TRUE(grids.ok()) << grids.status();
  ASSERT_EQ(grids->size(), 2u);
  EXPECT_EQ((*grids)[0].code, "330483101001001");
  EXPECT_EQ((*grids)[0].town, "330483101");
  EXPECT_EQ((*grids)[1].town, "330483102");
  EXPECT_DOUBLE_EQ((*grids)[1].box.min_corner().x(), 120.60);
  EXPECT_DOUBLE_EQ((*grids)[1].box.max_corner().y(), 30.62);
}

TEST(ParseGridShapesTest, RejectsAnInvalidGridNamingIt) {
  nlohmann::json c = Collection();
  c["features"][2]["geometry"]["coordinates"][0].erase(4);  // unclosed
  absl::StatusOr<std::vector<GridShape>> grids = ParseGridShapes(c);
  ASSERT_FALSE(grids.ok());
  EXPECT_NE(grids.status().message().find("330483101001001"), std::string::npos)
      << grids.status();
}

TEST(ParseGridShapesTest, RejectsACollectionWithoutGrids) {
  EXPECT_FALSE(ParseGridShapes(nlohmann::json::object()).ok());
  nlohmann::json c = Collection();
  c["features"].erase(3);
  c["features"].erase(2);
  EXPECT_FALSE(ParseGridShapes(c).ok());
}

TEST(SamplePointInTest, PointsFallInsideEvenAConcaveGrid) {
  std::vector<GridShape> grids = *ParseGridShapes(Collection());
  std::mt19937_64 rng(7);
  int north_west = 0, south_east = 0;
  for (int i = 0; i < 2000; ++i) {
    LatLng p = SamplePointIn(grids[1], rng);
    ASSERT_TRUE(Contains(grids[1], p)) << p.lat << "," << p.lng;
    EXPECT_FALSE(p.lat > 30.61 && p.lng > 120.61);  // the missing quarter
    if (p.lat > 30.61) ++north_west;
    if (p.lng > 120.61) ++south_east;
  }
  // The three quarters are about equally likely (uniform over the area).
  EXPECT_GT(north_west, 500);
  EXPECT_GT(south_east, 500);
}

TEST(SamplePointInTest, CoversTheWholeRectangle) {
  std::vector<GridShape> grids = *ParseGridShapes(Collection());
  std::mt19937_64 rng(3);
  double min_lat = 90, max_lat = -90;
  for (int i = 0; i < 1000; ++i) {
    LatLng p = SamplePointIn(grids[0], rng);
    ASSERT_TRUE(Contains(grids[0], p));
    min_lat = std::min(min_lat, p.lat);
    max_lat = std::max(max_lat, p.lat);
  }
  EXPECT_LT(min_lat, 30.601);
  EXPECT_GT(max_lat, 30.609);
}

TEST(PointNearTest, StaysWithinTheRadius) {
  std::mt19937_64 rng(11);
  const LatLng at{30.6, 120.5};
  double farthest = 0;
  for (int i = 0; i < 1000; ++i) {
    double d = DistanceMeters(at, PointNear(at, 10, rng));
    EXPECT_LE(d, 10.001);
    farthest = std::max(farthest, d);
  }
  EXPECT_GT(farthest, 9);
}

TEST(DistanceMetersTest, OneThousandthOfADegreeOfLatitude) {
  EXPECT_NEAR(DistanceMeters({30.6, 120.5}, {30.601, 120.5}), 111.2, 0.1);
}

TEST(FindRepoFileTest, ReturnsTheNameWhenNothingHasIt) {
  EXPECT_EQ(FindRepoFile("no/such/file.geojson"), "no/such/file.geojson");
}

}  // namespace
}  // namespace gridcase::loadgen
