// SnapshotHolder: the registry snapshot a replica serves, and how it stays
// current. Writes made through this replica reload at once; writes made
// through any other replica are noticed by polling the store's versions
// (every --registry_poll_interval, 500 ms by default), so every replica
// serves an import within about a second. gridcase-intake holds one too,
// so that a report needs no registry call (services/intake/
// replica_registry_client.h).
#ifndef GRIDCASE_SERVICES_REGISTRY_SNAPSHOT_HOLDER_H_
#define GRIDCASE_SERVICES_REGISTRY_SNAPSHOT_HOLDER_H_

#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/registry/registry_metrics.h"
#include "services/registry/registry_store.h"
#include "services/registry/snapshot.h"

namespace gridcase::registry {

class SnapshotHolder final {
 public:
  // Starts with an empty snapshot; call Reload() (or StartPolling) to load.
  // `metrics` may be null (intake's replica of the registry data).
  SnapshotHolder(RegistryStore* store, RegistryMetrics* metrics);
  ~SnapshotHolder();
  SnapshotHolder(const SnapshotHolder&) = delete;
  SnapshotHolder& operator=(const SnapshotHolder&) = delete;

  std::shared_ptr<const RegistrySnapshot> Get() const;
  // True once the store has been read successfully (and the snapshot is
  // current as of then): until then the replica serves an empty registry,
  // so its readiness must wait for this.
  bool loaded() const;

  // Loads everything from the store and swaps the new snapshot in.
  absl::Status Reload();
  // Reloads only if the store's versions differ from the snapshot's.
  absl::Status RefreshIfChanged();

  // Polls in a background thread until destruction.
  void StartPolling(absl::Duration interval);

 private:
  RegistryStore* store_;
  RegistryMetrics* metrics_;
  absl::Mutex reload_mu_;  // one reload at a time
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegistrySnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stop_;
  std::thread poller_;
};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_SNAPSHOT_HOLDER_H_
