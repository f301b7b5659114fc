#include "tools/loadgen/report_plan.h"

#include <map>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gridcase::loadgen {
namespace {

std::vector<GridShape> TwoGrids() {
  return *ParseGridShapes(nlohmann::json::parse(R"({
    "type": "FeatureCollection",
    "features": [
      {"type": "Feature",
       "properties": {"code": "330483101001001", "level": "grid"},
       "geometry": {"type": "Polygon", "coordinates": [[
         [120.50, 30.60], [120.504, 30.60], [120.504, 30.6036],
         [120.50, 30.6036], [120.50, 30.60]]]}},
      {"type": "Feature",
       "properties": {"code": "330483102001001", "level": "grid"},
       "geometry": {"type": "Polygon", "coordinates": [[
         [120.60, 30.60], [120.604, 30.60], [120.604, 30.6036],
         [120.60, 30.6036], [120.60, 30.60]]]}}
    ]})"));
}

TEST(ChooseCategoriesTest, TakesTheMixAmongTheEnabled) {
  std::vector<CategoryChoice> c = ChooseCategories(
      {{"E0101", {}}, {"C0109", {{"lamp_count", "1"}}}, {"Z9999", {}}});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].code, "E0101");
  EXPECT_EQ(c[1].code, "C0109");
  EXPECT_EQ(c[1].required.at("lamp_count"), "1");
  EXPECT_FALSE(c[0].texts.empty());
}

TEST(ChooseCategoriesTest, FallsBackToEveryEnabledCategory) {
  std::vector<CategoryChoice> c = ChooseCategories({{"Z1", {}}, {"Z2", {}}});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].code, "Z1");
  EXPECT_FALSE(c[0].texts.empty());
}

TEST(ChooseChainCategoriesTest, TakesEveryCategoryOutsideTheMix) {
  std::vector<CategoryChoice> c = ChooseChainCategories(
      {{"E0101", {}}, {"C0101", {{"cover_state", "broken"}}}, {"E0104", {}}});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].code, "C0101");
  EXPECT_EQ(c[0].required.at("cover_state"), "broken");
  EXPECT_EQ(c[1].code, "E0104");
  EXPECT_EQ(c[0].weight, c[1].weight);
}

TEST(ChooseChainCategoriesTest, FallsBackToTheMix) {
  std::vector<CategoryChoice> c = ChooseChainCategories({{"E0101", {}}});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].code, "E0101");
}

TEST(ReportPlannerTest, OriginalsSpreadOverGridsAndCategories) {
  std::vector<GridShape> grids = TwoGrids();
  ReportPlanner planner(&grids, {},
                        ChooseCategories({{"E0101", {}}, {"E0402", {}}}), 0, 1);
  std::map<int, int> per_grid;
  std::set<std::string> categories;
  for (int i = 0; i < 400; ++i) {
    PlannedReport r = planner.Next();
    EXPECT_FALSE(r.duplicate);
    EXPECT_TRUE(Contains(grids[r.grid], r.at));
    EXPECT_FALSE(r.description.empty());
    ++per_grid[r.grid];
    categories.insert(r.category);
  }
  EXPECT_GT(per_grid[0], 150);
  EXPECT_GT(per_grid[1], 150);
  EXPECT_EQ(categories.size(), 2u);
}

TEST(ReportPlannerTest, OnlyInTheUsableGrids) {
  std::vector<GridShape> grids = TwoGrids();
  ReportPlanner planner(&grids, {1}, ChooseCategories({{"E0101", {}}}), 0, 1);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(planner.Next().grid, 1);
}

TEST(ReportPlannerTest, DuplicatesRepeatAnEarlierReportWithinTenMetres) {
  std::vector<GridShape> grids = TwoGrids();
  ReportPlanner planner(
      &grids, {},
      ChooseCategories({{"E0101", {}}, {"E0402", {}}, {"C0109", {}}}), 0.25, 5);
  std::vector<PlannedReport> originals;
  int duplicates = 0;
  for (int i = 0; i < 2000; ++i) {
    PlannedReport r = planner.Next();
    if (!r.duplicate) {
      originals.push_back(r);
      continue;
    }
    ++duplicates;
    bool matched = false;
    for (const PlannedReport& o : originals) {
      if (o.category == r.category && o.grid == r.grid &&
          DistanceMeters(o.at, r.at) <= ReportPlanner::kDuplicateRadiusM) {
        matched = true;
        break;
      }
    }
    EXPECT_TRUE(matched) << i;
    EXPECT_TRUE(Contains(grids[r.grid], r.at));
  }
  // 25% of 2000, give or take (a fixed seed: the count is deterministic).
  EXPECT_GT(duplicates, 400);
  EXPECT_LT(duplicates, 600);
}

}  // namespace
}  // namespace gridcase::loadgen
