// gridcase-stats: wiring only.
//
//   gridcase-stats [flags]          serve StatsService and consume events
//   gridcase-stats rebuild [flags]  recompute every aggregate, then exit

#include <cstdio>
#include <cstring>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/clock/clock.h"
#include "common/config/env_flags.h"
#include "common/events/consumer.h"
#include "common/events/event_source.h"
#include "common/server/bootstrap.h"
#include "services/stats/directory.h"
#include "services/stats/indicators.h"
#include "services/stats/member_work.h"
#include "services/stats/queries.h"
#include "services/stats/query_cache.h"
#include "services/stats/rebuild.h"
#include "services/stats/redis_aggregates.h"
#include "services/stats/report_store.h"
#include "services/stats/reports.h"
#include "services/stats/stats_metrics.h"
#include "services/stats/stats_service.h"
#include "services/stats/workers.h"

ABSL_FLAG(std::string, registry, "127.0.0.1:8080",
          "gRPC target of gridcase-registry (names, ranking entities); on "
          "Kubernetes dns:///gridcase-registry:8080.");
ABSL_FLAG(absl::Duration, registry_timeout, absl::Seconds(2),
          "Deadline of each registry call.");
ABSL_FLAG(absl::Duration, registry_cache_ttl, absl::Seconds(60),
          "How long the registry's regions, departments, categories and grid "
          "managers are cached.");
ABSL_FLAG(int32_t, shards, 16,
          "Number of case shards; the same value in every service.");
ABSL_FLAG(std::string, time_zone, "Asia/Shanghai",
          "Time zone of statistics days; the registry calendar's zone.");
ABSL_FLAG(absl::Duration, dedup_retention, absl::Hours(35 * 24),
          "How long applied event ids are remembered; longer than any "
          "redelivery delay.");
ABSL_FLAG(std::string, composite_weights, "",
          "Default composite weights, e.g. "
          "\"ON_TIME_CLOSE_RATE=0.3,CLOSE_RATE=0.2\"; empty: the documented "
          "defaults (docs/indicators.md).");
ABSL_FLAG(absl::Duration, claim_idle, absl::Seconds(30),
          "Stream entries pending this long on a consumer (e.g. a crashed "
          "replica) are claimed by another.");
ABSL_FLAG(absl::Duration, gauge_interval, absl::Seconds(15),
          "How often the dashboard gauges are refreshed.");
ABSL_FLAG(int32_t, max_deliveries, 10,
          "Deliveries after which a stream entry whose handling keeps "
          "failing (not for an outage) is moved to the dead-letter stream "
          "{s:N}:events:dead; 1-1000.");
ABSL_FLAG(absl::Duration, query_cache_ttl, absl::Seconds(1),
          "How long a Summary, Ranking, Trend or Hotspots answer is reused "
          "for the same request (it keeps its computed_at); 0 computes "
          "every call. At most 60s.");
ABSL_FLAG(std::string, consumer, "",
          "Consumer name in the 'stats' group; unique per replica. Empty: "
          "<hostname>-<pid>.");

namespace {

[[noreturn]] void Die(const char* program, const std::string& message) {
  gridcase::config::DieWithConfigError(program,
                                       absl::InvalidArgumentError(message));
  std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  bool rebuild = argc > 1 && std::strcmp(argv[1], "rebuild") == 0;
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "stats",
      "gridcase-stats: indicators, rankings, trends and hotspots.\n"
      "  gridcase-stats [flags]          serve and consume events\n"
      "  gridcase-stats rebuild [flags]  recompute every aggregate from the "
      "case records, then exit");
  int shards = absl::GetFlag(FLAGS_shards);
  if (shards < 1 || shards > 1024) Die(argv[0], "--shards: must be 1-1024");
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &zone)) {
    Die(argv[0], "--time_zone: unknown time zone");
  }
  for (auto [name, value] :
       {std::pair{"--registry_timeout", absl::GetFlag(FLAGS_registry_timeout)},
        std::pair{"--registry_cache_ttl",
                  absl::GetFlag(FLAGS_registry_cache_ttl)},
        std::pair{"--dedup_retention", absl::GetFlag(FLAGS_dedup_retention)},
        std::pair{"--claim_idle", absl::GetFlag(FLAGS_claim_idle)},
        std::pair{"--gauge_interval", absl::GetFlag(FLAGS_gauge_interval)}}) {
    if (value <= absl::ZeroDuration()) {
      Die(argv[0], absl::StrCat(name, ": must be positive"));
    }
  }
  int max_deliveries = absl::GetFlag(FLAGS_max_deliveries);
  if (max_deliveries < 1 || max_deliveries > 1000) {
    Die(argv[0], "--max_deliveries: must be 1-1000");
  }
  gridcase::stats::Weights weights = gridcase::stats::DefaultWeights();
  if (std::string w = absl::GetFlag(FLAGS_composite_weights); !w.empty()) {
    absl::StatusOr<gridcase::stats::Weights> parsed =
        gridcase::stats::ParseWeights(w);
    if (!parsed.ok()) Die(argv[0], std::string(parsed.status().message()));
    weights = *parsed;
  }
  gridcase::stats::RedisAggregates aggregates(
      &boot.redis(), {.shards = shards,
                      .zone = zone,
                      .dedup_retention = absl::GetFlag(FLAGS_dedup_retention)});

  if (rebuild) {
    absl::StatusOr<gridcase::stats::RebuildResult> r =
        gridcase::stats::Rebuild(&boot.redis(), &aggregates);
    if (!r.ok()) {
      std::fprintf(stderr, "rebuild failed: %s\n",
                   r.status().ToString().c_str());
      return 1;
    }
    std::printf(
        "{\"generation\":%lld,\"cases\":%lld,\"events\":%lld,"
        "\"deleted_keys\":%lld,\"skipped_entries\":%lld,"
        "\"skipped_cases\":%lld}\n",
        static_cast<long long>(r->generation), static_cast<long long>(r->cases),
        static_cast<long long>(r->events),
        static_cast<long long>(r->deleted_keys),
        static_cast<long long>(r->skipped_entries),
        static_cast<long long>(r->skipped_cases));
    if (r->skipped_entries > 0 || r->skipped_cases > 0) {
      std::fprintf(stderr,
                   "rebuild skipped %lld timeline entries and %lld cases it "
                   "could not read; see the log lines above\n",
                   static_cast<long long>(r->skipped_entries),
                   static_cast<long long>(r->skipped_cases));
    }
    return 0;
  }

  absl::Duration query_cache_ttl = absl::GetFlag(FLAGS_query_cache_ttl);
  if (query_cache_ttl < absl::ZeroDuration() ||
      query_cache_ttl > absl::Seconds(60)) {
    gridcase::config::DieWithConfigError(
        argv[0],
        absl::InvalidArgumentError("--query_cache_ttl: must be 0s-60s"));
  }
  std::string consumer = absl::GetFlag(FLAGS_consumer);
  if (consumer.empty()) consumer = gridcase::events::DefaultConsumerName();
  const gridcase::Clock* clock = gridcase::RealClock::Get();
  gridcase::stats::GrpcDirectory directory(
      gridcase::v1::RegistryService::NewStub(
          boot.NewChannel(absl::GetFlag(FLAGS_registry))),
      absl::GetFlag(FLAGS_registry_timeout),
      absl::GetFlag(FLAGS_registry_cache_ttl), clock,
      &boot.outbound_identity());
  gridcase::stats::StatsMetrics metrics(*boot.metrics());
  gridcase::events::RedisEventSource events(&boot.redis(), shards, "stats");
  gridcase::stats::Workers workers(
      &aggregates, &events, &metrics, clock,
      {.consumer = consumer,
       .claim_idle = absl::GetFlag(FLAGS_claim_idle),
       .gauge_interval = absl::GetFlag(FLAGS_gauge_interval),
       .max_deliveries = max_deliveries});
  gridcase::stats::RedisPatrolActivity patrols(&boot.redis());
  gridcase::stats::StatsQueries queries(&aggregates, &directory, clock, weights,
                                        &patrols);
  gridcase::stats::QueryCache cache(clock, query_cache_ttl);
  gridcase::stats::RedisReportStore report_store(&boot.redis());
  gridcase::stats::Reports reports(&queries, &report_store, &directory, clock,
                                   zone);
  gridcase::stats::StatsServiceImpl service(&queries, &boot.authenticator(),
                                            &cache, &reports);
  workers.Start();
  return boot.Serve(
      {{&service, gridcase::v1::StatsService::service_full_name()}});
}
