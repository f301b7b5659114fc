// stats_query_bench: how fast StatsService answers over a large history.
// A measuring tool, not a test; its numbers go in docs/benchmarks.md.
//
//   build/bench/stats_query_bench --cases=1000000 --days=90 --iterations=2000
//
// It starts its own redis-server (unix socket, temporary directory) and fills
// it with the aggregates of --cases synthetic cases over --days days and 12
// towns (180 communities, 1,440 grids, 1,440 grid managers, 64 categories,
// 20 departments): each case's events (report, registration, dispatch,
// returns, handling, reworks, extensions, suspensions, overdue alerts,
// verification; the last days' cases partly still open) go through the same
// contribution functions the consumer uses, summed in memory and written with
// HSET — the aggregates the consumer would have built, without replaying
// millions of events through Lua. Then each query runs --iterations times,
// directly (StatsQueries over Redis) and through gRPC (an in-process
// StatsService on 127.0.0.1), and the latency percentiles are printed.
#include <grpcpp/client_context.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "common/clock/timestamp.h"
#include "common/redis/redis_pool.h"
#include "common/store/keys.h"
#include "common/testing/in_process_server.h"
#include "common/testing/redis_server.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "services/stats/contributions.h"
#include "services/stats/fake_directory.h"
#include "services/stats/queries.h"
#include "services/stats/redis_aggregates.h"
#include "services/stats/stats_service.h"

ABSL_FLAG(int, cases, 1000000, "synthetic cases");
ABSL_FLAG(int, days, 90, "days the reports spread over, ending yesterday");
ABSL_FLAG(int, iterations, 2000, "calls per query and path");
ABSL_FLAG(int, shards, 16, "case shards");
ABSL_FLAG(std::string, redis, "",
          "fill this Redis (host:port) instead of starting one, e.g. a "
          "running stack's (bench/run does, for its summary and ranking "
          "scenarios)");
ABSL_FLAG(bool, fill_only, false, "stop after filling the aggregates");

namespace gridcase::stats {
namespace {

constexpr int kTowns = 12, kCommunities = 15, kGrids = 8, kMajors = 8,
              kMinors = 8, kDepartments = 20;
const v1::Source kSources[] = {v1::SOURCE_GRID_PATROL, v1::SOURCE_CITIZEN_APP,
                               v1::SOURCE_WECHAT,      v1::SOURCE_HOTLINE,
                               v1::SOURCE_VIDEO,       v1::SOURCE_INSTRUCTION};

absl::TimeZone Zone() {
  absl::TimeZone tz;
  absl::LoadTimeZone("Asia/Shanghai", &tz);
  return tz;
}

std::string Town(int t) { return absl::StrFormat("330483%03d", 101 + t); }
std::string Community(int t, int c) {
  return absl::StrFormat("%s%03d", Town(t), c + 1);
}
std::string Grid(int t, int c, int g) {
  return absl::StrFormat("%s%03d", Community(t, c), g + 1);
}
std::string Major(int m) {
  return absl::StrFormat("%c%02d", m < 4 ? 'E' : 'C', m % 4 + 1);
}
std::string Category(int m, int n) {
  return absl::StrFormat("%s%02d", Major(m), n + 1);
}
std::string Department(int d) { return absl::StrFormat("dept-%02d", d + 1); }

// One synthetic case's events, in order.
class CaseMaker {
 public:
  CaseMaker(uint32_t seed, absl::Time first_day, int days)
      : rng_(seed), first_day_(first_day), days_(days) {}

  std::vector<v1::CaseEvent> Make() {
    std::vector<v1::CaseEvent> out;
    int day = Pick(days_);
    int t = Pick(kTowns), c = Pick(kCommunities), g = Pick(kGrids);
    int m = Pick(kMajors), n = Pick(kMinors);
    absl::Time t0 = first_day_ + absl::Hours(24 * day) +
                    absl::Minutes(7 * 60 + Pick(12 * 60));
    v1::CaseEvent base;
    v1::CaseDimensions* d = base.mutable_dimensions();
    d->set_city_code("330483");
    d->set_town_code(Town(t));
    d->set_community_code(Community(t, c));
    d->set_grid_code(Grid(t, c, g));
    d->set_category_code(Category(m, n));
    d->set_category_major_code(Major(m));
    d->set_source(kSources[Pick(6)]);
    if (Chance(0.6)) {
      d->set_reporter_id(absl::StrCat("gm-", d->grid_code()));
      d->set_reporter_kind(v1::REPORTER_KIND_GRID_MANAGER);
    } else {
      d->set_reporter_id(absl::StrCat("wx-", Pick(100000)));
      d->set_reporter_kind(v1::REPORTER_KIND_CITIZEN);
    }
    d->set_report_date(absl::FormatCivilTime(absl::ToCivilDay(t0, Zone())));
    version_ = 0;
    auto add = [&](v1::CaseEventType type, absl::Time at, v1::CaseState to) {
      v1::CaseEvent e = base;
      e.set_type(type);
      *e.mutable_time() = ToTimestamp(at);
      e.set_to_state(to);
      e.set_case_version(++version_);
      e.set_light(v1::TRAFFIC_LIGHT_GREEN);
      out.push_back(std::move(e));
      return &out.back();
    };
    if (Chance(0.04)) {
      add(v1::CASE_EVENT_TYPE_MERGED, t0, v1::CASE_STATE_MERGED);
      return out;
    }
    add(v1::CASE_EVENT_TYPE_REPORTED, t0, v1::CASE_STATE_REPORTED);
    absl::Time t1 = t0 + absl::Minutes(10 + Pick(30));
    if (Chance(0.03)) {
      add(v1::CASE_EVENT_TYPE_VOIDED, t1, v1::CASE_STATE_VOIDED)->clear_light();
      return out;
    }
    Stage(add(v1::CASE_EVENT_TYPE_REGISTERED, t1, v1::CASE_STATE_REGISTERED),
          v1::STAGE_REGISTER, t0, t0 + absl::Minutes(30), t1);
    std::string dept = Department((m * kMinors + n) % kDepartments);
    absl::Time t2 = t1 + absl::Minutes(5 + Pick(15));
    base.mutable_dimensions()->set_department_id(dept);
    auto* dispatched =
        add(v1::CASE_EVENT_TYPE_DISPATCHED, t2, v1::CASE_STATE_DISPATCHED);
    (*dispatched->mutable_data())["department_id"] = dept;
    if (Chance(0.05)) {
      base.mutable_dimensions()->clear_department_id();
      auto* r = add(v1::CASE_EVENT_TYPE_RETURNED, t2 + absl::Hours(2),
                    v1::CASE_STATE_REGISTERED);
      (*r->mutable_data())["department_id"] = dept;
      (*r->mutable_data())["dispatched_at"] =
          absl::FormatTime(absl::RFC3339_full, t2, Zone());
      dept = Department((Pick(kDepartments)));
      t2 += absl::Hours(3);
      base.mutable_dimensions()->set_department_id(dept);
      add(v1::CASE_EVENT_TYPE_DISPATCHED, t2, v1::CASE_STATE_DISPATCHED);
    }
    bool recent = day >= days_ - 3;
    for (int attempt = 1; attempt <= 2; ++attempt) {
      absl::Time due = t2 + absl::Hours(24);
      absl::Time t3 = t2 + absl::Hours(1 + Pick(attempt == 1 ? 30 : 10));
      absl::Time overdue_at = absl::InfiniteFuture();
      if (Chance(0.03)) {
        add(v1::CASE_EVENT_TYPE_EXTENSION_APPROVED, t2 + absl::Hours(1),
            v1::CASE_STATE_IN_PROGRESS);
        due += absl::Hours(24);
      }
      if (Chance(0.02)) {
        add(v1::CASE_EVENT_TYPE_SUSPENDED, t2 + absl::Hours(1),
            v1::CASE_STATE_SUSPENDED)
            ->clear_light();
        add(v1::CASE_EVENT_TYPE_RESUMED, t2 + absl::Hours(2),
            v1::CASE_STATE_IN_PROGRESS);
      }
      if (t3 > due) {
        overdue_at = due + absl::Minutes(1);
        auto* o = add(v1::CASE_EVENT_TYPE_OVERDUE, overdue_at,
                      v1::CASE_STATE_IN_PROGRESS);
        o->set_light(v1::TRAFFIC_LIGHT_RED);
        Stage(o, v1::STAGE_HANDLE, t2, due, absl::InfinitePast(), overdue_at);
      }
      if (recent && Chance(0.5)) {
        if (t3 > due) out.back().set_light(v1::TRAFFIC_LIGHT_RED);
        return out;  // still open
      }
      auto* h = add(v1::CASE_EVENT_TYPE_HANDLED, t3, v1::CASE_STATE_HANDLED);
      Stage(h, v1::STAGE_HANDLE, t2, due, t3, overdue_at);
      h->mutable_stage_working_time()->set_seconds(
          std::min<int64_t>(absl::ToInt64Seconds(t3 - t2), 8 * 3600));
      absl::Time t4 = t3 + absl::Minutes(30);
      bool rework = attempt == 1 && Chance(0.08);
      auto* v = add(
          rework ? v1::CASE_EVENT_TYPE_REWORKED : v1::CASE_EVENT_TYPE_VERIFIED,
          t4, rework ? v1::CASE_STATE_DISPATCHED : v1::CASE_STATE_CLOSED);
      Stage(v, v1::STAGE_VERIFY, t3, t3 + absl::Hours(1), t4);
      if (!rework) {
        v->set_closure_type(t3 > due ? v1::CLOSURE_TYPE_OVERDUE
                                     : v1::CLOSURE_TYPE_NORMAL);
        v->clear_light();
        return out;
      }
      t2 = t4;
    }
    return out;
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  static void Stage(v1::CaseEvent* e, v1::Stage stage, absl::Time start,
                    absl::Time due, absl::Time done,
                    absl::Time overdue_at = absl::InfiniteFuture()) {
    e->set_stage(stage);
    v1::StageDeadline* d = e->mutable_stage_deadline();
    *d->mutable_started_at() = ToTimestamp(start);
    *d->mutable_effective_deadline() = ToTimestamp(due);
    if (done != absl::InfinitePast()) {
      *d->mutable_completed_at() = ToTimestamp(done);
    }
    if (overdue_at != absl::InfiniteFuture()) {
      *d->mutable_overdue_at() = ToTimestamp(overdue_at);
    }
  }

  std::mt19937 rng_;
  absl::Time first_day_;
  int days_;
  int64_t version_ = 0;
};

// key suffix → field → value, per shard.
using Sums = std::vector<
    std::unordered_map<std::string, std::unordered_map<std::string, int64_t>>>;

void Fill(
    int from, int to, int shards, absl::Time first_day, int days, Sums* sums,
    std::vector<std::vector<std::pair<std::string, std::string>>>* records) {
  CaseMaker maker(static_cast<uint32_t>(from) * 7919u + 1, first_day, days);
  absl::TimeZone zone = Zone();
  for (int i = from; i < to; ++i) {
    std::vector<v1::CaseEvent> events = maker.Make();
    int shard = store::ShardOf(events[0].dimensions().town_code(), shards);
    std::optional<CaseRecord> record;
    Deltas total;
    for (const v1::CaseEvent& e : events) {
      for (const auto& [k, v] : EventDeltas(e, zone)) total[k] += v;
      record = Merge(record, e);
    }
    for (const auto& [k, v] : RecordDeltas(*record)) total[k] += v;
    auto& into = (*sums)[shard];
    for (const auto& [k, v] : total) {
      if (v != 0) into[k.first][k.second] += v;
    }
    (*records)[shard].emplace_back(absl::StrCat("bench-", i), Encode(*record));
  }
}

struct Timing {
  std::string name;
  std::vector<double> ms;
};

void Report(std::vector<Timing>& timings) {
  std::printf("%-44s %9s %9s %9s %9s\n", "query", "p50 ms", "p90 ms", "p99 ms",
              "max ms");
  for (Timing& t : timings) {
    std::sort(t.ms.begin(), t.ms.end());
    auto q = [&t](double p) {
      return t
          .ms[std::min(t.ms.size() - 1, static_cast<size_t>(p * t.ms.size()))];
    };
    std::printf("%-44s %9.3f %9.3f %9.3f %9.3f\n", t.name.c_str(), q(0.5),
                q(0.9), q(0.99), t.ms.back());
  }
}

int Run() {
  const int cases = absl::GetFlag(FLAGS_cases);
  const int days = absl::GetFlag(FLAGS_days);
  const int shards = absl::GetFlag(FLAGS_shards);
  const int iterations = absl::GetFlag(FLAGS_iterations);
  absl::TimeZone zone = Zone();
  absl::CivilDay today = absl::ToCivilDay(absl::Now(), zone);
  absl::Time first_day = absl::FromCivil(today - days, zone);

  std::unique_ptr<testing::RedisServer> server;
  std::string address = absl::GetFlag(FLAGS_redis);
  if (address.empty()) {
    auto started = testing::RedisServer::Start();
    if (!started.ok()) {
      std::fprintf(stderr, "redis: %s\n", started.status().ToString().c_str());
      return 1;
    }
    server = *std::move(started);
    address = server->address();
  }
  auto pool = redis::RedisPool::Create(
      {.address = address, .command_timeout = absl::Seconds(30)});
  if (!pool.ok()) return 1;

  absl::Time start = absl::Now();
  Sums sums_a(shards), sums_b(shards);
  std::vector<std::vector<std::pair<std::string, std::string>>> rec_a(shards),
      rec_b(shards);
  std::thread a(Fill, 0, cases / 2, shards, first_day, days, &sums_a, &rec_a);
  Fill(cases / 2, cases, shards, first_day, days, &sums_b, &rec_b);
  a.join();
  absl::Duration computed = absl::Now() - start;
  int64_t fields = 0;
  start = absl::Now();
  for (int s = 0; s < shards; ++s) {
    for (auto& [key, f] : sums_b[s]) {
      for (auto& [field, v] : f) sums_a[s][key][field] += v;
    }
    std::string prefix = store::StatsGenerationPrefix(s, 1);
    std::vector<redis::Args> batch;
    auto flush = [&] {
      if (batch.empty()) return;
      auto r = (*pool)->Pipeline(batch);
      if (!r.ok()) std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      batch.clear();
    };
    for (auto& [key, f] : sums_a[s]) {
      redis::Args args = {"HSET", prefix + key};
      for (auto& [field, v] : f) {
        if (v == 0) continue;
        args.push_back(field);
        args.push_back(absl::StrCat(v));
        ++fields;
        if (args.size() >= 1002) {
          batch.push_back(std::move(args));
          args = {"HSET", prefix + key};
        }
      }
      if (args.size() > 2) batch.push_back(std::move(args));
      if (batch.size() >= 50) flush();
    }
    for (auto* recs : {&rec_a[s], &rec_b[s]}) {
      redis::Args args = {"HSET",
                          prefix + std::string(store::kStatsCasesSuffix)};
      for (auto& [id, r] : *recs) {
        args.push_back(id);
        args.push_back(r);
        if (args.size() >= 2002) {
          batch.push_back(std::move(args));
          args = {"HSET", prefix + std::string(store::kStatsCasesSuffix)};
          if (batch.size() >= 50) flush();
        }
      }
      if (args.size() > 2) batch.push_back(std::move(args));
    }
    flush();
    sums_a[s].clear();
    sums_b[s].clear();
  }
  absl::Duration written = absl::Now() - start;
  auto info = (*pool)->Command({"INFO", "memory"});
  std::string used = "?";
  if (info.ok()) {
    std::string text = info->str();
    size_t p = text.find("used_memory_human:");
    if (p != std::string::npos) {
      used = text.substr(p + 18, text.find('\r', p) - p - 18);
    }
  }
  int64_t record_bytes = 0;
  for (int s = 0; s < shards; ++s) {
    auto m = (*pool)->Command({"MEMORY", "USAGE",
                               store::StatsGenerationPrefix(s, 1) +
                                   std::string(store::kStatsCasesSuffix),
                               "SAMPLES", "0"});
    if (m.ok()) record_bytes += m->integer();
  }
  std::printf("case records: %.1f MB (%.0f bytes per case)\n",
              static_cast<double>(record_bytes) / 1e6,
              static_cast<double>(record_bytes) / cases);
  std::printf(
      "%d cases over %d days: aggregates computed in %s, %lld hash fields "
      "written in %s; redis used_memory %s\n",
      cases, days, absl::FormatDuration(computed).c_str(),
      static_cast<long long>(fields), absl::FormatDuration(written).c_str(),
      used.c_str());

  if (absl::GetFlag(FLAGS_fill_only)) return 0;

  FakeDirectory directory;
  DirectorySnapshot& snap = directory.snapshot();
  snap.regions["330483"] = "桐乡市";
  for (int t = 0; t < kTowns; ++t) {
    snap.regions[Town(t)] = Town(t);
    for (int c = 0; c < kCommunities; ++c) {
      snap.regions[Community(t, c)] = Community(t, c);
      for (int g = 0; g < kGrids; ++g) {
        snap.regions[Grid(t, c, g)] = Grid(t, c, g);
        snap.grid_managers[absl::StrCat("gm-", Grid(t, c, g))] = "gm";
      }
    }
  }
  for (int d = 0; d < kDepartments; ++d) {
    snap.departments[Department(d)] = Department(d);
  }
  for (int m = 0; m < kMajors; ++m) {
    snap.majors[Major(m)] = Major(m);
    for (int n = 0; n < kMinors; ++n) {
      snap.categories[Category(m, n)] = Category(m, n);
    }
  }
  RedisAggregates aggregates(pool->get(), {.shards = shards, .zone = zone});
  StatsQueries queries(&aggregates, &directory, RealClock::Get(),
                       DefaultWeights());
  // In-process: the insecure-dev header (no token to verify in the timing).
  auth::DevHeaderAuthenticator authenticator;
  StatsServiceImpl service(&queries, &authenticator);
  auto grpc_server = testing::InProcessServer::Start(
      {.services = {{&service, v1::StatsService::service_full_name()}}});
  if (!grpc_server.ok()) return 1;
  auto stub = v1::StatsService::NewStub((*grpc_server)->NewChannel());

  // The last full month of the history, and the whole history.
  absl::CivilMonth month(today - 1);
  if (absl::CivilDay(month) + 20 > today - 1) month -= 1;
  v1::DateRange month_range, all_range;
  month_range.set_start_date(absl::FormatCivilTime(absl::CivilDay(month)));
  month_range.set_end_date(
      absl::FormatCivilTime(absl::CivilDay(month + 1) - 1));
  all_range.set_start_date(absl::FormatCivilTime(today - days));
  all_range.set_end_date(absl::FormatCivilTime(today - 1));

  auto summary = [](v1::ScopeKind kind, std::string code, v1::DateRange r) {
    v1::SummaryRequest q;
    q.mutable_scope()->set_kind(kind);
    q.mutable_scope()->set_code(std::move(code));
    *q.mutable_period() = r;
    return q;
  };
  auto ranking = [](v1::RankingLevel level, v1::Indicator i, v1::DateRange r) {
    v1::RankingRequest q;
    q.set_level(level);
    q.set_indicator(i);
    *q.mutable_period() = r;
    return q;
  };
  v1::TrendRequest trend;
  trend.mutable_scope()->set_kind(v1::SCOPE_KIND_REGION);
  trend.mutable_scope()->set_code(Town(3));
  trend.set_indicator(v1::INDICATOR_ON_TIME_CLOSE_RATE);
  *trend.mutable_period() = all_range;
  trend.set_step(v1::TREND_STEP_DAY);
  v1::HotspotsRequest hot;
  hot.mutable_scope()->set_kind(v1::SCOPE_KIND_REGION);
  hot.mutable_scope()->set_code(Town(3));
  *hot.mutable_period() = month_range;
  hot.set_by(v1::HOTSPOT_DIMENSION_GRID);

  struct Query {
    std::string name;
    std::function<bool()> direct;
    std::function<bool()> rpc;
  };
  auto call = [&stub](auto method, const auto& req, auto* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-gridcase-actor", "subject=leader-1; roles=duty_chief");
    return ((*stub).*method)(&ctx, req, resp).ok();
  };
  v1::SummaryResponse s_resp;
  v1::RankingResponse r_resp;
  v1::TrendResponse t_resp;
  v1::HotspotsResponse h_resp;
  auto s_town = summary(v1::SCOPE_KIND_REGION, Town(3), month_range);
  auto s_all = summary(v1::SCOPE_KIND_ALL, "", all_range);
  auto r_town =
      ranking(v1::RANKING_LEVEL_TOWN, v1::INDICATOR_COMPOSITE, month_range);
  auto r_dept = ranking(v1::RANKING_LEVEL_DEPARTMENT,
                        v1::INDICATOR_ON_TIME_CLOSE_RATE, month_range);
  auto r_gm = ranking(v1::RANKING_LEVEL_GRID_MANAGER,
                      v1::INDICATOR_VALID_REPORTS, month_range);
  using S = v1::StatsService::Stub;
  std::vector<Query> list = {
      {"Summary town, month", [&] { return queries.Summary(s_town).ok(); },
       [&] { return call(&S::Summary, s_town, &s_resp); }},
      {"Ranking towns by composite, month",
       [&] { return queries.Ranking(r_town).ok(); },
       [&] { return call(&S::Ranking, r_town, &r_resp); }},
      {"Summary everything, 90 days",
       [&] { return queries.Summary(s_all).ok(); },
       [&] { return call(&S::Summary, s_all, &s_resp); }},
      {"Ranking departments, month",
       [&] { return queries.Ranking(r_dept).ok(); },
       [&] { return call(&S::Ranking, r_dept, &r_resp); }},
      {"Ranking 1,440 grid managers, month",
       [&] { return queries.Ranking(r_gm).ok(); },
       [&] { return call(&S::Ranking, r_gm, &r_resp); }},
      {"Trend town daily, 90 points", [&] { return queries.Trend(trend).ok(); },
       [&] { return call(&S::Trend, trend, &t_resp); }},
      {"Hotspots town by grid, month",
       [&] { return queries.Hotspots(hot).ok(); },
       [&] { return call(&S::Hotspots, hot, &h_resp); }},
  };
  std::vector<Timing> timings;
  for (const Query& q : list) {
    for (int path = 0; path < 2; ++path) {
      Timing t{absl::StrCat(q.name, path == 0 ? " (direct)" : " (gRPC)"), {}};
      const auto& fn = path == 0 ? q.direct : q.rpc;
      bool ok = true;
      // A fresh thread: the main thread's heap is fragmented by the fill,
      // which would slow the direct path's allocations down.
      std::thread runner([&] {
        for (int i = 0; i < iterations && ok; ++i) {
          absl::Time begin = absl::Now();
          ok = fn();
          t.ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - begin));
        }
      });
      runner.join();
      if (!ok) {
        std::fprintf(stderr, "%s failed\n", t.name.c_str());
        return 1;
      }
      timings.push_back(std::move(t));
    }
  }
  std::printf("period: month %s..%s, history %s..%s, %d calls each\n",
              month_range.start_date().c_str(), month_range.end_date().c_str(),
              all_range.start_date().c_str(), all_range.end_date().c_str(),
              iterations);
  Report(timings);
  std::printf("sanity: 90-day summary reports=%lld, on-time close rate %.4f\n",
              static_cast<long long>(s_resp.indicators().reports()),
              s_resp.indicators().on_time_close_rate().value());
  return 0;
}

}  // namespace
}  // namespace gridcase::stats

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when piped
  return gridcase::stats::Run();
}
