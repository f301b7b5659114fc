#include "common/geo/grid_index.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "boost/geometry.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::geo {
namespace {

// An axis-aligned rectangle, as a polygon.
Polygon Rectangle(double west, double south, double east, double north) {
  Polygon polygon;
  polygon.outer() = {Point(west, south), Point(east, south), Point(east, north),
                     Point(west, north), Point(west, south)};
  return polygon;
}

GridShape Grid(std::string code, std::vector<Polygon> parts) {
  GridShape grid{std::move(code), {}};
  for (Polygon& part : parts) grid.shape.push_back(std::move(part));
  bg::correct(grid.shape);
  return grid;
}

// Four grids of a community (0.01° ≈ 1 km squares near Tongxiang):
//   ...001  120.50–120.51 × 30.60–30.61, with a hole 120.503–120.507 ×
//           30.603–30.607;
//   ...002  120.51–120.52 × 30.60–30.61, sharing the edge x = 120.51 with
//           ...001;
//   ...003  120.504–120.506 × 30.604–30.606, filling the middle of
//           ...001's hole;
//   ...004  a MultiPolygon: 120.53–120.54 and 120.56–120.57, × 30.60–30.61.
constexpr char kGrid1[] = "330483001001001";
constexpr char kGrid2[] = "330483001001002";
constexpr char kGrid3[] = "330483001001003";
constexpr char kGrid4[] = "330483001001004";

std::vector<GridShape> CommunityGrids() {
  Polygon with_hole = Rectangle(120.50, 30.60, 120.51, 30.61);
  with_hole.inners().push_back(
      Rectangle(120.503, 30.603, 120.507, 30.607).outer());
  return {Grid(kGrid1, {with_hole}),
          Grid(kGrid2, {Rectangle(120.51, 30.60, 120.52, 30.61)}),
          Grid(kGrid3, {Rectangle(120.504, 30.604, 120.506, 30.606)}),
          Grid(kGrid4, {Rectangle(120.53, 30.60, 120.54, 30.61),
                        Rectangle(120.56, 30.60, 120.57, 30.61)})};
}

struct LocateCase {
  std::string name;
  double latitude;
  double longitude;
  std::optional<std::string> grid;
};

// Each case runs against the grids inserted in ascending and in descending
// code order.
class GridIndexLocateTest
    : public ::testing::TestWithParam<std::tuple<LocateCase, bool>> {};

TEST_P(GridIndexLocateTest, Locates) {
  const auto& [expected, descending] = GetParam();
  std::vector<GridShape> grids = CommunityGrids();
  if (descending) std::reverse(grids.begin(), grids.end());
  const GridIndex index(std::move(grids));
  EXPECT_EQ(index.Locate(expected.latitude, expected.longitude), expected.grid)
      << expected.name;
}

INSTANTIATE_TEST_SUITE_P(
    Points, GridIndexLocateTest,
    ::testing::Combine(
        ::testing::Values(
            LocateCase{"inside", 30.601, 120.501, kGrid1},
            LocateCase{"inside the neighbour", 30.605, 120.515, kGrid2},
            LocateCase{"between the parts of a MultiPolygon", 30.605, 120.55,
                       std::nullopt},
            LocateCase{"far from every grid", 39.9, 116.4, std::nullopt},
            LocateCase{"just outside the south edge", 30.5999, 120.505,
                       std::nullopt},
            LocateCase{"in a hole", 30.6035, 120.5035, std::nullopt},
            LocateCase{"in a hole, inside a grid filling it", 30.605, 120.505,
                       kGrid3},
            LocateCase{"on the edge of a hole", 30.605, 120.503, kGrid1},
            LocateCase{"first part of a MultiPolygon", 30.605, 120.535, kGrid4},
            LocateCase{"second part of a MultiPolygon", 30.605, 120.565,
                       kGrid4},
            LocateCase{"on a shared edge: smallest code", 30.605, 120.51,
                       kGrid1},
            LocateCase{"on a shared vertex: smallest code", 30.61, 120.51,
                       kGrid1},
            LocateCase{"on a vertex of one grid", 30.60, 120.52, kGrid2},
            LocateCase{"on an outer edge", 30.61, 120.515, kGrid2},
            LocateCase{"on a vertex of the second part", 30.61, 120.57, kGrid4},
            LocateCase{"not a number", std::nan(""), 120.505, std::nullopt}),
        ::testing::Bool()),
    [](const ::testing::TestParamInfo<std::tuple<LocateCase, bool>>& info) {
      std::string name;
      for (char c : std::get<0>(info.param).name) {
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      }
      return name + (std::get<1>(info.param) ? "_descending" : "_ascending");
    });

TEST(GridIndex, OverlappingGridsResolveToSmallestCode) {
  // Two overlapping grids, the larger code inserted first and also larger
  // in area; a third one sorting between them elsewhere.
  const GridIndex index(
      {Grid("330483001001009", {Rectangle(120.50, 30.60, 120.52, 30.62)}),
       Grid("330483001001005", {Rectangle(120.60, 30.60, 120.61, 30.61)}),
       Grid("330483001001002", {Rectangle(120.51, 30.61, 120.53, 30.63)})});
  EXPECT_EQ(index.Locate(30.615, 120.515), "330483001001002");  // overlap
  EXPECT_EQ(index.Locate(30.605, 120.505), "330483001001009");
  EXPECT_EQ(index.Locate(30.625, 120.525), "330483001001002");
  EXPECT_EQ(index.Locate(30.605, 120.605), "330483001001005");
}

TEST(GridIndex, HoleContainingNamesTheGridWithTheHole) {
  const GridIndex index(CommunityGrids());
  EXPECT_EQ(index.HoleContaining(30.6035, 120.5035), kGrid1);
  // Outside every exterior, or inside a grid: no hole.
  EXPECT_EQ(index.HoleContaining(30.605, 120.55), std::nullopt);
  EXPECT_EQ(index.HoleContaining(30.601, 120.501), std::nullopt);
  // On the hole's edge the point is in the grid, not in its hole.
  EXPECT_EQ(index.HoleContaining(30.605, 120.503), std::nullopt);
}

TEST(GridIndex, SizeCountsGridsNotParts) {
  EXPECT_EQ(GridIndex(CommunityGrids()).size(), 4u);
  const GridIndex empty({});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.Locate(30.605, 120.505), std::nullopt);
}

TEST(GridIndex, LocatesEveryCellOfALattice) {
  // 30 × 30 grids of 0.001°; the centre of cell (row, column) is in exactly
  // that grid, found among 900 candidates by the R-tree.
  constexpr int kSide = 30;
  constexpr double kStep = 0.001;
  std::vector<GridShape> grids;
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) {
      const double west = 120.5 + column * kStep;
      const double south = 30.6 + row * kStep;
      char code[16];
      std::snprintf(code, sizeof(code), "330483001%03d%03d", row, column);
      grids.push_back(
          Grid(code, {Rectangle(west, south, west + kStep, south + kStep)}));
    }
  }
  const GridIndex index(std::move(grids));
  for (int row = 0; row < kSide; ++row) {
    for (int column = 0; column < kSide; ++column) {
      char code[16];
      std::snprintf(code, sizeof(code), "330483001%03d%03d", row, column);
      EXPECT_EQ(index.Locate(30.6 + (row + 0.5) * kStep,
                             120.5 + (column + 0.5) * kStep),
                std::string(code));
    }
  }
}

}  // namespace
}  // namespace gridcase::geo
