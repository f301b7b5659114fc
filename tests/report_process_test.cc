// Published reports (通报) and exports against the real stack: a day is
// published frozen (later events change the live numbers, not the report),
// compared with the day before (环比), exported by gridctl as CSV and XLSX
// (read back with Python's zipfile and XML modules); each period is
// published exactly once however many publishers race on two replicas; a
// case export streams every page of a ListCases filter.
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/clock/timestamp.h"
#include "common/export/export_testing.h"
#include "common/redis/redis_pool.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "common/testing/temp_dir.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "tests/stats_stack.h"

namespace gridcase {
namespace {

using ::gridcase::testing::Gridctl;
using ::gridcase::testing::Has;
using ::gridcase::testing::kChief;
using ::gridcase::testing::kTown;
using ::gridcase::testing::ReadFile;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::StatsProcessTest;
using ::gridcase::testing::TempDir;
using ::gridcase::testing::WithActor;
using ::testing::HasSubstr;

constexpr char kWuzhen[] = "330483102";  // 乌镇镇
constexpr char kCron[] = "subject=svc:report-cron; roles=system";
constexpr int kShards = 16;  // the services' default

class ReportProcessTest : public StatsProcessTest {
 protected:
  void SetUp() override {
    StatsProcessTest::SetUp();
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai_));
    today_ = absl::ToCivilDay(absl::Now(), shanghai_);
  }

  // A report in `town` on `day`, as intake's script would stream it
  // (REPORTED only: it counts as a report of that day).
  void StreamReport(const std::string& town, absl::CivilDay day, int n) {
    ASSERT_OK_AND_ASSIGN(
        auto redis, redis::RedisPool::Create({.address = redis_->address()}));
    int shard = store::ShardOf(town, kShards);
    std::string id = store::FormatCaseId(
        town.substr(0, 6),
        absl::FormatTime("%Y%m%d", absl::FromCivil(day, shanghai_), shanghai_),
        shard + kShards * (9000 + n));
    v1::CaseEvent e;
    e.set_type(v1::CASE_EVENT_TYPE_REPORTED);
    e.set_to_state(v1::CASE_STATE_REPORTED);
    e.set_case_version(1);
    *e.mutable_time() =
        ToTimestamp(absl::FromCivil(day, shanghai_) + absl::Hours(10));
    v1::CaseDimensions* d = e.mutable_dimensions();
    d->set_city_code("330483");
    d->set_town_code(town);
    d->set_community_code(town + "001");
    d->set_grid_code(town + "001001");
    d->set_category_code("E0101");
    d->set_category_major_code("E01");
    d->set_source(v1::SOURCE_WECHAT);
    d->set_reporter_kind(v1::REPORTER_KIND_CITIZEN);
    d->set_report_date(absl::FormatCivilTime(day));
    ASSERT_OK(redis
                  ->Command({"XADD", store::EventsKey(shard), "*", "type",
                             "case.reported", "case", id, "related", "", "pb",
                             e.SerializeAsString()})
                  .status());
  }

  // Reports of `region` on `day`, polled until they reach `want`.
  void AwaitReports(const std::string& region, absl::CivilDay day,
                    int64_t want) {
    v1::SummaryRequest req;
    req.mutable_scope()->set_kind(v1::SCOPE_KIND_REGION);
    req.mutable_scope()->set_code(region);
    req.mutable_period()->set_start_date(absl::FormatCivilTime(day));
    req.mutable_period()->set_end_date(absl::FormatCivilTime(day));
    int64_t got = -1;
    for (absl::Time until = absl::Now() + absl::Seconds(20);
         absl::Now() < until; absl::SleepFor(absl::Milliseconds(100))) {
      grpc::ClientContext context;
      WithActor(&context, kChief);
      v1::SummaryResponse resp;
      if (stats_stub_->Summary(&context, req, &resp).ok()) {
        got = resp.indicators().reports();
        if (got >= want) break;
      }
    }
    ASSERT_EQ(got, want) << region << " on " << day;
  }

  absl::StatusOr<v1::PublishReportResponse> Publish(
      const v1::PublishReportRequest& req, const std::string& actor = kChief) {
    grpc::ClientContext context;
    WithActor(&context, actor);
    v1::PublishReportResponse resp;
    RETURN_IF_ERROR(
        FromGrpcStatus(stats_stub_->PublishReport(&context, req, &resp)));
    return resp;
  }

  absl::StatusOr<v1::Report> Get(const std::string& id) {
    grpc::ClientContext context;
    WithActor(&context, kChief);
    v1::GetReportRequest req;
    req.set_report_id(id);
    v1::GetReportResponse resp;
    RETURN_IF_ERROR(
        FromGrpcStatus(stats_stub_->GetReport(&context, req, &resp)));
    return resp.report();
  }

  v1::PublishReportRequest Today() {
    v1::PublishReportRequest req;
    req.set_region_code("330483");
    req.set_period_kind(v1::REPORT_PERIOD_DAY);
    req.set_date(absl::FormatCivilTime(today_));
    req.set_indicator(v1::INDICATOR_REPORTS);
    return req;
  }

  absl::TimeZone shanghai_;
  absl::CivilDay today_;
};

const v1::ReportRow* TownRow(const v1::Report& r, const std::string& town) {
  for (const v1::ReportRow& row : r.rankings(0).rows()) {
    if (row.entry().key() == town) return &row;
  }
  return nullptr;
}

TEST_F(ReportProcessTest, ADayIsPublishedFrozenComparedAndExported) {
  // Yesterday: Puyuan 1 report, Wuzhen 3. Today: Puyuan 2, Wuzhen 1.
  StreamReport(kTown, today_ - 1, 1);
  for (int i = 2; i <= 4; ++i) StreamReport(kWuzhen, today_ - 1, i);
  StreamReport(kWuzhen, today_, 5);
  std::string a = Report(true, "E0101", 1);
  std::string b = Report(true, "E0101", 2);
  AwaitReports(kTown, today_ - 1, 1);
  AwaitReports(kWuzhen, today_ - 1, 3);
  AwaitReports(kTown, today_, 2);
  AwaitReports(kWuzhen, today_, 1);

  ASSERT_OK_AND_ASSIGN(v1::PublishReportResponse published, Publish(Today()));
  ASSERT_TRUE(published.created());
  const v1::Report& report = published.report();
  EXPECT_EQ(
      report.report_id(),
      absl::StrCat("330483-D",
                   absl::FormatTime(
                       "%Y%m%d", absl::FromCivil(today_, shanghai_), shanghai_),
                   "-1"));
  EXPECT_EQ(report.published_by(), "chief-1");
  EXPECT_FALSE(report.period_complete());
  EXPECT_EQ(report.summary().reports(), 3);
  EXPECT_EQ(report.previous_summary().reports(), 4);
  // 环比: Puyuan moved up from 2nd (1 report) to 1st (2); Wuzhen down.
  const v1::ReportRow* puyuan = TownRow(report, kTown);
  const v1::ReportRow* wuzhen = TownRow(report, kWuzhen);
  ASSERT_NE(puyuan, nullptr);
  ASSERT_NE(wuzhen, nullptr);
  EXPECT_EQ(puyuan->entry().rank(), 1);
  EXPECT_EQ(puyuan->previous_rank(), 2);
  EXPECT_EQ(puyuan->rank_change(), 1);
  EXPECT_EQ(puyuan->value_change(), 1);
  EXPECT_EQ(wuzhen->entry().rank(), 2);
  EXPECT_EQ(wuzhen->rank_change(), -1);
  EXPECT_EQ(wuzhen->value_change(), -2);

  // Later events move the live numbers; the report stays as published.
  std::string c = Report(true, "E0101", 3);
  WaitFor(c, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  AwaitReports(kTown, today_, 3);
  ASSERT_OK_AND_ASSIGN(v1::Report fetched, Get(report.report_id()));
  EXPECT_EQ(fetched.SerializeAsString(), report.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(v1::PublishReportResponse again, Publish(Today()));
  EXPECT_FALSE(again.created());
  EXPECT_EQ(again.report().SerializeAsString(), report.SerializeAsString());
  // A restart of stats (a new process, a new query cache) changes nothing.
  stats_.reset();
  ASSERT_NO_FATAL_FAILURE(StartStats());
  ASSERT_OK_AND_ASSIGN(fetched, Get(report.report_id()));
  EXPECT_EQ(fetched.SerializeAsString(), report.SerializeAsString());

  // gridctl writes the files.
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  std::string out, err;
  ASSERT_EQ(
      Gridctl(stats_->target(), kChief,
              {"stats", "report", report.report_id(),
               "--csv=" + dir.File("r.csv"), "--xlsx=" + dir.File("r.xlsx")},
              &out, &err),
      0)
      << err;
  EXPECT_THAT(out, HasSubstr("镇街排名"));
  std::string csv = ReadFile(dir.File("r.csv"));
  EXPECT_TRUE(absl::StartsWith(csv, "\xEF\xBB\xBF通报\r\n"))
      << csv.substr(0, 40);
  EXPECT_THAT(csv, HasSubstr(absl::StrCat("1,", kTown, ",濮院镇,2,2,1,1,1,")));
  ASSERT_OK_AND_ASSIGN(
      auto cells, exporter::ReadXlsx(GRIDCASE_SOURCE_DIR, dir.File("r.xlsx")));
  EXPECT_EQ(cells["通报!B2"].value, report.report_id());
  EXPECT_EQ(cells["概况!A2"].value, "上报数");
  EXPECT_EQ(cells["概况!B2"].value, "3");
  EXPECT_EQ(cells["概况!C2"].value, "4");
  EXPECT_EQ(cells["镇街排名!C2"].value, "濮院镇");
  EXPECT_EQ(cells["镇街排名!D2"].value, "2");
  EXPECT_EQ(cells["镇街排名!F2"].value, "1");  // up one place
}

// The schedule is a CronJob per period kind running `gridctl stats publish`
// (deploy/k8s/base/report-cronjobs.yaml); a CronJob may start a job twice,
// and replicas answer in parallel. Six publishers on two replicas at once:
// one report, published once; the other five are told it exists.
TEST_F(ReportProcessTest, EachPeriodIsPublishedOnceAcrossReplicas) {
  ASSERT_OK_AND_ASSIGN(
      auto second,
      ServiceProcess::Start(
          {.binary = GRIDCASE_STATS_BIN,
           .redis = redis_->address(),
           .extra_args = {absl::StrCat("--registry=", registry_->target()),
                          "--consumer=stats-2"}}));
  std::vector<std::string> outs(6), errs(6);
  std::vector<int> codes(6);
  std::vector<std::thread> publishers;
  for (int i = 0; i < 6; ++i) {
    publishers.emplace_back([&, i] {
      codes[i] = Gridctl(
          i % 2 == 0 ? stats_->target() : second->target(), kCron,
          {"stats", "publish", "--region=330483", "--period=day", "--quiet"},
          &outs[i], &errs[i]);
    });
  }
  for (std::thread& t : publishers) t.join();
  int published = 0, already = 0;
  std::string id;
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(codes[i], 0) << errs[i];
    std::vector<std::string> words = absl::StrSplit(errs[i], ' ');
    published += absl::StartsWith(errs[i], "published ");
    already += absl::StartsWith(errs[i], "already published ");
    std::string this_id(absl::StripTrailingAsciiWhitespace(words.back()));
    if (id.empty()) id = this_id;
    EXPECT_EQ(this_id, id);
  }
  EXPECT_EQ(published, 1);
  EXPECT_EQ(already, 5);
  // Without --date: yesterday, the last day that has ended.
  EXPECT_EQ(
      id, absl::StrCat(
              "330483-D",
              absl::FormatTime("%Y%m%d", absl::FromCivil(today_ - 1, shanghai_),
                               shanghai_),
              "-1"));
  grpc::ClientContext context;
  WithActor(&context, kChief);
  v1::ListReportsRequest list;
  list.set_region_code("330483");
  v1::ListReportsResponse listed;
  ASSERT_TRUE(stats_stub_->ListReports(&context, list, &listed).ok());
  ASSERT_EQ(listed.reports_size(), 1);
  EXPECT_EQ(listed.reports(0).report_id(), id);
  EXPECT_EQ(listed.reports(0).published_by(), "svc:report-cron");

  // Only the duty chief, an admin or the system publishes.
  std::string out, err;
  EXPECT_EQ(Gridctl(stats_->target(), "subject=d-1; roles=dispatcher",
                    {"stats", "publish", "--region=330483", "--period=week"},
                    &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("PERMISSION_DENIED"));
}

// gridctl case export reads a ListCases filter page by page and writes
// every row: 7 cases in pages of 3.
TEST_F(ReportProcessTest, ACaseExportStreamsEveryPageOfAFilter) {
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(Report(true, "E0101", 10 + i));
  for (const std::string& id : ids) {
    WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  }
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  std::string out, err;
  ASSERT_EQ(
      Gridctl(intake_->target(), kChief,
              {"case", "export", absl::StrCat("--region=", kTown),
               "--period=today", "--source=grid_patrol", "--page-size=3",
               "--csv=" + dir.File("c.csv"), "--xlsx=" + dir.File("c.xlsx")},
              &out, &err),
      0)
      << err;
  EXPECT_THAT(err, HasSubstr("wrote 7 cases"));
  std::string csv = ReadFile(dir.File("c.csv"));
  std::vector<std::string> lines =
      absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 8u) << csv;
  EXPECT_TRUE(absl::StartsWith(lines[0], "\xEF\xBB\xBF案件编号,状态,来源"));
  for (const std::string& id : ids)
    EXPECT_THAT(csv, HasSubstr(id + ",已派遣,网格巡查"));
  ASSERT_OK_AND_ASSIGN(
      auto cells, exporter::ReadXlsx(GRIDCASE_SOURCE_DIR, dir.File("c.xlsx")));
  EXPECT_EQ(cells["案件!A1"].value, "案件编号");
  EXPECT_EQ(cells["案件!B8"].value, "已派遣");
  EXPECT_FALSE(cells.count("案件!A9"));
  // Newest first: the first case reported is the last row. Dispatched, its
  // HANDLE attempt (columns AJ..AN) has started and has a deadline, as
  // date-times; nothing is completed yet.
  EXPECT_EQ(cells["案件!A8"].value, ids[0]);
  EXPECT_EQ(cells["案件!AK8"].format, "yyyy-mm-dd hh:mm:ss");
  EXPECT_GT(std::stod(cells["案件!AK8"].value), 46000);
  EXPECT_FALSE(cells.count("案件!AL8"));

  // A filter that selects nothing gives the header alone; a bad one names
  // the option.
  ASSERT_EQ(Gridctl(intake_->target(), kChief,
                    {"case", "export", "--state=closed",
                     "--csv=" + dir.File("none.csv")},
                    &out, &err),
            0)
      << err;
  std::vector<std::string> none =
      absl::StrSplit(ReadFile(dir.File("none.csv")), "\r\n", absl::SkipEmpty());
  EXPECT_EQ(none.size(), 1u);
  EXPECT_EQ(
      Gridctl(intake_->target(), kChief,
              {"case", "export", "--state=finished", "--csv=-"}, &out, &err),
      1);
  EXPECT_THAT(err, HasSubstr("--state: 'finished' is not a state"));
}

}  // namespace
}  // namespace gridcase
