// stats_rebuild_bench: how long `gridcase-stats rebuild` takes. A measuring
// tool, not a test; its numbers go in docs/benchmarks.md.
//
//   build/bench/stats_rebuild_bench --cases=50000
//
// It starts its own redis-server, stores --cases case histories made by
// dispatch's real workflow as the services store them (stream entries,
// timelines, the all-cases index), and times Rebuild over them.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/testing/redis_server.h"
#include "services/stats/history_for_test.h"
#include "services/stats/rebuild.h"
#include "services/stats/redis_aggregates.h"

ABSL_FLAG(int, cases, 50000, "case histories to rebuild from");
ABSL_FLAG(int, shards, 16, "case shards");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace gridcase;  // NOLINT: a small tool
  const int shards = absl::GetFlag(FLAGS_shards);
  auto server = testing::RedisServer::Start();
  if (!server.ok()) return 1;
  auto pool = redis::RedisPool::Create(
      {.address = (*server)->address(), .command_timeout = absl::Seconds(30)});
  if (!pool.ok()) return 1;
  std::vector<stats::GeneratedCase> cases =
      stats::GenerateHistory({.cases = absl::GetFlag(FLAGS_cases),
                              .seed = 11,
                              .shards = shards,
                              .days = 90});
  if (!stats::StoreHistory(pool->get(), &cases).ok()) return 1;
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  stats::RedisAggregates aggregates(pool->get(),
                                    {.shards = shards, .zone = zone});
  absl::Time start = absl::Now();
  auto r = stats::Rebuild(pool->get(), &aggregates);
  absl::Duration took = absl::Now() - start;
  if (!r.ok()) {
    std::fprintf(stderr, "rebuild: %s\n", r.status().ToString().c_str());
    return 1;
  }
  std::printf("rebuilt %lld cases, %lld events in %s: %.0f events/s\n",
              static_cast<long long>(r->cases),
              static_cast<long long>(r->events),
              absl::FormatDuration(took).c_str(),
              static_cast<double>(r->events) / absl::ToDoubleSeconds(took));
  return 0;
}
