// gridcase-intake: wiring only.

#include <memory>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "common/clock/clock.h"
#include "common/config/env_flags.h"
#include "common/registry_client/registry_client.h"
#include "common/server/bootstrap.h"
#include "services/intake/case_store.h"
#include "services/intake/intake_metrics.h"
#include "services/intake/intake_service.h"
#include "services/intake/watch_hub.h"

ABSL_FLAG(std::string, registry, "127.0.0.1:8080",
          "gRPC target of gridcase-registry; on Kubernetes "
          "dns:///gridcase-registry:8080 (a headless Service; calls are "
          "balanced round_robin over its pods).");
ABSL_FLAG(absl::Duration, registry_timeout, absl::Seconds(1),
          "Deadline of each registry call; past it a report fails "
          "UNAVAILABLE instead of hanging.");
ABSL_FLAG(absl::Duration, registry_cache_ttl, absl::Seconds(30),
          "How long categories and the calendar are cached.");
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

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "intake",
      "gridcase-intake: case reporting from every channel and the "
      "reporter-facing reads.");
  int shards = absl::GetFlag(FLAGS_shards);
  if (shards < 1 || shards > 1024) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError("--shards: must be 1-1024"));
  }
  if (absl::GetFlag(FLAGS_registry_timeout) <= absl::ZeroDuration()) {
    gridcase::config::DieWithConfigError(
        argv[0],
        absl::InvalidArgumentError("--registry_timeout: must be positive"));
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
  gridcase::intake::RedisCaseStore store(&boot.redis(), {.shards = shards});
  // WatchCases: one reader per shard, each on a Redis connection of its own.
  std::vector<std::unique_ptr<gridcase::redis::RedisPool>> reader_redis;
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
  gridcase::registry_client::GrpcRegistryClient registry(
      gridcase::v1::RegistryService::NewStub(
          boot.NewChannel(absl::GetFlag(FLAGS_registry))),
      absl::GetFlag(FLAGS_registry_timeout),
      absl::GetFlag(FLAGS_registry_cache_ttl), gridcase::RealClock::Get(),
      &boot.outbound_identity());
  gridcase::intake::IntakeServiceImpl service(
      &store, &registry, &boot.authenticator(), gridcase::RealClock::Get(),
      &metrics, &watch_hub, {.shards = shards});
  return boot.Serve(
      {{&service, gridcase::v1::IntakeService::service_full_name()}});
}
