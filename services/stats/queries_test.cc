// StatsQueries over a fake aggregate reader: validation names the field;
// rankings order by value, then evidence, then key, undefined last.
#include "services/stats/queries.h"

#include "common/clock/fake_clock.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/stats/dimensions.h"
#include "services/stats/fake_directory.h"

namespace gridcase::stats {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using C = Counter;

class FakeReader final : public AggregateReader {
 public:
  std::map<std::string, Counts> counts;
  std::map<std::string, NowCounts> now;
  std::vector<HotspotCell> cells;

  absl::StatusOr<std::vector<std::map<std::string, Counts>>> Counters(
      absl::string_view, const std::optional<std::string>& value,
      const std::vector<Buckets>& groups) override {
    std::map<std::string, Counts> one = counts;
    if (value.has_value()) one = {{*value, counts[*value]}};
    return std::vector<std::map<std::string, Counts>>(groups.size(), one);
  }
  absl::StatusOr<std::map<std::string, NowCounts>> Now(
      absl::string_view, const std::optional<std::string>&) override {
    return now;
  }
  absl::StatusOr<std::vector<HotspotCell>> Hotspots(
      const Buckets&, const std::vector<std::string>&) override {
    return cells;
  }
};

class QueriesTest : public ::testing::Test {
 protected:
  QueriesTest() {
    auto& s = directory_.snapshot();
    s.regions = {{"330483", "桐乡市"},
                 {"330483101", "濮院镇"},
                 {"330483102", "乌镇镇"},
                 {"330483103", "梧桐街道"},
                 {"330483104", "崇福镇"}};
    s.categories = {{"E0101", "暴露垃圾"}};
    s.majors = {{"E01", "市容环境"}};
  }

  v1::RankingRequest TownRanking(v1::Indicator indicator) {
    v1::RankingRequest r;
    r.set_level(v1::RANKING_LEVEL_TOWN);
    r.set_indicator(indicator);
    r.mutable_period()->set_start_date("2026-11-01");
    r.mutable_period()->set_end_date("2026-11-30");
    return r;
  }

  FakeReader reader_;
  FakeDirectory directory_;
  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  StatsQueries queries_{&reader_, &directory_, &clock_, DefaultWeights()};
};

TEST_F(QueriesTest, RankingBreaksTiesByEvidenceThenKeyAndPutsUndefinedLast) {
  auto rate = [](int64_t on_time, int64_t due) {
    Counts c;
    c[C::kClosedOnTime] = on_time;
    c[C::kDueToClose] = due;
    return c;
  };
  reader_.counts = {{"330483101", rate(1, 2)},
                    {"330483102", rate(2, 4)},
                    {"330483104", rate(3, 4)}};
  ASSERT_OK_AND_ASSIGN(
      v1::RankingResponse r,
      queries_.Ranking(TownRanking(v1::INDICATOR_ON_TIME_CLOSE_RATE)));
  ASSERT_EQ(r.entries_size(), 4);
  EXPECT_EQ(r.entries(0).key(), "330483104");  // .75
  EXPECT_EQ(r.entries(1).key(), "330483102");  // .5 of 4
  EXPECT_EQ(r.entries(2).key(), "330483101");  // .5 of 2
  EXPECT_EQ(r.entries(3).key(), "330483103");  // nothing due: undefined
  EXPECT_FALSE(r.entries(3).defined());
  EXPECT_EQ(r.entries(3).rank(), 4);
  EXPECT_EQ(r.entries(0).name(), "崇福镇");
  EXPECT_EQ(r.weights_size(), static_cast<int>(DefaultWeights().size()));

  // Lower is better for 超期未处置数.
  reader_.now = {{"330483101", NowCounts{.open = 5, .red = 3}},
                 {"330483103", NowCounts{.open = 1, .red = 1}}};
  auto req = TownRanking(v1::INDICATOR_OPEN_OVERDUE_NOW);
  req.set_limit(2);
  ASSERT_OK_AND_ASSIGN(r, queries_.Ranking(req));
  ASSERT_EQ(r.entries_size(), 2);
  EXPECT_EQ(r.entries(0).key(), "330483102");  // 0, then by key
  EXPECT_EQ(r.entries(1).key(), "330483104");
}

TEST_F(QueriesTest, RankingValidatesLevelLimitAndParent) {
  auto req = TownRanking(v1::INDICATOR_CLOSE_RATE);
  req.set_level(v1::RANKING_LEVEL_UNSPECIFIED);
  EXPECT_THAT(queries_.Ranking(req),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("level")));
  req = TownRanking(v1::INDICATOR_UNSPECIFIED);
  EXPECT_THAT(
      queries_.Ranking(req),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("indicator")));
  req = TownRanking(v1::INDICATOR_CLOSE_RATE);
  req.set_limit(1001);
  EXPECT_THAT(queries_.Ranking(req),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limit")));
  req.set_limit(0);
  req.set_parent_code("330483101");  // a town cannot parent towns
  EXPECT_THAT(queries_.Ranking(req),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("parent_code: must be the code of a region")));
  req.set_parent_code("330484");
  EXPECT_THAT(queries_.Ranking(req),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("parent_code")));
  req.set_level(v1::RANKING_LEVEL_DEPARTMENT);
  EXPECT_THAT(
      queries_.Ranking(req),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("only TOWN, COMMUNITY, GRID and GRID_MANAGER")));
}

TEST_F(QueriesTest, GridManagersAreRankedWithinTheRegionOfTheirGrids) {
  auto& s = directory_.snapshot();
  s.grid_managers = {{"m-1", "张三"}, {"m-2", "李四"}, {"m-3", "王五"}};
  s.manager_grids = {{"m-1", {"330483101001001"}},
                     {"m-2", {"330483102001001", "330483101002001"}},
                     {"m-3", {"330483102001002"}}};
  s.regions["330483102001002"] = "乌镇镇第二网格";
  v1::RankingRequest req;
  req.set_level(v1::RANKING_LEVEL_GRID_MANAGER);
  req.set_indicator(v1::INDICATOR_REPORTS);
  req.mutable_period()->set_start_date("2026-11-01");
  req.mutable_period()->set_end_date("2026-11-30");
  req.set_parent_code("330483101");
  ASSERT_OK_AND_ASSIGN(v1::RankingResponse r, queries_.Ranking(req));
  std::vector<std::string> keys;
  for (const auto& e : r.entries()) keys.push_back(e.key());
  EXPECT_THAT(keys, ::testing::ElementsAre("m-1", "m-2"));
  req.set_parent_code("330483102001002");  // a grid
  ASSERT_OK_AND_ASSIGN(r, queries_.Ranking(req));
  ASSERT_EQ(r.entries_size(), 1);
  EXPECT_EQ(r.entries(0).key(), "m-3");
  req.clear_parent_code();
  ASSERT_OK_AND_ASSIGN(r, queries_.Ranking(req));
  EXPECT_EQ(r.entries_size(), 3);
  // Every grid manager carries their work; without patrol records no grid
  // was visited.
  EXPECT_EQ(r.entries(0).work().grids_visited(), 0);
  EXPECT_TRUE(r.entries(0).work().patrol_coverage().defined());
  req.set_indicator(v1::INDICATOR_PATROL_COVERAGE);
  ASSERT_OK_AND_ASSIGN(r, queries_.Ranking(req));
  EXPECT_TRUE(r.entries(0).has_ratio());
  // The work indicators rank grid managers only and have no trend.
  req.set_level(v1::RANKING_LEVEL_TOWN);
  req.set_indicator(v1::INDICATOR_GRID_MEMBER_SCORE);
  EXPECT_THAT(queries_.Ranking(req),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("indicator: INDICATOR_GRID_MEMBER_SCORE ranks "
                                 "RANKING_LEVEL_GRID_MANAGER only")));
  v1::TrendRequest t;
  t.mutable_scope()->set_kind(v1::SCOPE_KIND_ALL);
  t.set_indicator(v1::INDICATOR_PATROL_COVERAGE);
  t.mutable_period()->set_start_date("2026-11-01");
  t.mutable_period()->set_end_date("2026-11-30");
  t.set_step(v1::TREND_STEP_DAY);
  EXPECT_THAT(queries_.Trend(t),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("indicator: INDICATOR_PATROL_COVERAGE")));
}

TEST_F(QueriesTest, TrendAndHotspotsRejectWhatTheyCannotAnswer) {
  v1::TrendRequest t;
  t.mutable_scope()->set_kind(v1::SCOPE_KIND_ALL);
  t.set_indicator(v1::INDICATOR_OPEN_OVERDUE_NOW);
  t.mutable_period()->set_start_date("2026-11-01");
  t.mutable_period()->set_end_date("2026-11-30");
  t.set_step(v1::TREND_STEP_DAY);
  EXPECT_THAT(queries_.Trend(t), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("has no trend")));
  t.set_indicator(v1::INDICATOR_REPORTS);
  t.mutable_period()->set_start_date("2025-01-01");
  EXPECT_THAT(queries_.Trend(t), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("at most 366")));
  v1::HotspotsRequest h;
  h.mutable_scope()->set_kind(v1::SCOPE_KIND_DEPARTMENT);
  h.mutable_scope()->set_code("works");
  *h.mutable_period() = t.period();
  h.set_by(v1::HOTSPOT_DIMENSION_GRID);
  EXPECT_THAT(queries_.Hotspots(h), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("scope.kind")));
  h.mutable_scope()->set_kind(v1::SCOPE_KIND_CATEGORY);
  h.mutable_scope()->set_code("E01");
  h.set_top_n(101);
  EXPECT_THAT(queries_.Hotspots(h),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("top_n")));
}

TEST_F(QueriesTest, HotspotsGroupTheScopesCellsByCategory) {
  reader_.cells = {{"330483101002002", "E0101", "SOURCE_WECHAT", 4, 1, 1},
                   {"330483101002003", "E0101", "SOURCE_GRID_PATROL", 3, 0, 0},
                   {"330483101002002", "C0201", "SOURCE_WECHAT", 9, 2, 0}};
  v1::HotspotsRequest h;
  h.mutable_scope()->set_kind(v1::SCOPE_KIND_CATEGORY);
  h.mutable_scope()->set_code("E01");
  h.mutable_period()->set_start_date("2026-11-01");
  h.mutable_period()->set_end_date("2026-11-30");
  h.set_by(v1::HOTSPOT_DIMENSION_CATEGORY);
  ASSERT_OK_AND_ASSIGN(v1::HotspotsResponse r, queries_.Hotspots(h));
  ASSERT_EQ(r.hotspots_size(), 1);
  EXPECT_EQ(r.hotspots(0).key(), "E0101");
  EXPECT_EQ(r.hotspots(0).name(), "暴露垃圾");
  EXPECT_EQ(r.hotspots(0).reports(), 7);
  EXPECT_EQ(r.hotspots(0).open(), 1);
  EXPECT_EQ(r.hotspots(0).overdue(), 1);
}

}  // namespace
}  // namespace gridcase::stats
