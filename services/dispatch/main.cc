// gridcase-dispatch: wiring only.

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/clock/clock.h"
#include "common/config/env_flags.h"
#include "common/events/consumer.h"
#include "common/events/event_source.h"
#include "common/events/stream_trimmer.h"
#include "common/server/bootstrap.h"
#include "services/dispatch/archiver.h"
#include "services/dispatch/dispatch_metrics.h"
#include "services/dispatch/dispatch_service.h"
#include "services/dispatch/redis_case_store.h"
#include "services/dispatch/transitions.h"
#include "services/dispatch/workers.h"
#include "services/registry/registry_access.h"

ABSL_FLAG(int32_t, shards, 16,
          "Number of case shards; the same value in every service.");
ABSL_FLAG(double, warn_share, 0.8,
          "Share of a stage's limit after which its light turns yellow and "
          "case.warning is emitted (0 < x < 1).");
ABSL_FLAG(absl::Duration, reopen_window, absl::Hours(7 * 24),
          "How long after closure a duty chief may reopen a case (and "
          "always while an unsatisfied rating waits for review).");
ABSL_FLAG(absl::Duration, rating_window, absl::Hours(7 * 24),
          "How long after closure the reporter and followers may rate a "
          "case, and a hotline operator record a callback (RateCase).");
ABSL_FLAG(absl::Duration, scan_interval, absl::Seconds(1),
          "How often the deadline scanner looks for due warnings and overdue "
          "cases.");
ABSL_FLAG(absl::Duration, claim_idle, absl::Seconds(30),
          "Stream entries pending this long on a consumer (e.g. a crashed "
          "replica) are claimed by another.");
ABSL_FLAG(absl::Duration, self_handle_grace, absl::Minutes(3),
          "How long a grid manager's own (non-urgent) report waits before "
          "automatic routing, so that they can close it themselves "
          "(SelfCloseCase, 自行处置); 0 routes it at once.");
ABSL_FLAG(int32_t, max_deliveries, 10,
          "Deliveries after which a stream entry whose handling keeps "
          "failing (not for an outage) is moved to the dead-letter stream "
          "{s:N}:events:dead; 1-1000.");
ABSL_FLAG(absl::Duration, stream_trim_interval, absl::Seconds(10),
          "How often the shard event streams are trimmed to the entries a "
          "consumer group still needs; 0 turns trimming off.");
ABSL_FLAG(absl::Duration, stream_keep, absl::Minutes(10),
          "Acknowledged stream entries stay this long, so that WatchCases "
          "clients can resume after a disconnect.");
ABSL_FLAG(absl::Duration, archive_after, absl::Hours(30 * 24),
          "How long a closed, voided or merged case stays whole before it is "
          "kept only in its compressed archived form (still readable); at "
          "least --reopen_window.");
ABSL_FLAG(absl::Duration, archive_interval, absl::Minutes(1),
          "How often the archiver looks for cases to archive; 0 turns it "
          "off.");
ABSL_FLAG(std::string, stream_trim_groups, "dispatch,stats,notify",
          "Consumer groups that must acknowledge an entry before it is "
          "trimmed (comma-separated); a stream without one of them is not "
          "trimmed.");
ABSL_FLAG(int32_t, route_parallelism, 8,
          "How many new reports of one stream batch a replica routes at once "
          "(1-64); keep it below --redis_pool_size.");
ABSL_FLAG(std::string, consumer, "",
          "Consumer name in the 'dispatch' group; unique per replica. Empty: "
          "<hostname>-<pid>.");

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "dispatch",
      "gridcase-dispatch: the case workflow after the report: states, "
      "routing, deadlines, queues.",
      // Its calls wait on Redis: keep a thread per call in flight.
      gridcase::server::BootstrapDefaults{.max_idle_threads = 128});
  int shards = absl::GetFlag(FLAGS_shards);
  if (shards < 1 || shards > 1024) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError("--shards: must be 1-1024"));
  }
  double warn_share = absl::GetFlag(FLAGS_warn_share);
  if (!(warn_share > 0 && warn_share < 1)) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError("--warn_share: must be in (0, 1)"));
  }
  for (auto [name, value] :
       {std::pair{"--scan_interval", absl::GetFlag(FLAGS_scan_interval)},
        std::pair{"--claim_idle", absl::GetFlag(FLAGS_claim_idle)},
        std::pair{"--reopen_window", absl::GetFlag(FLAGS_reopen_window)},
        std::pair{"--rating_window", absl::GetFlag(FLAGS_rating_window)}}) {
    if (value <= absl::ZeroDuration()) {
      gridcase::config::DieWithConfigError(
          argv[0],
          absl::InvalidArgumentError(absl::StrCat(name, ": must be positive")));
    }
  }
  if (absl::GetFlag(FLAGS_self_handle_grace) < absl::ZeroDuration()) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError(
                     "--self_handle_grace: must not be negative"));
  }
  int max_deliveries = absl::GetFlag(FLAGS_max_deliveries);
  if (max_deliveries < 1 || max_deliveries > 1000) {
    gridcase::config::DieWithConfigError(
        argv[0],
        absl::InvalidArgumentError("--max_deliveries: must be 1-1000"));
  }
  absl::Duration trim_interval = absl::GetFlag(FLAGS_stream_trim_interval);
  absl::Duration stream_keep = absl::GetFlag(FLAGS_stream_keep);
  std::vector<std::string> trim_groups = absl::StrSplit(
      absl::GetFlag(FLAGS_stream_trim_groups), ',', absl::SkipWhitespace());
  if (trim_interval < absl::ZeroDuration()) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError(
                     "--stream_trim_interval: must not be negative"));
  }
  if (stream_keep < absl::ZeroDuration()) {
    gridcase::config::DieWithConfigError(
        argv[0],
        absl::InvalidArgumentError("--stream_keep: must not be negative"));
  }
  if (trim_groups.empty()) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError(
                     "--stream_trim_groups: must name at least one group"));
  }
  absl::Duration archive_after = absl::GetFlag(FLAGS_archive_after);
  absl::Duration archive_interval = absl::GetFlag(FLAGS_archive_interval);
  if (archive_after < absl::GetFlag(FLAGS_reopen_window) ||
      archive_after < absl::GetFlag(FLAGS_rating_window)) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError(
                     "--archive_after: must be at least --reopen_window and "
                     "--rating_window, so that no case is archived while it "
                     "may be reopened or rated"));
  }
  if (archive_interval < absl::ZeroDuration()) {
    gridcase::config::DieWithConfigError(
        argv[0],
        absl::InvalidArgumentError("--archive_interval: must not be negative"));
  }
  std::string consumer = absl::GetFlag(FLAGS_consumer);
  if (consumer.empty()) consumer = gridcase::events::DefaultConsumerName();

  const gridcase::Clock* clock = gridcase::RealClock::Get();
  gridcase::dispatch::DispatchMetrics metrics(*boot.metrics());
  gridcase::dispatch::RedisCaseStore store(&boot.redis(), {.shards = shards});
  auto registry = gridcase::registry::RegistryAccess::FromFlags(boot, argv[0]);
  gridcase::dispatch::Transitions transitions(
      &store, &registry->client(), clock, &metrics,
      {.warn_share = warn_share,
       .reopen_window = absl::GetFlag(FLAGS_reopen_window),
       .rating_window = absl::GetFlag(FLAGS_rating_window)});
  int route_parallelism = absl::GetFlag(FLAGS_route_parallelism);
  if (route_parallelism < 1 || route_parallelism > 64) {
    gridcase::config::DieWithConfigError(
        argv[0],
        absl::InvalidArgumentError("--route_parallelism: must be 1-64"));
  }
  gridcase::events::RedisEventSource events(&boot.redis(), shards, "dispatch");
  gridcase::dispatch::Workers workers(
      &transitions, &events, &metrics,
      {.shards = shards,
       .consumer = consumer,
       .claim_idle = absl::GetFlag(FLAGS_claim_idle),
       .max_deliveries = max_deliveries,
       .scan_interval = absl::GetFlag(FLAGS_scan_interval),
       .self_handle_grace = absl::GetFlag(FLAGS_self_handle_grace),
       .route_parallelism = route_parallelism});
  gridcase::dispatch::DispatchServiceImpl service(
      &transitions, &registry->client(), &boot.authenticator());
  gridcase::events::StreamTrimLoop trimmer(
      &boot.redis(),
      {.shards = shards, .groups = trim_groups, .keep = stream_keep},
      trim_interval, *boot.metrics());
  gridcase::dispatch::ArchiveLoop archiver(
      &boot.redis(), {.shards = shards, .after = archive_after},
      archive_interval, *boot.metrics());
  workers.Start();
  if (trim_interval > absl::ZeroDuration()) trimmer.Start();
  if (archive_interval > absl::ZeroDuration()) archiver.Start();
  return boot.Serve(
      {{&service, gridcase::v1::DispatchService::service_full_name()}});
}
