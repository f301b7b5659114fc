// gridcase-intake: wiring only.

#include <memory>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "common/clock/clock.h"
#include "common/config/env_flags.h"
#include "common/server/bootstrap.h"
#include "services/intake/case_store.h"
#include "services/intake/intake_metrics.h"
#include "services/intake/intake_service.h"
#include "services/intake/patrol_service.h"
#include "services/intake/patrol_store.h"
#include "services/intake/report_quota.h"
#include "services/intake/watch_hub.h"
#include "services/registry/registry_access.h"

ABSL_DECLARE_FLAG(absl::Duration, redis_timeout);  // common/server

ABSL_FLAG(int32_t, redis_wait_replicas, 0,
          "Acknowledge a report or follow-up only once this many Redis "
          "replicas hold it (WAIT after the script); 0 acknowledges once the "
          "primary has it. Fewer in time: UNAVAILABLE, retry with the same "
          "request_id.");
ABSL_FLAG(absl::Duration, redis_wait_timeout, absl::Milliseconds(500),
          "With --redis_wait_replicas: how long a write waits for the "
          "replicas; below --redis_timeout.");
ABSL_FLAG(int32_t, shards, 16,
          "Number of case shards ({s:0} .. {s:N-1}). Fixed for the life of a "
          "deployment: every service must use the same value.");
ABSL_FLAG(int32_t, watch_max_streams, 2048,
          "Most WatchCases streams this process serves at once; more are "
          "refused RESOURCE_EXHAUSTED.");
ABSL_FLAG(int32_t, watch_max_streams_per_caller, 32,
          "Most WatchCases streams one caller (JWT subject) may hold open on "
          "this process; more are refused RESOURCE_EXHAUSTED.");
ABSL_FLAG(int32_t, watch_buffer_events, 1000,
          "Events a WatchCases stream may have queued for a slow client; a "
          "stream further behind is ended ABORTED and the client resumes "
          "with its last resume_token.");
ABSL_FLAG(double, warn_share, 0.8,
          "Share of a new report's REGISTER limit after which its light turns "
          "yellow (0 < x < 1); use the same value as gridcase-dispatch's "
          "--warn_share.");
ABSL_FLAG(int32_t, report_quota_per_day, 50,
          "New reports a member of the public (a citizen, a channel's end "
          "user) may make per local date; grid managers and other staff are "
          "not counted, replays never. 0 disables.");

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "intake",
      "gridcase-intake: case reporting from every channel and the "
      "reporter-facing reads.",
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
  gridcase::redis::WaitReplicas wait{
      .count = absl::GetFlag(FLAGS_redis_wait_replicas),
      .timeout = absl::GetFlag(FLAGS_redis_wait_timeout)};
  if (wait.count < 0 || wait.count > 16) {
    gridcase::config::DieWithConfigError(
        argv[0],
        absl::InvalidArgumentError("--redis_wait_replicas: must be 0-16"));
  }
  if (wait.count > 0 && (wait.timeout <= absl::ZeroDuration() ||
                         wait.timeout >= absl::GetFlag(FLAGS_redis_timeout))) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError(
                     "--redis_wait_timeout: must be positive and below "
                     "--redis_timeout"));
  }
  int32_t report_quota_per_day = absl::GetFlag(FLAGS_report_quota_per_day);
  if (report_quota_per_day < 0) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError(
                     "--report_quota_per_day: must be 0 (no quota) or more"));
  }

  gridcase::intake::WatchLimits watch_limits{
      .max_streams = absl::GetFlag(FLAGS_watch_max_streams),
      .max_per_caller = absl::GetFlag(FLAGS_watch_max_streams_per_caller),
      .buffer_events = absl::GetFlag(FLAGS_watch_buffer_events)};
  if (absl::Status s = gridcase::intake::ValidateWatchLimits(watch_limits);
      !s.ok()) {
    gridcase::config::DieWithConfigError(argv[0], s);
  }

  gridcase::intake::IntakeMetrics metrics(*boot.metrics());
  gridcase::intake::RedisCaseStore store(&boot.redis(),
                                         {.shards = shards, .wait = wait});
  gridcase::intake::RedisReportQuota quota(&boot.redis());
  // WatchCases: one reader per shard, each on a Redis connection of its own.
  std::vector<std::unique_ptr<gridcase::redis::RedisClient>> reader_redis;
  std::vector<std::unique_ptr<gridcase::intake::RedisCaseStore>> readers;
  std::vector<gridcase::intake::CaseStore*> reader_ptrs;
  for (int s = 0; s < shards; ++s) {
    reader_redis.push_back(
        boot.DedicatedRedis(watch_limits.block + absl::Seconds(2)));
    readers.push_back(std::make_unique<gridcase::intake::RedisCaseStore>(
        reader_redis.back().get(),
        gridcase::intake::RedisCaseStore::Options{.shards = shards}));
    reader_ptrs.push_back(readers.back().get());
  }
  gridcase::intake::WatchHub watch_hub(reader_ptrs, watch_limits, &metrics);
  watch_hub.Start();
  boot.AddReadinessCheck([&watch_hub] {
    return watch_hub.ready()
               ? absl::OkStatus()
               : absl::UnavailableError(
                     "the WatchCases readers have not reached Redis yet");
  });
  auto registry = gridcase::registry::RegistryAccess::FromFlags(boot, argv[0]);
  gridcase::intake::IntakeServiceImpl service(
      &store, &registry->client(), &boot.authenticator(),
      gridcase::RealClock::Get(), &metrics, &watch_hub,
      {.shards = shards,
       .warn_share = warn_share,
       .report_quota_per_day = report_quota_per_day,
       .report_quota = &quota});
  gridcase::intake::RedisPatrolStore patrols(&boot.redis());
  gridcase::intake::PatrolServiceImpl patrol_service(
      &patrols, &registry->client(), &boot.authenticator(),
      gridcase::RealClock::Get());
  return boot.Serve(
      {{&service, gridcase::v1::IntakeService::service_full_name()},
       {&patrol_service, gridcase::v1::PatrolService::service_full_name()}});
}
