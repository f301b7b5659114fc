// Published reports (通报) over a real Redis and a reader whose counters the
// test sets per day: a report is frozen once published, a period is
// published once (also by racing publishers), a reissue supersedes, the
// previous period gives the 环比, and bad input names the field.
#include "services/stats/reports.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/clock/fake_clock.h"
#include "common/export/csv_sink.h"
#include "common/export/export_testing.h"
#include "common/export/report_tables.h"
#include "common/export/xlsx_sink.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/stats/dimensions.h"
#include "services/stats/fake_directory.h"
#include "services/stats/member_work.h"
#include "services/stats/period.h"

namespace gridcase::stats {
namespace {

using ::gridcase::testing::RedisServer;
using ::gridcase::testing::StatusIs;
using ::gridcase::testing::TempDir;
using ::testing::HasSubstr;
using C = Counter;

// Counters per day bucket ("YYYYMMDD") and value; a month bucket sums its
// days.
// Patrol records by member, whatever the days.
class FakePatrols final : public PatrolActivity {
 public:
  std::map<std::string, MemberPatrols> members;
  absl::StatusOr<std::map<std::string, MemberPatrols>> Read(
      const std::vector<std::string>& ids,
      const std::vector<absl::CivilDay>&) override {
    std::map<std::string, MemberPatrols> out;
    for (const std::string& id : ids) out[id] = members[id];
    return out;
  }
};

class DayReader final : public AggregateReader {
 public:
  std::map<std::string, std::map<std::string, Counts>> days;

  absl::StatusOr<std::vector<std::map<std::string, Counts>>> Counters(
      absl::string_view, const std::optional<std::string>& value,
      const std::vector<Buckets>& groups) override {
    std::vector<std::map<std::string, Counts>> out;
    for (const Buckets& group : groups) {
      std::map<std::string, Counts> sum;
      for (const std::string& bucket : group) {
        for (const auto& [day, values] : days) {
          if (day.compare(0, bucket.size(), bucket) != 0) continue;
          for (const auto& [v, counts] : values) {
            if (value.has_value() && v != *value) continue;
            sum[v] += counts;
          }
        }
      }
      out.push_back(std::move(sum));
    }
    return out;
  }
  std::map<std::string, NowCounts> now;  // for every kind
  absl::StatusOr<std::map<std::string, NowCounts>> Now(
      absl::string_view, const std::optional<std::string>&) override {
    return now;
  }
  std::vector<HotspotCell> cells;  // whatever the buckets
  absl::StatusOr<std::vector<HotspotCell>> Hotspots(
      const Buckets&, const std::vector<std::string>&) override {
    return cells;
  }
};

Counts Reports(int64_t n) {
  Counts c;
  c[C::kReports] = n;
  return c;
}

class ReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        redis_, redis::RedisPool::Create({.address = server_->address()}));
    store_ = std::make_unique<RedisReportStore>(redis_.get());
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone_));
    auto& s = directory_.snapshot();
    s.regions = {{"330483", "桐乡市"},
                 {"330483101", "濮院镇"},
                 {"330483102", "乌镇镇"},
                 {"330483101001", "濮院社区"}};
    s.departments = {{"d-city", "城管局"}};
    s.grid_managers = {{"m-1", "张三"}};
    s.manager_grids = {{"m-1", {"330483101001001"}}};
    reports_ = std::make_unique<stats::Reports>(&queries_, store_.get(),
                                                &directory_, &clock_, zone_);
  }

  // Reports per town on a day "YYYYMMDD" (and in the city).
  void SetDay(const std::string& day, int64_t puyuan, int64_t wuzhen) {
    days_.days[day] = {{"330483101", Reports(puyuan)},
                       {"330483102", Reports(wuzhen)},
                       {"330483", Reports(puyuan + wuzhen)}};
  }

  v1::PublishReportRequest Daily(const std::string& date) {
    v1::PublishReportRequest r;
    r.set_region_code("330483");
    r.set_period_kind(v1::REPORT_PERIOD_DAY);
    r.set_date(date);
    r.set_indicator(v1::INDICATOR_REPORTS);
    return r;
  }

  const v1::ReportRow& Town(const v1::Report& r, const std::string& key) {
    for (const v1::ReportRow& row : r.rankings(0).rows()) {
      if (row.entry().key() == key) return row;
    }
    ADD_FAILURE() << "no row " << key;
    return r.rankings(0).rows(0);
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<RedisReportStore> store_;
  absl::TimeZone zone_;
  DayReader days_;
  FakeDirectory directory_;
  // 2026-12-06 10:00 in Shanghai, a Sunday.
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 12, 6, 10, 0, 0),
                                   absl::FixedTimeZone(8 * 3600))};
  FakePatrols patrols_;
  StatsQueries queries_{&days_, &directory_, &clock_, DefaultWeights(),
                        &patrols_};
  std::unique_ptr<stats::Reports> reports_;
};

TEST_F(ReportsTest, APublishedReportIsFrozenAndPublishedOnce) {
  SetDay("20261205", 4, 2);
  ASSERT_OK_AND_ASSIGN(auto first,
                       reports_->Publish(Daily("2026-12-05"), "chief-1"));
  EXPECT_TRUE(first.created());
  const v1::Report& r = first.report();
  EXPECT_EQ(r.report_id(), "330483-D20261205-1");
  EXPECT_EQ(r.region_name(), "桐乡市");
  EXPECT_EQ(r.status(), v1::REPORT_STATUS_CURRENT);
  EXPECT_EQ(r.published_by(), "chief-1");
  EXPECT_TRUE(r.period_complete());
  EXPECT_EQ(r.summary().reports(), 6);
  ASSERT_EQ(r.rankings_size(), 3);  // towns, departments, grid managers
  EXPECT_EQ(r.rankings(0).level(), v1::RANKING_LEVEL_TOWN);
  EXPECT_EQ(r.rankings(1).level(), v1::RANKING_LEVEL_DEPARTMENT);
  EXPECT_EQ(r.rankings(2).level(), v1::RANKING_LEVEL_GRID_MANAGER);
  EXPECT_EQ(r.rankings(0).rows(0).entry().key(), "330483101");

  // Later events change the live numbers, not the report.
  SetDay("20261205", 4, 9);
  clock_.Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(auto again,
                       reports_->Publish(Daily("2026-12-05"), "chief-2"));
  EXPECT_FALSE(again.created());
  EXPECT_EQ(again.report().SerializeAsString(), r.SerializeAsString());
  v1::GetReportRequest get;
  get.set_report_id(r.report_id());
  ASSERT_OK_AND_ASSIGN(v1::Report fetched, reports_->Get(get));
  EXPECT_EQ(fetched.SerializeAsString(), r.SerializeAsString());
  EXPECT_EQ(fetched.summary().reports(), 6);
}

TEST_F(ReportsTest, RacingPublishersStoreOneReport) {
  SetDay("20261205", 1, 1);
  std::atomic<int> created{0};
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<v1::PublishReportResponse> r =
          reports_->Publish(Daily("2026-12-05"), "cron");
      ASSERT_OK(r.status());
      created += r->created();
      ids[i] = r->report().report_id();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  for (const std::string& id : ids) EXPECT_EQ(id, "330483-D20261205-1");
}

TEST_F(ReportsTest, AReissueSupersedesAndTheListKeepsBoth) {
  SetDay("20261205", 1, 2);
  ASSERT_OK(reports_->Publish(Daily("2026-12-05"), "chief").status());
  v1::PublishReportRequest reissue = Daily("2026-12-05");
  reissue.set_reissue(true);
  EXPECT_THAT(reports_->Publish(reissue, "chief"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reason: is required with reissue")));
  reissue.set_reason("乌镇镇漏报两起，重新通报");
  SetDay("20261205", 1, 4);
  ASSERT_OK_AND_ASSIGN(auto second, reports_->Publish(reissue, "chief"));
  EXPECT_TRUE(second.created());
  EXPECT_EQ(second.report().report_id(), "330483-D20261205-2");
  EXPECT_EQ(second.report().revision(), 2);
  EXPECT_EQ(second.report().summary().reports(), 5);
  EXPECT_EQ(second.report().reason(), "乌镇镇漏报两起，重新通报");

  v1::GetReportRequest get;
  get.set_report_id("330483-D20261205-1");
  ASSERT_OK_AND_ASSIGN(v1::Report old, reports_->Get(get));
  EXPECT_EQ(old.status(), v1::REPORT_STATUS_SUPERSEDED);
  EXPECT_EQ(old.superseded_by(), "330483-D20261205-2");
  EXPECT_EQ(old.summary().reports(), 3);

  // Publishing again without reissue returns revision 2.
  ASSERT_OK_AND_ASSIGN(auto third, reports_->Publish(Daily("2026-12-05"), "x"));
  EXPECT_FALSE(third.created());
  EXPECT_EQ(third.report().report_id(), "330483-D20261205-2");

  // Another day and a week; listed by the first day of their period, newest
  // first, the current revision first, one page at a time.
  SetDay("20261206", 1, 1);
  ASSERT_OK(reports_->Publish(Daily("2026-12-06"), "chief").status());
  v1::PublishReportRequest week = Daily("2026-12-01");
  week.set_period_kind(v1::REPORT_PERIOD_WEEK);
  ASSERT_OK_AND_ASSIGN(auto w, reports_->Publish(week, "chief"));
  EXPECT_EQ(w.report().report_id(), "330483-W20261130-1");
  EXPECT_FALSE(w.report().period_complete());  // the week ends today
  v1::ListReportsRequest list;
  list.set_region_code("330483");
  list.set_page_size(2);
  std::vector<std::string> got;
  do {
    ASSERT_OK_AND_ASSIGN(v1::ListReportsResponse page, reports_->List(list));
    for (const v1::Report& r : page.reports()) {
      EXPECT_EQ(r.rankings_size(), 0);  // summaries only
      got.push_back(r.report_id() + ":" +
                    v1::ReportStatus_Name(r.status()).substr(14));
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_THAT(got, ::testing::ElementsAre("330483-D20261206-1:CURRENT",
                                          "330483-D20261205-2:CURRENT",
                                          "330483-D20261205-1:SUPERSEDED",
                                          "330483-W20261130-1:CURRENT"));
  // A token is bound to the filters it was made for.
  list.set_page_token("");
  ASSERT_OK_AND_ASSIGN(v1::ListReportsResponse first, reports_->List(list));
  ASSERT_FALSE(first.next_page_token().empty());
  list.set_page_token(first.next_page_token());
  list.set_period_kind(v1::REPORT_PERIOD_WEEK);
  EXPECT_THAT(reports_->List(list), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("page_token")));
  list.set_page_token("");
  ASSERT_OK_AND_ASSIGN(v1::ListReportsResponse weeks, reports_->List(list));
  ASSERT_EQ(weeks.reports_size(), 1);
  EXPECT_EQ(weeks.reports(0).report_id(), "330483-W20261130-1");
}

TEST_F(ReportsTest, ThePreviousPeriodGivesRateAndRankMoves) {
  SetDay("20261204", 5, 1);
  SetDay("20261205", 2, 6);
  ASSERT_OK_AND_ASSIGN(auto r, reports_->Publish(Daily("2026-12-05"), "c"));
  const v1::Report& report = r.report();
  EXPECT_EQ(report.previous_period().start_date(), "2026-12-04");
  EXPECT_EQ(report.previous_report_id(), "");  // computed at publication
  EXPECT_EQ(report.previous_summary().reports(), 6);
  EXPECT_EQ(report.summary().reports(), 8);
  const v1::ReportRow& wuzhen = Town(report, "330483102");
  EXPECT_EQ(wuzhen.entry().rank(), 1);
  EXPECT_EQ(wuzhen.previous_rank(), 2);
  EXPECT_EQ(wuzhen.rank_change(), 1);
  EXPECT_EQ(wuzhen.value_change(), 5);
  const v1::ReportRow& puyuan = Town(report, "330483101");
  EXPECT_EQ(puyuan.previous_rank(), 1);
  EXPECT_EQ(puyuan.rank_change(), -1);
  EXPECT_EQ(puyuan.previous_value(), 5);
  EXPECT_EQ(puyuan.value_change(), -3);

  // With the previous day published, the 环比 compares with what was
  // published, not with what the aggregates say now.
  ASSERT_OK(reports_->Publish(Daily("2026-12-04"), "c").status());
  SetDay("20261204", 0, 9);  // events after that publication
  v1::PublishReportRequest again = Daily("2026-12-05");
  again.set_reissue(true);
  again.set_reason("按已发布的前一日通报计算环比");
  ASSERT_OK_AND_ASSIGN(r, reports_->Publish(again, "c"));
  EXPECT_EQ(r.report().previous_report_id(), "330483-D20261204-1");
  EXPECT_EQ(Town(r.report(), "330483101").previous_value(), 5);
  EXPECT_EQ(r.report().previous_summary().reports(), 6);
}

TEST_F(ReportsTest, WithoutADateTheLastEndedPeriodIsPublished) {
  v1::PublishReportRequest req = Daily("");
  ASSERT_OK_AND_ASSIGN(auto d, reports_->Publish(req, "cron"));
  EXPECT_EQ(d.report().period().start_date(), "2026-12-05");
  req.set_period_kind(v1::REPORT_PERIOD_WEEK);
  ASSERT_OK_AND_ASSIGN(auto w, reports_->Publish(req, "cron"));
  EXPECT_EQ(w.report().period().start_date(), "2026-11-23");
  EXPECT_EQ(w.report().period().end_date(), "2026-11-29");
  req.set_period_kind(v1::REPORT_PERIOD_MONTH);
  req.set_region_code("330483101");
  ASSERT_OK_AND_ASSIGN(auto m, reports_->Publish(req, "cron"));
  EXPECT_EQ(m.report().report_id(), "330483101-M20261101-1");
  EXPECT_EQ(m.report().period().end_date(), "2026-11-30");
  EXPECT_TRUE(m.report().period_complete());
  // A town report ranks its communities and its grid managers.
  ASSERT_EQ(m.report().rankings_size(), 2);
  EXPECT_EQ(m.report().rankings(0).level(), v1::RANKING_LEVEL_COMMUNITY);
  EXPECT_EQ(m.report().rankings(1).rows(0).entry().key(), "m-1");
}

TEST_F(ReportsTest, BadInputNamesTheFieldAndTheRule) {
  auto publish_error = [&](v1::PublishReportRequest req) {
    return reports_->Publish(req, "c").status();
  };
  v1::PublishReportRequest req = Daily("2026-12-05");
  req.set_region_code("33048");
  EXPECT_THAT(publish_error(req),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("region_code: must be a city (6 digits) or "
                                 "town (9 digits) code")));
  req.set_region_code("330484");
  EXPECT_THAT(publish_error(req),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("region_code")));
  req = Daily("2026-12-05");
  req.set_period_kind(v1::REPORT_PERIOD_UNSPECIFIED);
  EXPECT_THAT(publish_error(req), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("period_kind")));
  EXPECT_THAT(
      publish_error(Daily("2026-12-07")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("date: must not be after today (2026-12-06)")));
  EXPECT_THAT(publish_error(Daily("2026-12-5")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("date: must be a date YYYY-MM-DD")));
  req = Daily("2026-12-05");
  req.set_reason("no reissue");
  EXPECT_THAT(publish_error(req),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reason: is only taken with reissue")));
  req.set_reissue(true);
  req.set_reason(std::string(501 * 3, 'x'));
  EXPECT_THAT(publish_error(req),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reason: must be at most 500 characters")));
  std::string chinese;
  for (int i = 0; i < 500; ++i) chinese += "漏";
  req.set_reason(chinese);  // 500 characters, 1,500 bytes
  EXPECT_OK(publish_error(req));

  v1::GetReportRequest get;
  for (const char* id : {"", "330483-X20261205-1", "330483-D20261305-1",
                         "330483-D20261205-0", "33048-D20261205-1"}) {
    get.set_report_id(id);
    EXPECT_THAT(reports_->Get(get),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("report_id: must be a report id")))
        << id;
  }
  get.set_report_id("330483-D20261204-1");
  EXPECT_THAT(reports_->Get(get), StatusIs(absl::StatusCode::kNotFound,
                                           HasSubstr("report_id: no report")));
  v1::ListReportsRequest list;
  list.set_region_code("330483");
  list.set_page_size(-1);
  EXPECT_THAT(reports_->List(list), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("page_size")));
  list.set_page_size(0);
  list.set_page_token("garbage");
  EXPECT_THAT(reports_->List(list), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("page_token")));
}

// The worked example of docs/indicators.md ("Worked example": seven cases in
// 濮院镇 on one day, numbers worked out by hand) published as a daily report
// ranked by 按期处置率, exported as CSV and compared with a golden file
// byte for byte, and as XLSX, read back with Python's zipfile and XML
// modules. GRIDCASE_UPDATE_GOLDEN=1 rewrites the golden file.
TEST_F(ReportsTest, TheWorkedExampleExportsAsTheGoldenFile) {
  Counts town;
  for (auto [counter, n] : std::vector<std::pair<C, int64_t>>{
           {C::kReports, 7},        {C::kMerged, 1},
           {C::kVoided, 1},         {C::kValidReports, 5},
           {C::kRegistered, 5},     {C::kRegisteredOnTime, 5},
           {C::kDispatched, 6},     {C::kDispatchedAccurately, 5},
           {C::kReturned, 1},       {C::kHandled, 4},
           {C::kDueToHandle, 5},    {C::kHandledOnTime, 3},
           {C::kVerified, 4},       {C::kDueToVerify, 4},
           {C::kVerifiedOnTime, 4}, {C::kReworked, 1},
           {C::kExtended, 1},       {C::kClosed, 3},
           {C::kClosedOnTime, 2},   {C::kClosedOverdue, 1},
           {C::kDueToClose, 4}}) {
    town[counter] = n;
  }
  // Sanitation had A, B until the return, C, F and G; works had B after.
  Counts sanitation, works;
  sanitation[C::kDispatched] = 5;
  sanitation[C::kDispatchedAccurately] = 4;
  sanitation[C::kReturned] = 1;
  sanitation[C::kHandled] = 2;
  sanitation[C::kDueToHandle] = 3;
  sanitation[C::kHandledOnTime] = 1;
  works[C::kDispatched] = 1;
  works[C::kDispatchedAccurately] = 1;
  works[C::kHandled] = 2;
  works[C::kDueToHandle] = 2;
  works[C::kHandledOnTime] = 2;
  works[C::kReworked] = 1;
  days_.days["20261205"] = {{"330483", town},
                            {"330483101", town},
                            {"sanitation", sanitation},
                            {"works", works}};
  days_.now = {{"330483", NowCounts{.open = 2, .red = 1}},
               {"330483101", NowCounts{.open = 2, .red = 1}}};
  days_.cells = {{.grid = "330483101002002",
                  .category = "E0101",
                  .source = "SOURCE_GRID_PATROL",
                  .reports = 5,
                  .open = 1},
                 {.grid = "330483101002002",
                  .category = "E0102",
                  .source = "SOURCE_GRID_PATROL",
                  .reports = 2,
                  .open = 1,
                  .red = 1}};
  // Two grid managers (the reader does not tell dimensions apart, so each
  // one's counts are both what they reported and what they verified):
  // m-1 reported 3 (2 valid, 1 self-handled) and verified 2 (1 on time);
  // m-2 reported 1, valid. m-1 patrolled their one grid, m-2 one of two.
  Counts m1, m2;
  m1[C::kReports] = 3;
  m1[C::kValidReports] = 2;
  m1[C::kSelfHandled] = 1;
  m1[C::kVerified] = 2;
  m1[C::kDueToVerify] = 2;
  m1[C::kVerifiedOnTime] = 1;
  m2[C::kReports] = 1;
  m2[C::kValidReports] = 1;
  days_.days["20261205"]["m-1"] = m1;
  days_.days["20261205"]["m-2"] = m2;
  patrols_.members["m-1"] = {
      .grids_visited = {"330483101001001"}, .patrols = 2, .check_ins = 5};
  patrols_.members["m-2"] = {
      .grids_visited = {"330483101002001", "330483102001001"},
      .patrols = 1,
      .check_ins = 1};
  auto& s = directory_.snapshot();
  s.grid_managers["m-2"] = "李四";
  s.manager_grids["m-2"] = {"330483101002001", "330483101002002"};
  s.departments = {{"sanitation", "环卫所"}, {"works", "城建办"}};
  s.regions["330483101002002"] = "濮院镇第二网格";
  s.categories = {{"E0101", "暴露垃圾"}, {"E0102", "道路不洁"}};
  v1::PublishReportRequest req = Daily("2026-12-05");
  req.set_indicator(v1::INDICATOR_ON_TIME_HANDLE_RATE);
  ASSERT_OK_AND_ASSIGN(auto published, reports_->Publish(req, "chief-1"));
  const v1::Report& report = published.report();
  // 100 × (0.30·0.5 + 0.20·0.75 + 0.15·0.6 + 0.10·0.75 + 0.10·5/6 + 0.05·1
  // + 0.05·1 + 0.05·5/6) = 69.0, as the document works out.
  EXPECT_NEAR(report.summary().composite_score(), 69.0, 1e-9);
  EXPECT_EQ(report.summary().open_overdue_now(), 1);
  // The grid managers by their work, as docs/indicators.md works it out:
  // m-1 100 × (30·1 + 15·2/3 + 15·1/2 + 20·3/3 + 10·1/1 + 10·2/2) / 100 =
  // 87.5; m-2 (one of two grids; a grid of another town is not theirs)
  // 100 × (30·1/2 + 15·1 + 20·1/3 + 10·0 + 10·0) / 85 = 43.14 (no
  // verification due: that part is left out).
  ASSERT_EQ(report.rankings(2).level(), v1::RANKING_LEVEL_GRID_MANAGER);
  EXPECT_EQ(report.rankings(2).indicator(), v1::INDICATOR_GRID_MEMBER_SCORE);
  ASSERT_EQ(report.rankings(2).rows_size(), 2);
  const v1::RankingEntry& first = report.rankings(2).rows(0).entry();
  const v1::RankingEntry& second = report.rankings(2).rows(1).entry();
  EXPECT_EQ(first.key(), "m-1");
  EXPECT_NEAR(first.value(), 87.5, 1e-9);
  EXPECT_EQ(first.work().grids_visited(), 1);
  EXPECT_EQ(first.work().verified(), 2);
  EXPECT_NEAR(first.work().on_time_verify_rate().value(), 0.5, 1e-9);
  EXPECT_EQ(second.key(), "m-2");
  EXPECT_NEAR(second.value(), 100.0 * (15 + 15 + 20.0 / 3) / 85, 1e-9);
  EXPECT_EQ(second.work().grids(), 2);
  EXPECT_EQ(second.work().grids_visited(), 1);
  EXPECT_NEAR(second.work().patrol_coverage().value(), 0.5, 1e-9);
  EXPECT_FALSE(second.work().on_time_verify_rate().defined());

  std::ostringstream csv;
  exporter::CsvSink sink(&csv, {.section_titles = true});
  ASSERT_OK(exporter::WriteReport(report, &sink));
  ASSERT_OK(sink.Finish());
  const std::string golden = std::string(GRIDCASE_SOURCE_DIR) +
                             "/services/stats/testdata/worked_example.csv";
  if (std::getenv("GRIDCASE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << csv.str();
  }
  std::ifstream in(golden, std::ios::binary);
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(csv.str(), want.str()) << "GRIDCASE_UPDATE_GOLDEN=1 rewrites "
                                   << golden << " after a deliberate change";

  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  ASSERT_OK_AND_ASSIGN(auto xlsx,
                       exporter::XlsxSink::Create(dir.File("r.xlsx")));
  ASSERT_OK(exporter::WriteReport(report, xlsx.get()));
  ASSERT_OK(xlsx->Finish());
  ASSERT_OK_AND_ASSIGN(
      auto cells, exporter::ReadXlsx(GRIDCASE_SOURCE_DIR, dir.File("r.xlsx")));
  EXPECT_EQ(cells["通报!B2"].value, "330483-D20261205-1");
  EXPECT_EQ(cells["概况!A2"].value, "上报数");
  EXPECT_EQ(cells["概况!B2"].value, "7");
  // 有效上报率 5/7 and 按期结案率 2/4, as numbers with a percentage format.
  EXPECT_EQ(cells["概况!A24"].value, "有效上报率");
  EXPECT_NEAR(std::stod(cells["概况!B24"].value), 5.0 / 7, 1e-9);
  EXPECT_EQ(cells["概况!B24"].format, "0.0%");
  EXPECT_EQ(cells["概况!A29"].value, "按期结案率");
  EXPECT_EQ(cells["概况!B29"].value, "0.5");
  EXPECT_EQ(cells["概况!C29"].value, "—");  // nothing the day before
  EXPECT_EQ(cells["概况!A37"].value, "综合指标值");
  EXPECT_NEAR(std::stod(cells["概况!B37"].value), 69.0, 1e-9);
  EXPECT_EQ(cells["概况!B23"].value, "1");  // 超期未处置数: G
  // Departments by 按期处置率: works 2/2, then sanitation 1/3.
  EXPECT_EQ(cells["部门排名!C2"].value, "城建办");
  EXPECT_EQ(cells["部门排名!D2"].value, "1");
  EXPECT_EQ(cells["部门排名!C3"].value, "环卫所");
  EXPECT_NEAR(std::stod(cells["部门排名!D3"].value), 1.0 / 3, 1e-9);
  EXPECT_EQ(cells["热点类别!A2"].value, "E0101");
  EXPECT_EQ(cells["热点类别!C2"].value, "5");
  EXPECT_EQ(cells["热点类别!E3"].value, "1");  // G: open and overdue
}

}  // namespace
}  // namespace gridcase::stats
