// gridcase-registry: wiring only.
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "common/clock/clock.h"
#include "common/config/env_flags.h"
#include "common/server/bootstrap.h"
#include "services/registry/redis_registry_store.h"
#include "services/registry/registry_metrics.h"
#include "services/registry/registry_service.h"
#include "services/registry/snapshot_holder.h"

ABSL_FLAG(absl::Duration, registry_poll_interval, absl::Milliseconds(500),
          "How often a replica checks Redis for reference data changed "
          "through another replica (and reloads when it has changed).");

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "registry",
      "gridcase-registry: grids and their polygons, people, departments, "
      "categories, responsibility rules and the working calendar.");
  absl::Duration poll = absl::GetFlag(FLAGS_registry_poll_interval);
  if (poll < absl::Milliseconds(10) || poll > absl::Seconds(2)) {
    gridcase::config::DieWithConfigError(
        argv[0], absl::InvalidArgumentError(
                     "--registry_poll_interval: must be 10ms-2s, so that "
                     "every replica serves a change within 2 s"));
  }
  // Requests stay under the general 4 MiB limit: big GeoJSON files come in
  // chunks through UploadGrids (issue #16).

  gridcase::registry::RegistryMetrics metrics(*boot.metrics());
  gridcase::registry::RedisRegistryStore store(&boot.redis());
  gridcase::registry::SnapshotHolder snapshots(&store, &metrics);
  snapshots.StartPolling(poll);
  boot.AddReadinessCheck([&snapshots] {
    return snapshots.loaded() ? absl::OkStatus()
                              : absl::UnavailableError(
                                    "the registry snapshot is not loaded yet");
  });
  gridcase::registry::RegistryServiceImpl service(
      &store, &snapshots, &boot.authenticator(), gridcase::RealClock::Get(),
      &metrics);
  return boot.Serve(
      {{&service, gridcase::v1::RegistryService::service_full_name()}});
}
