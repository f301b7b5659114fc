#include "services/registry/snapshot_holder.h"

#include <utility>

#include "common/log/log.h"
#include "common/status/status_macros.h"

namespace gridcase::registry {

SnapshotHolder::SnapshotHolder(RegistryStore* store, RegistryMetrics* metrics)
    : store_(store), metrics_(metrics) {
  snapshot_ = *RegistrySnapshot::Build(RegistryData());
}

SnapshotHolder::~SnapshotHolder() {
  stop_.Notify();
  if (poller_.joinable()) poller_.join();
}

std::shared_ptr<const RegistrySnapshot> SnapshotHolder::Get() const {
  absl::MutexLock lock(&mu_);
  return snapshot_;
}

bool SnapshotHolder::loaded() const {
  absl::MutexLock lock(&mu_);
  return loaded_;
}

absl::Status SnapshotHolder::Reload() {
  absl::MutexLock reload(&reload_mu_);
  absl::StatusOr<RegistryData> data = store_->LoadAll();
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> next =
      data.ok() ? RegistrySnapshot::Build(*std::move(data))
                : absl::StatusOr<std::shared_ptr<const RegistrySnapshot>>(
                      data.status());
  if (!next.ok()) {
    if (metrics_ != nullptr) metrics_->reloads_error.Increment();
    return next.status();
  }
  if (metrics_ != nullptr) {
    metrics_->reloads_ok.Increment();
    metrics_->grids.Set((*next)->grid_count());
    metrics_->version.Set(static_cast<double>((*next)->versions().registry));
  }
  Versions old;
  {
    absl::MutexLock lock(&mu_);
    old = snapshot_->versions();
    snapshot_ = *std::move(next);
    loaded_ = true;
  }
  const Versions& now = Get()->versions();
  if (old != now) {
    log::Info("registry snapshot loaded", {{"registry_version", now.registry},
                                           {"reference_version", now.reference},
                                           {"calendar_version", now.calendar},
                                           {"grids", Get()->grid_count()}});
  }
  return absl::OkStatus();
}

absl::Status SnapshotHolder::RefreshIfChanged() {
  ASSIGN_OR_RETURN(Versions stored, store_->GetVersions());
  if (stored != Get()->versions()) return Reload();
  absl::MutexLock lock(&mu_);
  loaded_ = true;  // the empty snapshot is the store's content
  return absl::OkStatus();
}

void SnapshotHolder::StartPolling(absl::Duration interval) {
  poller_ = std::thread([this, interval] {
    absl::Status last = absl::OkStatus();
    do {
      absl::Status s = RefreshIfChanged();
      if (!s.ok() && last.ok()) {
        log::Warn("registry refresh failed", {{"error", s.ToString()}});
      }
      last = s;
    } while (!stop_.WaitForNotificationWithTimeout(interval));
  });
}

}  // namespace gridcase::registry
