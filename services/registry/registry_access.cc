#include "services/registry/registry_access.h"

#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/config/env_flags.h"
#include "gridcase/v1/registry.grpc.pb.h"

ABSL_FLAG(std::string, registry, "127.0.0.1:8080",
          "gRPC target of gridcase-registry; on Kubernetes "
          "dns:///gridcase-registry:8080 (a headless Service; calls are "
          "balanced round_robin over its pods). Used with "
          "--registry_replica=false.");
ABSL_FLAG(absl::Duration, registry_timeout, absl::Seconds(1),
          "Deadline of each registry call (with --registry_replica=false); "
          "past it the call fails UNAVAILABLE instead of hanging.");
ABSL_FLAG(absl::Duration, registry_cache_ttl, absl::Seconds(30),
          "How long categories and the calendar are cached (with "
          "--registry_replica=false).");
ABSL_FLAG(bool, registry_replica, true,
          "Answer every registry question (location, categories, calendar, "
          "responsibility, departments, members) from this service's own "
          "copy of the registry data, read from Redis and reloaded when the "
          "registry's versions change: no registry call per report or "
          "routing. false: ask gridcase-registry every time.");
ABSL_FLAG(absl::Duration, registry_poll_interval, absl::Milliseconds(500),
          "With --registry_replica: how often the registry's versions are "
          "compared with the copy's (10ms-2s).");

namespace gridcase::registry {

std::unique_ptr<RegistryAccess> RegistryAccess::FromFlags(
    server::Bootstrap& boot, const char* program) {
  absl::Duration poll = absl::GetFlag(FLAGS_registry_poll_interval);
  if (poll < absl::Milliseconds(10) || poll > absl::Seconds(2)) {
    config::DieWithConfigError(
        program, absl::InvalidArgumentError(
                     "--registry_poll_interval: must be 10ms-2s"));
  }
  absl::Duration timeout = absl::GetFlag(FLAGS_registry_timeout);
  if (timeout <= absl::ZeroDuration()) {
    config::DieWithConfigError(
        program,
        absl::InvalidArgumentError("--registry_timeout: must be positive"));
  }
  std::unique_ptr<RegistryAccess> access(new RegistryAccess());
  if (!absl::GetFlag(FLAGS_registry_replica)) {
    access->remote_ = std::make_unique<registry_client::GrpcRegistryClient>(
        v1::RegistryService::NewStub(
            boot.NewChannel(absl::GetFlag(FLAGS_registry))),
        timeout, absl::GetFlag(FLAGS_registry_cache_ttl), RealClock::Get(),
        &boot.outbound_identity());
    return access;
  }
  access->store_ = std::make_unique<RedisRegistryStore>(&boot.redis());
  access->snapshots_ =
      std::make_unique<SnapshotHolder>(access->store_.get(), nullptr);
  access->replica_ =
      std::make_unique<ReplicaRegistryClient>(access->snapshots_.get());
  SnapshotHolder* snapshots = access->snapshots_.get();
  snapshots->RefreshIfChanged().IgnoreError();
  snapshots->StartPolling(poll);
  boot.AddReadinessCheck([snapshots] {
    return snapshots->loaded()
               ? absl::OkStatus()
               : absl::UnavailableError(
                     "the registry data has not been read from Redis yet");
  });
  return access;
}

RegistryAccess::~RegistryAccess() = default;

}  // namespace gridcase::registry
