// gridcase-stats against real processes (tests/case_stack.h plus stats): a
// scripted set of Puyuan cases goes through intake and dispatch, and Summary,
// Ranking, Trend and Hotspots must give the numbers worked out by hand below,
// as must the dashboard gauges on /metrics.
#include <google/protobuf/util/json_util.h>
#include <signal.h>

#include <functional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/testing/in_process_server.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "tests/case_stack.h"

namespace gridcase {
namespace {

using ::gridcase::testing::CaseStackTest;
using ::gridcase::testing::Gridctl;
using ::gridcase::testing::Has;
using ::gridcase::testing::kAcceptor;
using ::gridcase::testing::kChief;
using ::gridcase::testing::kCitizen;
using ::gridcase::testing::kDispatcher;
using ::gridcase::testing::kInspector;
using ::gridcase::testing::kSanitation;
using ::gridcase::testing::kWorks;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::StatusIs;
using ::gridcase::testing::WithActor;
using ::testing::HasSubstr;

constexpr char kTown[] = "330483101";  // 濮院镇

class StatsProcessTest : public CaseStackTest {
 protected:
  void SetUp() override {
    CaseStackTest::SetUp();
    ASSERT_OK_AND_ASSIGN(
        stats_,
        ServiceProcess::Start(
            {.binary = GRIDCASE_STATS_BIN,
             .redis = redis_->address(),
             .extra_args = {absl::StrCat("--registry=", registry_->target()),
                            "--gauge_interval=200ms", "--claim_idle=1s"}}));
    stats_stub_ = v1::StatsService::NewStub(stats_->NewChannel());
    absl::TimeZone shanghai;
    absl::LoadTimeZone("Asia/Shanghai", &shanghai);
    absl::CivilDay today = absl::ToCivilDay(absl::Now(), shanghai);
    // Yesterday to tomorrow: safe if the test runs across midnight.
    period_.set_start_date(absl::FormatCivilTime(today - 1));
    period_.set_end_date(absl::FormatCivilTime(today + 1));
  }

  absl::StatusOr<v1::SummaryResponse> Summary(
      v1::ScopeKind kind, const std::string& code,
      const std::string& actor = kChief) {
    v1::SummaryRequest req;
    req.mutable_scope()->set_kind(kind);
    req.mutable_scope()->set_code(code);
    *req.mutable_period() = period_;
    grpc::ClientContext context;
    WithActor(&context, actor);
    v1::SummaryResponse resp;
    RETURN_IF_ERROR(FromGrpcStatus(stats_stub_->Summary(&context, req, &resp)));
    return resp;
  }

  // Polls the town's Summary for up to 20 s until `done` holds; returns the
  // last indicators read (for the caller's expectations).
  v1::Indicators AwaitTownIndicators(
      const std::function<bool(const v1::Indicators&)>& done) {
    v1::Indicators x;
    absl::Time until = absl::Now() + absl::Seconds(20);
    while (absl::Now() < until) {
      absl::StatusOr<v1::SummaryResponse> s =
          Summary(v1::SCOPE_KIND_REGION, kTown);
      if (s.ok()) {
        x = s->indicators();
        if (done(x)) break;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    return x;
  }

  absl::StatusOr<v1::RankingResponse> Ranking(v1::RankingLevel level,
                                              v1::Indicator indicator) {
    v1::RankingRequest req;
    req.set_level(level);
    req.set_indicator(indicator);
    *req.mutable_period() = period_;
    grpc::ClientContext context;
    WithActor(&context, kChief);
    v1::RankingResponse resp;
    RETURN_IF_ERROR(FromGrpcStatus(stats_stub_->Ranking(&context, req, &resp)));
    return resp;
  }

  void Close(const std::string& id, const std::string& staff) {
    ASSERT_OK(
        AcknowledgeCase(staff, For<v1::AcknowledgeCaseRequest>(id)).status());
    ASSERT_OK(SubmitHandling(staff, Handled(id)).status());
    ASSERT_OK(VerifyCase(kInspector, Verify(id, true)).status());
  }

  std::unique_ptr<ServiceProcess> stats_;
  std::unique_ptr<v1::StatsService::Stub> stats_stub_;
  v1::DateRange period_;
};

TEST_F(StatsProcessTest, ScriptedDayGivesHandComputedIndicators) {
  // A: patrol, auto-dispatched to sanitation, handled and closed on time.
  std::string a = Report(true, "E0101", 10);
  WaitFor(a, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  Close(a, kSanitation);
  // B: citizen (manual review); registered and dispatched to sanitation,
  // returned, re-dispatched to works, reworked once, then closed on time.
  std::string b = Report(false, "E0101", 11);
  // E: a second report at B's spot, merged into B as a duplicate.
  std::string e = Report(false, "E0101", 11, "-again");
  ASSERT_NE(e, b);
  // D: citizen, voided.
  std::string d = Report(false, "E0101", 12);
  absl::SleepFor(absl::Milliseconds(300));  // let auto-routing look at them
  ASSERT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(b)).status());
  ASSERT_OK(
      DispatchCase(kDispatcher, For<v1::DispatchCaseRequest>(b)).status());
  auto ret = For<v1::ReturnCaseRequest>(b);
  ret.set_reason("属市政设施");
  ASSERT_OK(ReturnCase(kSanitation, ret).status());
  auto to_works = For<v1::DispatchCaseRequest>(b);
  to_works.set_department_id("works");
  ASSERT_OK(DispatchCase(kDispatcher, to_works).status());
  ASSERT_OK(
      AcknowledgeCase(kWorks, For<v1::AcknowledgeCaseRequest>(b)).status());
  ASSERT_OK(SubmitHandling(kWorks, Handled(b)).status());
  ASSERT_OK(VerifyCase(kInspector, Verify(b, false)).status());
  Close(b, kWorks);
  {
    v1::VoidCaseRequest v = For<v1::VoidCaseRequest>(d);
    v.set_reason("重复上报");
    grpc::ClientContext context;
    WithActor(&context, kAcceptor);
    v1::VoidCaseResponse resp;
    ASSERT_TRUE(stub_->VoidCase(&context, v, &resp).ok());
  }
  // C: patrol E0102 (2 s to handle): goes red, handled late, closed OVERDUE.
  std::string c = Report(true, "E0102", 13);
  WaitFor(c, Has(v1::CASE_EVENT_TYPE_OVERDUE));
  Close(c, kSanitation);
  // F: patrol, extension approved, left in progress (green).
  std::string f = Report(true, "E0101", 14);
  WaitFor(f, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  ASSERT_OK(AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(f))
                .status());
  auto ask = For<v1::RequestExtensionRequest>(f);
  ask.set_reason("需协调施工");
  ask.mutable_extra()->set_amount(2);
  ask.mutable_extra()->set_unit(v1::TIME_UNIT_CALENDAR_HOURS);
  ASSERT_OK(RequestExtension(kSanitation, ask).status());
  auto decide = For<v1::DecideExtensionRequest>(f);
  decide.set_approve(true);
  ASSERT_OK(DecideExtension(kChief, decide).status());
  // G: patrol E0102, left to go red: open and overdue now.
  std::string g = Report(true, "E0102", 15);
  WaitFor(g, Has(v1::CASE_EVENT_TYPE_OVERDUE));

  // By hand, for 濮院镇 (all seven cases are there):
  //   reports 7 (A B C D E F G), merged 1 (E), voided 1 (D),
  //   valid 5 (A B C F G), registered 5, all on time;
  //   dispatched 6 (A, B twice, C, F, G), accurately 5 (B's first was
  //   returned), returned 1;
  //   handled 4 (A, B twice, C); due to handle 5 (A, B, B, C red, G red),
  //   on time 3 (A, B, B);
  //   verified 4 (A, B fail, B pass, C), all due and on time; reworked 1;
  //   extended 1 (F);
  //   closed 3 (A, B normal; C overdue); due to close 4 (A B C closed, G's
  //   handling red); open overdue now 1 (G).
  v1::Indicators x = AwaitTownIndicators([](const v1::Indicators& i) {
    return i.reports() == 7 && i.closed() == 3 && i.due_to_handle() == 5 &&
           i.open_overdue_now() == 1 && i.extended() == 1;
  });
  EXPECT_EQ(x.reports(), 7);
  EXPECT_EQ(x.merged(), 1);
  EXPECT_EQ(x.voided(), 1);
  EXPECT_EQ(x.valid_reports(), 5);
  EXPECT_EQ(x.registered(), 5);
  EXPECT_EQ(x.registered_on_time(), 5);
  EXPECT_EQ(x.dispatched(), 6);
  EXPECT_EQ(x.dispatched_accurately(), 5);
  EXPECT_EQ(x.returned(), 1);
  EXPECT_EQ(x.handled(), 4);
  EXPECT_EQ(x.due_to_handle(), 5);
  EXPECT_EQ(x.handled_on_time(), 3);
  EXPECT_EQ(x.verified(), 4);
  EXPECT_EQ(x.verified_on_time(), 4);
  EXPECT_EQ(x.due_to_verify(), 4);
  EXPECT_EQ(x.reworked(), 1);
  EXPECT_EQ(x.extended(), 1);
  EXPECT_EQ(x.closed(), 3);
  EXPECT_EQ(x.closed_on_time(), 2);
  EXPECT_EQ(x.closed_overdue(), 1);
  EXPECT_EQ(x.due_to_close(), 4);
  EXPECT_EQ(x.open_overdue_now(), 1);
  EXPECT_DOUBLE_EQ(x.valid_report_rate().value(), 5.0 / 7);
  EXPECT_DOUBLE_EQ(x.accurate_dispatch_rate().value(), 5.0 / 6);
  EXPECT_DOUBLE_EQ(x.on_time_handle_rate().value(), 3.0 / 5);
  EXPECT_DOUBLE_EQ(x.close_rate().value(), 3.0 / 4);
  EXPECT_DOUBLE_EQ(x.on_time_close_rate().value(), 2.0 / 4);
  EXPECT_DOUBLE_EQ(x.overdue_close_rate().value(), 1.0 / 4);
  EXPECT_DOUBLE_EQ(x.rework_rate().value(), 1.0 / 4);
  EXPECT_DOUBLE_EQ(x.extension_rate().value(), 1.0 / 6);
  EXPECT_TRUE(x.composite_defined());

  // Departments: sanitation had A, B (returned), C, F, G; works had B after
  // the return. 按期处置率: works 2/2, sanitation 1/3 (A; C and G red).
  ASSERT_OK_AND_ASSIGN(
      v1::RankingResponse departments,
      Ranking(v1::RANKING_LEVEL_DEPARTMENT, v1::INDICATOR_ON_TIME_HANDLE_RATE));
  ASSERT_GE(departments.entries_size(), 2);
  EXPECT_EQ(departments.entries(0).key(), "works");
  EXPECT_EQ(departments.entries(0).rank(), 1);
  EXPECT_DOUBLE_EQ(departments.entries(0).value(), 1.0);
  EXPECT_EQ(departments.entries(1).key(), "sanitation");
  EXPECT_EQ(departments.entries(1).ratio().numerator(), 1);
  EXPECT_EQ(departments.entries(1).ratio().denominator(), 3);
  EXPECT_EQ(departments.entries(1).indicators().dispatched(), 5);
  EXPECT_EQ(departments.entries(1).indicators().dispatched_accurately(), 4);
  EXPECT_EQ(departments.entries(1).indicators().returned(), 1);
  EXPECT_EQ(departments.entries(0).indicators().reworked(), 1);

  // Towns: only 濮院镇 has cases, so it ranks first; the others are
  // undefined and follow by code.
  ASSERT_OK_AND_ASSIGN(
      v1::RankingResponse towns,
      Ranking(v1::RANKING_LEVEL_TOWN, v1::INDICATOR_ON_TIME_CLOSE_RATE));
  ASSERT_GE(towns.entries_size(), 2);
  EXPECT_EQ(towns.entries(0).key(), kTown);
  EXPECT_EQ(towns.entries(0).name(), "濮院镇");
  EXPECT_DOUBLE_EQ(towns.entries(0).value(), 0.5);
  EXPECT_TRUE(towns.entries(0).defined());
  EXPECT_FALSE(towns.entries(1).defined());
  EXPECT_LT(towns.entries(1).key(), towns.entries(2).key());

  // Hotspots by category: E0101 A B D E F (F open), E0102 C G (G red).
  v1::HotspotsRequest hot;
  hot.mutable_scope()->set_kind(v1::SCOPE_KIND_ALL);
  *hot.mutable_period() = period_;
  hot.set_by(v1::HOTSPOT_DIMENSION_CATEGORY);
  grpc::ClientContext hc;
  WithActor(&hc, kChief);
  v1::HotspotsResponse spots;
  ASSERT_TRUE(stats_stub_->Hotspots(&hc, hot, &spots).ok());
  ASSERT_EQ(spots.hotspots_size(), 2);
  EXPECT_EQ(spots.hotspots(0).key(), "E0101");
  EXPECT_EQ(spots.hotspots(0).reports(), 5);
  EXPECT_EQ(spots.hotspots(0).open(), 1);
  EXPECT_EQ(spots.hotspots(0).overdue(), 0);
  EXPECT_EQ(spots.hotspots(1).key(), "E0102");
  EXPECT_EQ(spots.hotspots(1).reports(), 2);
  EXPECT_EQ(spots.hotspots(1).overdue(), 1);

  // gridctl shows the same ranking, as JSON and as a table.
  const std::string period =
      absl::StrCat("--period=", period_.start_date(), "..", period_.end_date());
  std::string out, err;
  ASSERT_EQ(Gridctl(stats_->target(), kChief,
                    {"stats", "ranking", "--level=department",
                     "--by=on_time_handle_rate", period, "--json"},
                    &out, &err),
            0)
      << err;
  v1::RankingResponse from_cli;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &from_cli).ok())
      << out;
  ASSERT_EQ(from_cli.entries_size(), departments.entries_size());
  for (int i = 0; i < from_cli.entries_size(); ++i) {
    EXPECT_EQ(from_cli.entries(i).key(), departments.entries(i).key());
    EXPECT_EQ(from_cli.entries(i).rank(), departments.entries(i).rank());
    EXPECT_EQ(from_cli.entries(i).value(), departments.entries(i).value());
  }
  ASSERT_EQ(Gridctl(stats_->target(), kChief,
                    {"stats", "ranking", "--level=department",
                     "--by=on_time_handle_rate", period},
                    &out, &err),
            0)
      << err;
  std::vector<std::string> lines = absl::StrSplit(out, '\n');
  ASSERT_GE(lines.size(), 3u) << out;
  EXPECT_THAT(lines[1], HasSubstr("works"));
  EXPECT_THAT(lines[1], HasSubstr("100.0% (2/2)"));
  EXPECT_THAT(lines[2], HasSubstr("sanitation"));
  EXPECT_THAT(lines[2], HasSubstr("33.3% (1/3)"));
  ASSERT_EQ(Gridctl(stats_->target(), kChief,
                    {"stats", "summary", absl::StrCat("--scope=region:", kTown),
                     period},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr("濮院镇"));
  EXPECT_THAT(out, ::testing::ContainsRegex("上报数 reports +7"));
  EXPECT_THAT(out, ::testing::ContainsRegex(
                       "按期结案率 on-time close rate +50\\.0% \\(2/4\\)"));
  EXPECT_THAT(out, ::testing::ContainsRegex(
                       "按期处置率 on-time handle rate +60\\.0% \\(3/5\\)"));
  EXPECT_EQ(Gridctl(stats_->target(), kChief,
                    {"stats", "summary", "--scope=region:3304"}, &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("error: INVALID_ARGUMENT: scope.code"));

  // The dashboard gauges, once the gauge loop has caught up.
  const std::vector<std::string> want = {
      absl::StrCat("gridcase_stats_open_overdue_cases{town=\"", kTown, "\"} 1"),
      "gridcase_stats_department_open_overdue_cases{department=\"sanitation\"} "
      "1",
      absl::StrCat("gridcase_stats_reports_today{town=\"", kTown, "\"} 7"),
      absl::StrCat("gridcase_stats_on_time_close_rate_month{town=\"", kTown,
                   "\"} 0.5"),
      "gridcase_stats_events_total{outcome=\"applied\"}"};
  std::vector<std::string> missing = want;
  absl::Time until = absl::Now() + absl::Seconds(10);
  while (!missing.empty() && absl::Now() < until) {
    absl::StatusOr<std::string> m =
        ::gridcase::testing::HttpGet(stats_->admin_port(), "/metrics");
    if (m.ok()) {
      missing.clear();
      for (const std::string& line : want) {
        if (!absl::StrContains(*m, line)) missing.push_back(line);
      }
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_TRUE(missing.empty()) << "not on /metrics: " << missing.front();
}

TEST_F(StatsProcessTest, CallersAndBadInputGetClearErrors) {
  EXPECT_THAT(
      Summary(v1::SCOPE_KIND_ALL, "", kCitizen).status(),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CITIZEN")));
  EXPECT_THAT(Summary(v1::SCOPE_KIND_REGION, "330483999").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("scope.code")));
  EXPECT_THAT(Summary(v1::SCOPE_KIND_REGION, "3304").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scope.code: must be a city")));
  period_.set_start_date("2026-13-01");
  EXPECT_THAT(Summary(v1::SCOPE_KIND_ALL, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("period.start_date")));
}

// Two stats replicas share the "stats" group; one is killed with SIGKILL
// while reports flow. Its pending entries are claimed by the other, and
// every event still counts exactly once.
TEST_F(StatsProcessTest, KillNineOfAReplicaNeitherLosesNorDoublesEvents) {
  ASSERT_OK_AND_ASSIGN(
      auto second,
      ServiceProcess::Start(
          {.binary = GRIDCASE_STATS_BIN,
           .redis = redis_->address(),
           .extra_args = {absl::StrCat("--registry=", registry_->target()),
                          "--consumer=stats-2", "--claim_idle=1s"}}));
  constexpr int kCases = 30;
  std::thread killer([&] {
    absl::SleepFor(absl::Milliseconds(600));
    (void)stats_->process().Signal(SIGKILL);
  });
  std::vector<std::string> ids;
  for (int i = 0; i < kCases; ++i) ids.push_back(Report(true, "E0101", 20 + i));
  killer.join();
  ASSERT_OK(stats_->process().Wait(absl::Seconds(5)).status());
  for (const std::string& id : ids) {
    WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  }
  stats_stub_ = v1::StatsService::NewStub(second->NewChannel());
  AwaitTownIndicators(
      [&](const v1::Indicators& x) { return x.dispatched() >= kCases; });
  absl::SleepFor(absl::Seconds(1));  // anything left would show up now
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse s,
                       Summary(v1::SCOPE_KIND_REGION, kTown));
  EXPECT_EQ(s.indicators().reports(), kCases);
  EXPECT_EQ(s.indicators().registered(), kCases);
  EXPECT_EQ(s.indicators().dispatched(), kCases);
  EXPECT_EQ(s.indicators().dispatched_accurately(), kCases);
}

}  // namespace
}  // namespace gridcase
