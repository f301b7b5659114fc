// RegistryAccess: how gridcase-intake and gridcase-dispatch reach the
// registry's data, from their --registry* flags (defined here, so both
// services take the same ones):
//   --registry_replica (default true): their own copy, read from Redis and
//     reloaded when the registry's versions change (ReplicaRegistryClient);
//     the service is ready once the copy is loaded, and every question is
//     answered in memory, also while gridcase-registry is down;
//   --registry_replica=false: a gRPC call to --registry per question, with
//     --registry_timeout and a --registry_cache_ttl cache of categories and
//     the calendar (GrpcRegistryClient).
#ifndef GRIDCASE_SERVICES_REGISTRY_REGISTRY_ACCESS_H_
#define GRIDCASE_SERVICES_REGISTRY_REGISTRY_ACCESS_H_

#include <memory>

#include "common/registry_client/registry_client.h"
#include "common/server/bootstrap.h"
#include "services/registry/redis_registry_store.h"
#include "services/registry/replica_registry_client.h"
#include "services/registry/snapshot_holder.h"

namespace gridcase::registry {

class RegistryAccess final {
 public:
  // Reads and checks the flags (a bad value stops the program with a config
  // error naming it). With the copy, loads it once now (so the first
  // readiness probe finds it loaded; a failure is retried by the poller),
  // starts polling and adds a readiness check to `boot`, which must outlive
  // the access.
  static std::unique_ptr<RegistryAccess> FromFlags(server::Bootstrap& boot,
                                                   const char* program);
  ~RegistryAccess();

  registry_client::RegistryClient& client() {
    if (replica_ != nullptr) return *replica_;
    return *remote_;
  }

 private:
  RegistryAccess() = default;

  // One of the two: a call per question, or the copy.
  std::unique_ptr<registry_client::RegistryClient> remote_;
  std::unique_ptr<RedisRegistryStore> store_;
  std::unique_ptr<SnapshotHolder> snapshots_;
  std::unique_ptr<ReplicaRegistryClient> replica_;
};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_REGISTRY_ACCESS_H_
