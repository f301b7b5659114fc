#include "services/registry/replica_registry_client.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "common/status/status_macros.h"
#include "services/registry/responsibility.h"

namespace gridcase::registry {
namespace {

// The record of `map` under `key`, or NOT_FOUND "<what> '<key>' not found"
// (the registry service's words).
template <typename Map>
absl::StatusOr<typename Map::mapped_type> Find(const Map& map,
                                               const std::string& key,
                                               absl::string_view what) {
  auto it = map.find(key);
  if (it == map.end()) {
    return absl::NotFoundError(absl::StrCat(what, " '", key, "' not found"));
  }
  return it->second;
}

}  // namespace

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
  return Find(snapshot->categories(), code, "category");
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
  return Find(snapshot->departments(), id, "department");
}

absl::StatusOr<v1::Member> ReplicaRegistryClient::GetMember(
    const std::string& id) {
  ASSIGN_OR_RETURN(auto snapshot, Snapshot());
  ASSIGN_OR_RETURN(v1::Member member, Find(snapshot->members(), id, "member"));
  return PublicMember(member);
}

}  // namespace gridcase::registry
