// gridcase-stats against real processes (tests/case_stack.h plus stats): a
// scripted set of Puyuan cases goes through intake and dispatch, and Summary,
// Ranking, Trend and Hotspots must give the numbers worked out by hand below,
// as must the dashboard gauges on /metrics.
#include <google/protobuf/util/json_util.h>
#include <signal.h>

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/redis/redis_pool.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "common/testing/in_process_server.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "tests/case_stack.h"
#include "tests/stats_stack.h"

namespace gridcase {
namespace {

using ::gridcase::testing::CaseStackTest;
using ::gridcase::testing::Gridctl;
using ::gridcase::testing::Has;
using ::gridcase::testing::kAcceptor;
using ::gridcase::testing::kChief;
using ::gridcase::testing::kCitizen;
using ::gridcase::testing::kDispatcher;
using ::gridcase::testing::kGrid;
using ::gridcase::testing::kInspector;
using ::gridcase::testing::kSanitation;
using ::gridcase::testing::kWorks;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::StatusIs;
using ::gridcase::testing::TempDir;
using ::gridcase::testing::WithActor;
using ::testing::HasSubstr;

using ::gridcase::testing::kTown;
using ::gridcase::testing::StatsProcessTest;

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
  // The four verifications were all done by the inspector gm-9: credited to
  // gm-9 as the worker, not to gm-1 who reported A, C, F and G.
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse inspector,
                       Summary(v1::SCOPE_KIND_WORKER, "gm-9"));
  EXPECT_EQ(inspector.indicators().verified(), 4);
  EXPECT_EQ(inspector.indicators().verified_on_time(), 4);
  EXPECT_EQ(inspector.indicators().on_time_verify_rate().value(), 1.0);
  EXPECT_EQ(inspector.indicators().reports(), 0);
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse patrol,
                       Summary(v1::SCOPE_KIND_WORKER, "gm-1"));
  EXPECT_EQ(patrol.indicators().verified(), 0);
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

// gridcase issue #16: one crafted event must not poison the statistics.
// While stats is stopped, the shard stream gets (a) a hotline case whose
// reporter id holds \x1f — the old record encoding split on it, so every
// later event of the case failed its whole batch — and (b) an entry whose
// event is corrupt and whose case hash is corrupt too (neither stats nor
// dispatch can ever handle it), (c) below, then innocent reports. When stats
// starts, everything arrives in one batch: every innocent report is
// counted, nothing stays pending in either group, (b) sits in the
// dead-letter stream once per group and is counted on /metrics, as is (c)
// an event of a case whose stats record an older release wrote unreadably
// (it failed its whole batch; now only itself), and
// `gridcase-stats rebuild` finishes, skipping a torn timeline entry and
// saying so. Intake itself refuses such a reporter id.
TEST_F(StatsProcessTest, APoisonEventIsQuarantinedAndEverythingElseCounted) {
  constexpr int kShards = 16;  // the services' default
  const int shard = store::ShardOf(kTown, kShards);
  ASSERT_OK_AND_ASSIGN(
      auto redis, redis::RedisPool::Create({.address = redis_->address()}));
  stats_.reset();  // consumes nothing until it starts again below

  {  // The edge: a hotline report as acceptor with such an id.
    v1::ReportCaseRequest r;
    r.set_request_id("hotline-1");
    r.set_source(v1::SOURCE_HOTLINE);
    r.mutable_reporter()->set_id("hot\x1fline");
    r.set_category_code("E0101");
    r.set_description("绿化带旁暴露垃圾");
    r.mutable_location()->set_latitude(30.6843);
    r.mutable_location()->set_longitude(120.6283);
    grpc::ClientContext context;
    WithActor(&context, kAcceptor);
    v1::ReportCaseResponse resp;
    grpc::Status s = intake_stub_->ReportCase(&context, r, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(),
                HasSubstr("reporter.id: must not contain control characters"));
  }

  // (a) As an older intake let it in: reported, then supervised.
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  const std::string hotline =
      store::FormatCaseId("330483", "20260101", shard + kShards * 7001);
  v1::CaseEvent event;
  event.set_type(v1::CASE_EVENT_TYPE_REPORTED);
  event.set_to_state(v1::CASE_STATE_REPORTED);
  event.set_case_version(1);
  *event.mutable_time() = ToTimestamp(absl::Now());
  v1::CaseDimensions* d = event.mutable_dimensions();
  d->set_city_code("330483");
  d->set_town_code(kTown);
  d->set_community_code("330483101002");
  d->set_grid_code(kGrid);
  d->set_category_code("E0101");
  d->set_category_major_code("E01");
  d->set_source(v1::SOURCE_HOTLINE);
  d->set_reporter_id("hot\x1fline");
  d->set_reporter_kind(v1::REPORTER_KIND_STAFF);
  d->set_report_date(
      absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), shanghai)));
  v1::CaseEvent supervised = event;
  supervised.set_type(v1::CASE_EVENT_TYPE_SUPERVISED);
  supervised.set_case_version(2);
  for (const auto& [type, e] : {std::pair{"case.reported", event},
                                std::pair{"case.supervised", supervised}}) {
    ASSERT_OK_AND_ASSIGN(
        redis::Reply id,
        redis->Command({"XADD", store::EventsKey(shard), "*", "type", type,
                        "case", hotline, "related", "", "pb",
                        e.SerializeAsString()}));
    // Its timeline and index entry, for the rebuild.
    ASSERT_OK(
        redis
            ->Command({"RPUSH", store::TimelineKey(shard, hotline),
                       absl::StrCat(id.str(), " - ", e.SerializeAsString())})
            .status());
  }
  ASSERT_OK(redis
                ->Command({"ZADD", store::IndexKey(shard, "all", "cases"), "1",
                           hotline})
                .status());

  // (b) A corrupt event of a corrupt case.
  const std::string corrupt =
      store::FormatCaseId("330483", "20260101", shard + kShards * 7002);
  ASSERT_OK(redis
                ->Command({"HSET", store::CaseKey(shard, corrupt), "pb",
                           std::string("\xff\xff\xff", 3), "state", "1",
                           "version", "1"})
                .status());
  ASSERT_OK_AND_ASSIGN(
      redis::Reply poison,
      redis->Command({"XADD", store::EventsKey(shard), "*", "type",
                      "case.reported", "case", corrupt, "related", "", "pb",
                      std::string("\x0a\xff\x1f\x00", 4)}));

  // (c) An event of a case whose statistics record an older release left
  // unreadable (its reporter id held \x1f): it fails the batch it is in.
  const std::string unreadable =
      store::FormatCaseId("330483", "20260101", shard + kShards * 7003);
  ASSERT_OK(
      redis
          ->Command(
              {"HSET", absl::StrCat(store::Tag(shard), ":st:1:cases"),
               unreadable,
               absl::StrJoin({"1", "1", "0", "1", "", kGrid, "330483101002",
                              kTown, "330483", "E0101", "E01", "4", "", "hot",
                              "line", "3", "2026-01-01"},
                             "\x1f")})
          .status());
  supervised.set_case_version(3);
  ASSERT_OK_AND_ASSIGN(
      redis::Reply held,
      redis->Command({"XADD", store::EventsKey(shard), "*", "type",
                      "case.supervised", "case", unreadable, "related", "",
                      "pb", supervised.SerializeAsString()}));

  // Innocent reports, routed by dispatch meanwhile.
  constexpr int kInnocent = 20;
  std::vector<std::string> ids;
  for (int i = 0; i < kInnocent; ++i) {
    ids.push_back(Report(true, "E0101", 30 + i));
  }
  for (const std::string& id : ids) {
    WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  }

  ASSERT_NO_FATAL_FAILURE(StartStats());
  v1::Indicators x = AwaitTownIndicators([&](const v1::Indicators& i) {
    return i.reports() == kInnocent + 1 && i.dispatched() == kInnocent;
  });
  EXPECT_EQ(x.reports(), kInnocent + 1);  // the hotline case counts too
  EXPECT_EQ(x.registered(), kInnocent);
  EXPECT_EQ(x.dispatched(), kInnocent);
  EXPECT_EQ(x.supervised(), 1);

  // Nothing stays pending in either group.
  auto pending = [&]() -> int64_t {
    int64_t n = 0;
    for (int s = 0; s < kShards; ++s) {
      for (const char* group : {"stats", "dispatch"}) {
        auto r = redis->Command({"XPENDING", store::EventsKey(s), group});
        if (!r.ok()) return -1;
        n += r->elements()[0].integer();
      }
    }
    return n;
  };
  absl::Time until = absl::Now() + absl::Seconds(20);
  while (pending() != 0 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(pending(), 0);

  // The poison, once per group, with the error and its own fields.
  ASSERT_OK_AND_ASSIGN(
      redis::Reply dead,
      redis->Command({"XRANGE", store::DeadEventsKey(shard), "-", "+"}));
  // group/entry → fields
  std::map<std::string, std::map<std::string, std::string>> letters;
  for (const redis::Reply& entry : dead.elements()) {
    std::map<std::string, std::string> f;
    const auto& kv = entry.elements()[1].elements();
    for (size_t i = 0; i + 1 < kv.size(); i += 2) {
      f[kv[i].str()] = kv[i + 1].str();
    }
    letters[absl::StrCat(f["group"], "/", f["entry"])] = f;
  }
  EXPECT_EQ(dead.elements().size(), 3u);
  for (const char* group : {"stats", "dispatch"}) {
    auto& f = letters[absl::StrCat(group, "/", poison.str())];
    EXPECT_EQ(f["code"], "DATA_LOSS") << group;
    EXPECT_EQ(f["case"], corrupt) << group;
    EXPECT_EQ(f["pb"], std::string("\x0a\xff\x1f\x00", 4)) << group;
  }
  auto& f = letters[absl::StrCat("stats/", held.str())];
  EXPECT_EQ(f["code"], "DATA_LOSS");
  EXPECT_EQ(f["case"], unreadable);
  EXPECT_EQ(f["pb"], supervised.SerializeAsString());
  for (auto [process, group, n] :
       {std::tuple{stats_.get(), "stats", 2},
        std::tuple{dispatch_.get(), "dispatch", 1}}) {
    absl::StatusOr<std::string> m =
        ::gridcase::testing::HttpGet(process->admin_port(), "/metrics");
    ASSERT_OK(m.status());
    EXPECT_THAT(*m, HasSubstr(absl::StrCat(
                        "gridcase_events_dead_lettered_total{group=\"", group,
                        "\",reason=\"permanent_error\"} ", n, "\n")));
  }

  // The rebuild finishes and reports the entry it cannot read.
  ASSERT_OK(
      redis->Command({"RPUSH", store::TimelineKey(shard, ids[0]), "torn-entry"})
          .status());
  ASSERT_OK_AND_ASSIGN(auto dir, TempDir::Create());
  std::vector<std::string> argv = {GRIDCASE_STATS_BIN, "rebuild"};
  for (std::string& a : ::gridcase::testing::LoopbackServiceArgs(
           redis_->address(), dir.File("ready"))) {
    argv.push_back(std::move(a));
  }
  ASSERT_OK_AND_ASSIGN(auto rebuild, ::gridcase::testing::Subprocess::Spawn(
                                         {.argv = argv,
                                          .stdout_path = dir.File("out"),
                                          .stderr_path = dir.File("err")}));
  ASSERT_OK_AND_ASSIGN(int status, rebuild->Wait(absl::Seconds(60)));
  std::string out = ::gridcase::testing::ReadFile(dir.File("out"));
  std::string err = ::gridcase::testing::ReadFile(dir.File("err"));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << err;
  EXPECT_THAT(out, HasSubstr(absl::StrCat("\"cases\":", kInnocent + 1, ",")));
  EXPECT_THAT(out, HasSubstr("\"skipped_entries\":1,\"skipped_cases\":0"));
  EXPECT_THAT(err, HasSubstr("rebuild skips a timeline entry"));
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse after,
                       Summary(v1::SCOPE_KIND_REGION, kTown));
  EXPECT_EQ(after.indicators().reports(), kInnocent + 1);
  EXPECT_EQ(after.indicators().dispatched(), kInnocent);
}

}  // namespace
}  // namespace gridcase
