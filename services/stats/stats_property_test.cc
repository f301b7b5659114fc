// The property test of issue #6: a random history of thousands of cases made
// by dispatch's real workflow (reworks, returns, extensions, suspensions,
// overdue stages, reopenings, duplicates) is applied through the consumer's
// apply path on a real redis-server — every event at least once, a third of
// them twice, shuffled across shards and cases, from two concurrent
// appliers. Every counter of every dimension value, over many periods, must
// equal a brute-force recomputation from the raw histories, and so must the
// answers of Summary, Ranking, Trend and Hotspots.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/clock/clock.h"
#include "common/clock/fake_clock.h"
#include "common/clock/timestamp.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/stats/contributions.h"
#include "services/stats/dimensions.h"
#include "services/stats/fake_directory.h"
#include "services/stats/history_for_test.h"
#include "services/stats/period.h"
#include "services/stats/queries.h"
#include "services/stats/redis_aggregates.h"

namespace gridcase::stats {
namespace {

using ::gridcase::testing::RedisServer;
using C = Counter;
using Key = std::pair<std::string, std::string>;  // (kind, value)

absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  absl::LoadTimeZone("Asia/Shanghai", &tz);
  return tz;
}

// What the aggregates must hold, computed case by case from the histories.
struct Expected {
  std::map<Key, std::map<absl::CivilDay, Counts>> days;
  std::map<Key, NowCounts> now;
  // (grid, category, source) → day → {reports, open, red}
  std::map<std::tuple<std::string, std::string, std::string>,
           std::map<absl::CivilDay, std::array<int64_t, 3>>>
      cells;
  absl::CivilDay first = absl::CivilDay(9999);
  absl::CivilDay last = absl::CivilDay(0);

  void Add(const v1::CaseDimensions& dims, const std::string& department,
           absl::CivilDay day, Counter c, int64_t n = 1) {
    for (const Dim& d : DimsOf(dims, department)) {
      days[{std::string(d.kind), d.value}][day][c] += n;
    }
    first = std::min(first, day);
    last = std::max(last, day);
  }

  // The member who did a verification or check: done and due, and on time
  // when `on_time`.
  void Credit(const v1::CaseEvent& e, absl::CivilDay day, Counter done,
              Counter due, Counter on_time_counter, bool on_time) {
    if (e.actor().subject().empty()) return;
    auto& counts = days[{"wk", e.actor().subject()}][day];
    counts[done] += 1;
    counts[due] += 1;
    if (on_time) counts[on_time_counter] += 1;
  }

  Counts Sum(const Key& key, absl::CivilDay from, absl::CivilDay to) const {
    Counts out;
    auto it = days.find(key);
    if (it == days.end()) return out;
    for (const auto& [day, counts] : it->second) {
      if (day >= from && day <= to) out += counts;
    }
    return out;
  }
};

bool Open(v1::CaseState s) {
  return s == v1::CASE_STATE_REPORTED || s == v1::CASE_STATE_REGISTERED ||
         s == v1::CASE_STATE_DISPATCHED || s == v1::CASE_STATE_IN_PROGRESS ||
         s == v1::CASE_STATE_HANDLED || s == v1::CASE_STATE_SUSPENDED ||
         s == v1::CASE_STATE_CHECKING;
}

Expected BruteForce(const std::vector<GeneratedCase>& cases) {
  const absl::TimeZone zone = Shanghai();
  auto day_of = [&zone](const google::protobuf::Timestamp& t) {
    return absl::ToCivilDay(FromTimestamp(t), zone);
  };
  Expected x;
  for (const GeneratedCase& c : cases) {
    const auto& ev = c.events;
    const v1::CaseEvent& last = ev.back();
    absl::CivilDay report_day = day_of(ev.front().time());
    // Reports count under the category the case was registered under.
    v1::CaseDimensions report_dims = ev.front().dimensions();
    bool registered = false, self_closed = false, voided = false;
    bool unmerged = false;
    bool handle_overdue = false, ever_closed = false;
    for (const v1::CaseEvent& e : ev) {
      if (e.type() == v1::CASE_EVENT_TYPE_REGISTERED) {
        registered = true;
        report_dims.set_category_code(e.dimensions().category_code());
        report_dims.set_category_major_code(
            e.dimensions().category_major_code());
      }
      self_closed |= e.type() == v1::CASE_EVENT_TYPE_SELF_CLOSED;
      voided |= e.type() == v1::CASE_EVENT_TYPE_VOIDED;
      unmerged |= e.type() == v1::CASE_EVENT_TYPE_UNMERGED;
      handle_overdue |= e.type() == v1::CASE_EVENT_TYPE_OVERDUE &&
                        e.stage() == v1::STAGE_HANDLE;
      ever_closed |= e.to_state() == v1::CASE_STATE_CLOSED;
    }
    x.Add(report_dims, "", report_day, C::kReports);
    // A duplicate is a report that is MERGED now (by intake or by staff);
    // a valid one was registered (or came back from a merge) and is not.
    const bool merged_now = last.to_state() == v1::CASE_STATE_MERGED;
    if (merged_now) x.Add(report_dims, "", report_day, C::kMerged);
    if (voided) x.Add(report_dims, "", report_day, C::kVoided);
    if ((registered || self_closed || unmerged) && !merged_now) {
      x.Add(report_dims, "", report_day, C::kValidReports);
    }
    if (self_closed) x.Add(report_dims, "", report_day, C::kSelfHandled);
    auto cell =
        std::make_tuple(report_dims.grid_code(), report_dims.category_code(),
                        v1::Source_Name(report_dims.source()));
    x.cells[cell][report_day][0] += 1;

    // The process, following the department the case is with.
    std::string department;
    std::set<std::pair<int, int>> overdue;  // (stage, attempt) gone red
    struct Dispatch {
      absl::CivilDay day;
      std::string department;
      v1::CaseDimensions dims;
      bool returned = false;
    };
    std::vector<Dispatch> dispatches;
    for (const v1::CaseEvent& e : ev) {
      absl::CivilDay day = day_of(e.time());
      const v1::CaseDimensions& dims = e.dimensions();
      const v1::StageDeadline& sd = e.stage_deadline();
      bool in_time = FromTimestamp(sd.completed_at()) <=
                     FromTimestamp(sd.effective_deadline());
      bool went_red = overdue.count({e.stage(), sd.attempt()}) > 0;
      switch (e.type()) {
        case v1::CASE_EVENT_TYPE_REGISTERED:
          x.Add(dims, "", day, C::kRegistered);
          if (in_time && !went_red) x.Add(dims, "", day, C::kRegisteredOnTime);
          break;
        case v1::CASE_EVENT_TYPE_DISPATCHED:
          department = dims.department_id();
          x.Add(dims, department, day, C::kDispatched);
          dispatches.push_back({day, department, dims});
          break;
        case v1::CASE_EVENT_TYPE_UNMERGED:
          department.clear();  // registered again, without a department
          break;
        case v1::CASE_EVENT_TYPE_RETURNED:
          x.Add(dims, department, day, C::kReturned);
          dispatches.back().returned = true;
          department.clear();
          break;
        case v1::CASE_EVENT_TYPE_HANDLED:
          x.Add(dims, department, day, C::kHandled);
          x.Add(dims, department, day, C::kHandlingSeconds,
                e.stage_working_time().seconds());
          if (!went_red) x.Add(dims, department, day, C::kDueToHandle);
          if (!went_red && in_time) {
            x.Add(dims, department, day, C::kHandledOnTime);
          }
          break;
        case v1::CASE_EVENT_TYPE_REWORKED:
          x.Add(dims, department, day, C::kReworked);
          [[fallthrough]];
        case v1::CASE_EVENT_TYPE_VERIFIED:
          x.Add(dims, department, day, C::kVerified);
          if (!went_red) x.Add(dims, department, day, C::kDueToVerify);
          if (!went_red && in_time) {
            x.Add(dims, department, day, C::kVerifiedOnTime);
          }
          x.Credit(e, day, C::kVerified, C::kDueToVerify, C::kVerifiedOnTime,
                   !went_red && in_time);
          break;
        case v1::CASE_EVENT_TYPE_OVERDUE:
          overdue.insert({e.stage(), sd.attempt()});
          if (e.stage() == v1::STAGE_HANDLE) {
            x.Add(dims, department, day, C::kDueToHandle);
          }
          if (e.stage() == v1::STAGE_VERIFY) {
            x.Add(dims, department, day, C::kDueToVerify);
          }
          if (e.stage() == v1::STAGE_CHECK) {
            x.Add(dims, department, day, C::kDueToCheck);
          }
          break;
        case v1::CASE_EVENT_TYPE_CHECKED:
          x.Add(dims, department, day, C::kChecked);
          if (!went_red) x.Add(dims, department, day, C::kDueToCheck);
          if (!went_red && in_time) {
            x.Add(dims, department, day, C::kCheckedOnTime);
          }
          x.Credit(e, day, C::kChecked, C::kDueToCheck, C::kCheckedOnTime,
                   !went_red && in_time);
          break;
        case v1::CASE_EVENT_TYPE_EXTENSION_APPROVED:
          x.Add(dims, department, day, C::kExtended);
          break;
        case v1::CASE_EVENT_TYPE_SUSPENDED:
          x.Add(dims, department, day, C::kSuspended);
          break;
        case v1::CASE_EVENT_TYPE_SUPERVISED:
          x.Add(dims, department, day, C::kSupervised);
          break;
        case v1::CASE_EVENT_TYPE_RATED: {
          const std::string& level = e.data().at("satisfaction");
          x.Add(dims, department, day, C::kRated);
          x.Add(dims, department, day,
                level == "SATISFIED"             ? C::kSatisfied
                : level == "BASICALLY_SATISFIED" ? C::kBasicallySatisfied
                                                 : C::kUnsatisfied);
          break;
        }
        default:
          break;
      }
    }
    for (const Dispatch& d : dispatches) {
      if (!d.returned) {
        x.Add(d.dims, d.department, d.day, C::kDispatchedAccurately);
      }
    }

    // Report cohort, as the case stands now.
    const v1::CaseDimensions& now_dims = last.dimensions();
    bool closed = last.to_state() == v1::CASE_STATE_CLOSED;
    if (closed) {
      v1::ClosureType type = v1::CLOSURE_TYPE_UNSPECIFIED;
      for (const v1::CaseEvent& e : ev) {
        if (e.to_state() == v1::CASE_STATE_CLOSED &&
            e.from_state() != v1::CASE_STATE_CLOSED) {
          type = e.closure_type();
        }
      }
      x.Add(now_dims, now_dims.department_id(), report_day, C::kClosed);
      if (type == v1::CLOSURE_TYPE_NORMAL) {
        x.Add(now_dims, now_dims.department_id(), report_day, C::kClosedOnTime);
      } else if (type == v1::CLOSURE_TYPE_OVERDUE) {
        x.Add(now_dims, now_dims.department_id(), report_day,
              C::kClosedOverdue);
      } else if (type == v1::CLOSURE_TYPE_SPECIAL) {
        x.Add(now_dims, now_dims.department_id(), report_day,
              C::kClosedSpecial);
      }
    }
    if (ever_closed || handle_overdue) {
      x.Add(now_dims, now_dims.department_id(), report_day, C::kDueToClose);
    }
    if (Open(last.to_state())) {
      bool red = last.light() == v1::TRAFFIC_LIGHT_RED &&
                 last.to_state() != v1::CASE_STATE_SUSPENDED;
      for (const Dim& d : DimsOf(now_dims, now_dims.department_id())) {
        NowCounts& n = x.now[{std::string(d.kind), d.value}];
        n.open += 1;
        n.red += red ? 1 : 0;
        n.by_state[last.to_state()] += 1;
      }
      auto& open_cell = x.cells[std::make_tuple(
          now_dims.grid_code(), now_dims.category_code(),
          v1::Source_Name(now_dims.source()))][report_day];
      open_cell[1] += 1;
      open_cell[2] += red ? 1 : 0;
    }
  }
  return x;
}

class StatsPropertyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = RedisServer::Start()->release();
    pool_ = redis::RedisPool::Create({.address = server_->address(),
                                      .command_timeout = absl::Seconds(10)})
                ->release();
    cases_ = new std::vector<GeneratedCase>(
        GenerateHistory({.cases = 3000, .seed = 20261125, .shards = kShards}));
    ASSERT_OK(StoreHistory(pool_, cases_));
    expected_ = new Expected(BruteForce(*cases_));
  }
  static void TearDownTestSuite() {
    delete expected_;
    delete cases_;
    delete pool_;
    delete server_;
  }

  static constexpr int kShards = 4;
  static RedisServer* server_;
  static redis::RedisPool* pool_;
  static std::vector<GeneratedCase>* cases_;
  static Expected* expected_;
};

RedisServer* StatsPropertyTest::server_ = nullptr;
redis::RedisPool* StatsPropertyTest::pool_ = nullptr;
std::vector<GeneratedCase>* StatsPropertyTest::cases_ = nullptr;
Expected* StatsPropertyTest::expected_ = nullptr;

TEST_F(StatsPropertyTest,
       EveryIndicatorEqualsBruteForceUnderRedeliveryAndReordering) {
  // The history must exercise what the indicators count.
  std::map<v1::CaseEventType, int> seen;
  int events = 0;
  for (const GeneratedCase& c : *cases_) {
    for (const v1::CaseEvent& e : c.events) ++seen[e.type()], ++events;
  }
  for (v1::CaseEventType t :
       {v1::CASE_EVENT_TYPE_MERGED, v1::CASE_EVENT_TYPE_VOIDED,
        v1::CASE_EVENT_TYPE_REWORKED, v1::CASE_EVENT_TYPE_RETURNED,
        v1::CASE_EVENT_TYPE_EXTENSION_APPROVED, v1::CASE_EVENT_TYPE_SUSPENDED,
        v1::CASE_EVENT_TYPE_OVERDUE, v1::CASE_EVENT_TYPE_REOPENED,
        v1::CASE_EVENT_TYPE_SELF_CLOSED, v1::CASE_EVENT_TYPE_CLOSED,
        v1::CASE_EVENT_TYPE_SUPERVISED, v1::CASE_EVENT_TYPE_RATED,
        v1::CASE_EVENT_TYPE_RATING_REVIEWED,
        v1::CASE_EVENT_TYPE_CHECK_REQUESTED, v1::CASE_EVENT_TYPE_CHECKED,
        v1::CASE_EVENT_TYPE_MERGED_BY_STAFF, v1::CASE_EVENT_TYPE_UNMERGED}) {
    EXPECT_GE(seen[t], 10) << v1::CaseEventType_Name(t);
  }
  ASSERT_GE(events, 20000);

  // Every event once, a third twice, all shuffled; two appliers at once.
  std::vector<const v1::CaseEvent*> deliveries;
  std::mt19937 rng(7);
  for (const GeneratedCase& c : *cases_) {
    for (const v1::CaseEvent& e : c.events) {
      deliveries.push_back(&e);
      if (rng() % 3 == 0) deliveries.push_back(&e);
    }
  }
  std::shuffle(deliveries.begin(), deliveries.end(), rng);
  AggregateOptions options{.shards = kShards, .zone = Shanghai()};
  std::atomic<int> applied{0}, duplicates{0};
  auto worker = [&](int part) {
    RedisAggregates aggregates(pool_, options);
    std::mt19937 local(part);
    size_t i = part;
    std::vector<v1::CaseEvent> batch;
    for (; i < deliveries.size(); i += 2) {
      batch.push_back(*deliveries[i]);
      if (batch.size() >= 1 + local() % 300) {
        absl::StatusOr<ApplyResult> r = aggregates.Apply(batch);
        ASSERT_OK(r);
        applied += r->applied;
        duplicates += r->duplicates;
        batch.clear();
      }
    }
    absl::StatusOr<ApplyResult> r = aggregates.Apply(batch);
    ASSERT_OK(r);
    applied += r->applied;
    duplicates += r->duplicates;
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(applied.load(), events);
  EXPECT_EQ(applied.load() + duplicates.load(),
            static_cast<int>(deliveries.size()));

  RedisAggregates reader(pool_, options);
  const Expected& x = *expected_;
  // Periods: everything, each calendar month touched, a window across a
  // month boundary, and single days.
  std::vector<Period> periods = {
      {x.first, x.last},
      {absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 31)},
      {absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 30)},
      {absl::CivilDay(2026, 3, 27), absl::CivilDay(2026, 4, 4)},
      {absl::CivilDay(2026, 3, 9), absl::CivilDay(2026, 3, 9)},
      {absl::CivilDay(2026, 4, 12), absl::CivilDay(2026, 4, 12)}};
  std::vector<Buckets> groups;
  for (const Period& p : periods) groups.push_back(BucketsOf(p));
  int compared = 0;
  for (const auto& [key, by_day] : x.days) {
    ASSERT_OK_AND_ASSIGN(auto got,
                         reader.Counters(key.first, key.second, groups));
    for (size_t p = 0; p < periods.size(); ++p) {
      Counts want = x.Sum(key, periods[p].start, periods[p].end);
      for (int c = 0; c < kNumCounters; ++c) {
        EXPECT_EQ(got[p][key.second].v[c], want.v[c])
            << key.first << "=" << key.second << " "
            << CodeOf(static_cast<Counter>(c)) << " over "
            << FormatDay(periods[p].start) << ".." << FormatDay(periods[p].end);
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 5000);

  // All values of a kind at once, and the open counts.
  for (absl::string_view kind : AllKinds()) {
    ASSERT_OK_AND_ASSIGN(
        auto got, reader.Counters(kind, std::nullopt, {BucketsOf(periods[0])}));
    for (const auto& [value, counts] : got[0]) {
      EXPECT_TRUE(counts == x.Sum({std::string(kind), value}, x.first, x.last))
          << kind << "=" << value;
    }
    ASSERT_OK_AND_ASSIGN(auto now, reader.Now(kind, std::nullopt));
    for (const auto& [key, want] : x.now) {
      if (key.first != kind) continue;
      EXPECT_EQ(now[key.second].open, want.open) << kind << "=" << key.second;
      EXPECT_EQ(now[key.second].red, want.red) << kind << "=" << key.second;
      EXPECT_EQ(now[key.second].by_state, want.by_state)
          << kind << "=" << key.second;
    }
    for (const auto& [value, n] : now) {
      EXPECT_EQ(x.now.count({std::string(kind), value}), 1u)
          << "unexpected open count for " << kind << "=" << value;
    }
  }

  // Hotspot cells.
  ASSERT_OK_AND_ASSIGN(
      auto cells, reader.Hotspots(BucketsOf(periods[0]),
                                  {"330483101", "330483102", "330483103"}));
  std::map<std::tuple<std::string, std::string, std::string>,
           std::array<int64_t, 3>>
      want_cells;
  for (const auto& [cell, by_day] : x.cells) {
    for (const auto& [day, v] : by_day) {
      for (int i = 0; i < 3; ++i) want_cells[cell][i] += v[i];
    }
  }
  for (const HotspotCell& cell : cells) {
    auto want = want_cells[{cell.grid, cell.category, cell.source}];
    EXPECT_EQ(cell.reports, want[0]) << cell.grid << " " << cell.category;
    EXPECT_EQ(cell.open, want[1]) << cell.grid << " " << cell.category;
    EXPECT_EQ(cell.red, want[2]) << cell.grid << " " << cell.category;
  }
}

// The query answers over the same aggregates: Summary equals the brute
// force's indicators; Ranking orders towns by it; Trend's weekly points and
// Hotspots' top grids match too.
TEST_F(StatsPropertyTest, QueriesAnswerFromTheBruteForceNumbers) {
  AggregateOptions options{.shards = kShards, .zone = Shanghai()};
  RedisAggregates aggregates(pool_, options);
  // Apply once (the first test may not have run in this process).
  std::vector<v1::CaseEvent> all;
  for (const GeneratedCase& c : *cases_) {
    for (const v1::CaseEvent& e : c.events) all.push_back(e);
  }
  ASSERT_OK(aggregates.Apply(all));
  FakeDirectory directory;
  FillDirectory(&directory.snapshot());
  FakeClock clock(absl::FromUnixSeconds(1780000000));
  StatsQueries queries(&aggregates, &directory, &clock, DefaultWeights());
  const Expected& x = *expected_;

  v1::SummaryRequest summary;
  summary.mutable_scope()->set_kind(v1::SCOPE_KIND_REGION);
  summary.mutable_scope()->set_code("330483102");
  summary.mutable_period()->set_start_date("2026-03-01");
  summary.mutable_period()->set_end_date("2026-03-31");
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse s, queries.Summary(summary));
  v1::Indicators want = Derive(
      x.Sum({"tn", "330483102"}, absl::CivilDay(2026, 3, 1),
            absl::CivilDay(2026, 3, 31)),
      x.now.count({"tn", "330483102"}) ? x.now.at({"tn", "330483102"}).red : 0,
      DefaultWeights());
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(s.indicators(), want))
      << s.indicators().DebugString() << "\nwant\n"
      << want.DebugString();
  EXPECT_EQ(s.name(), "town 330483102");
  EXPECT_GT(want.closed(), 0);
  EXPECT_GT(want.reworked(), 0);

  v1::RankingRequest ranking;
  ranking.set_level(v1::RANKING_LEVEL_TOWN);
  ranking.set_indicator(v1::INDICATOR_ON_TIME_CLOSE_RATE);
  *ranking.mutable_period() = summary.period();
  ASSERT_OK_AND_ASSIGN(v1::RankingResponse r, queries.Ranking(ranking));
  ASSERT_EQ(r.entries_size(), 3);
  for (int i = 0; i < 3; ++i) {
    const v1::RankingEntry& e = r.entries(i);
    EXPECT_EQ(e.rank(), i + 1);
    Counts c = x.Sum({"tn", e.key()}, absl::CivilDay(2026, 3, 1),
                     absl::CivilDay(2026, 3, 31));
    EXPECT_EQ(e.ratio().numerator(), c[C::kClosedOnTime]) << e.key();
    EXPECT_EQ(e.ratio().denominator(), c[C::kDueToClose]) << e.key();
    if (i > 0) {
      EXPECT_GE(r.entries(i - 1).value(), e.value());
    }
  }

  v1::TrendRequest trend;
  trend.mutable_scope()->set_kind(v1::SCOPE_KIND_ALL);
  trend.set_indicator(v1::INDICATOR_REPORTS);
  trend.mutable_period()->set_start_date("2026-03-01");
  trend.mutable_period()->set_end_date("2026-04-14");
  trend.set_step(v1::TREND_STEP_WEEK);
  ASSERT_OK_AND_ASSIGN(v1::TrendResponse t, queries.Trend(trend));
  ASSERT_EQ(t.points_size(),
            8);  // Sun 03-01, then 6 full weeks, then 04-13..14
  EXPECT_EQ(t.points(0).start_date(), "2026-03-01");
  EXPECT_EQ(t.points(0).end_date(), "2026-03-01");
  int64_t total = 0;
  for (const v1::TrendPoint& p : t.points()) {
    absl::CivilDay from, to;
    ASSERT_TRUE(absl::ParseCivilTime(p.start_date(), &from));
    ASSERT_TRUE(absl::ParseCivilTime(p.end_date(), &to));
    EXPECT_EQ(p.numerator(), x.Sum({"a", "*"}, from, to)[C::kReports]);
    total += p.numerator();
  }
  EXPECT_EQ(total, x.Sum({"a", "*"}, absl::CivilDay(2026, 3, 1),
                         absl::CivilDay(2026, 4, 14))[C::kReports]);

  v1::HotspotsRequest hot;
  hot.mutable_scope()->set_kind(v1::SCOPE_KIND_REGION);
  hot.mutable_scope()->set_code("330483101");
  *hot.mutable_period() = summary.period();
  hot.set_by(v1::HOTSPOT_DIMENSION_GRID);
  hot.set_top_n(3);
  ASSERT_OK_AND_ASSIGN(v1::HotspotsResponse h, queries.Hotspots(hot));
  ASSERT_EQ(h.hotspots_size(), 3);
  for (const v1::Hotspot& spot : h.hotspots()) {
    EXPECT_EQ(spot.reports(),
              x.Sum({"gd", spot.key()}, absl::CivilDay(2026, 3, 1),
                    absl::CivilDay(2026, 3, 31))[C::kReports]);
    EXPECT_TRUE(absl::StartsWith(spot.key(), "330483101"));
  }
  EXPECT_GE(h.hotspots(0).reports(), h.hotspots(1).reports());
}

}  // namespace
}  // namespace gridcase::stats
