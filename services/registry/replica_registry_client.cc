#include "services/registry/replica_registry_client.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/find.h"
#include "common/status/status_macros.h"
#include "services/registry/responsibility.h"

namespace gridcase::registry {
absl::StatusOr<std::shared_ptr<const RegistrySnapshot>>
ReplicaRegistryClient::Snapshot() const {
  if (!snapshots_->loaded()) {
    return absl::UnavailableError(
        "registry data not loaded yet (this service reads its own copy from "
        "Redis); retry");
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
  return FindOrNotFound(snapshot->categories(), code, "category");
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
  return WithoutGeometry(*region);
}

absl::StatusOr<std::shared_ptr<const calendar::WorkingCalendar>>
ReplicaRegistryClient::GetWorkingCalendar() {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  return snapshot->working_calendar();
}

absl::StatusOr<v1::ResolveResponsibilityResponse>
ReplicaRegistryClient::Resolve(const std::string& category_code,
                               const std::string& grid_code) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  return ResolveResponsibility(*snapshot, category_code, grid_code);
}

absl::StatusOr<v1::Department> ReplicaRegistryClient::GetDepartment(
    const std::string& id) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  return FindOrNotFound(snapshot->departments(), id, "department");
}

absl::StatusOr<v1::Member> ReplicaRegistryClient::GetMember(
    const std::string& id) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  ASSIGN_OR_RETURN(v1::Member member,
                   FindOrNotFound(snapshot->members(), id, "member"));
  return PublicMember(member);
}

}  // namespace gridcase::registry
