#include "services/intake/replica_registry_client.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/status_macros.h"

namespace gridcase::intake {

absl::StatusOr<std::shared_ptr<const registry::RegistrySnapshot>>
ReplicaRegistryClient::Snapshot() const {
  if (!snapshots_->loaded()) {
    return absl::UnavailableError(
        "registry data not loaded yet (intake reads it from Redis); retry "
        "with the same request_id");
  }
  return snapshots_->Get();
}

absl::StatusOr<v1::LocateGridResponse> ReplicaRegistryClient::Locate(
    double latitude, double longitude) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  std::optional<v1::LocateGridResponse> located =
      snapshot->LocateResponse(latitude, longitude);
  if (!located.has_value()) {
    return absl::NotFoundError(absl::StrFormat(
        "point (%.6f, %.6f) is outside every grid (registry version %d)",
        latitude, longitude, snapshot->versions().registry));
  }
  return *std::move(located);
}

absl::StatusOr<v1::Category> ReplicaRegistryClient::GetCategory(
    const std::string& code) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  auto it = snapshot->categories().find(code);
  if (it == snapshot->categories().end()) {
    return absl::NotFoundError(absl::StrCat("category '", code, "' not found"));
  }
  return it->second;
}

absl::StatusOr<v1::WorkingCalendar> ReplicaRegistryClient::GetCalendar() {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  return snapshot->calendar();
}

absl::StatusOr<v1::Region> ReplicaRegistryClient::GetRegion(
    const std::string& code) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  const v1::Region* region = snapshot->FindRegion(code);
  if (region == nullptr) {
    return absl::NotFoundError(absl::StrCat("region ", code, " not found"));
  }
  return registry::WithoutGeometry(*region);
}

}  // namespace gridcase::intake
