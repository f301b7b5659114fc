// ReplicaRegistryClient: every registry question intake and dispatch ask
// — where a point is, a category, the working calendar, a region, who is
// responsible for a category in a grid, a department, a member — answered
// from the caller's own copy of the registry data (SnapshotHolder, read from
// Redis and reloaded when the registry's versions change, as every registry
// replica does), with the registry service's own rules (responsibility.h,
// PublicMember). So a report or a routing makes no registry call, and goes on
// while the registry is down.
//
// Until the first load has succeeded every answer is UNAVAILABLE ("registry
// data not loaded yet"), and the caller's readiness says so.
#ifndef GRIDCASE_SERVICES_REGISTRY_REPLICA_REGISTRY_CLIENT_H_
#define GRIDCASE_SERVICES_REGISTRY_REPLICA_REGISTRY_CLIENT_H_

#include <memory>
#include <string>

#include "common/registry_client/registry_client.h"
#include "services/registry/snapshot_holder.h"

namespace gridcase::registry {

class ReplicaRegistryClient final : public registry_client::RegistryClient {
 public:
  // `snapshots` must outlive the client.
  explicit ReplicaRegistryClient(const SnapshotHolder* snapshots)
      : snapshots_(snapshots) {}

  absl::StatusOr<v1::LocateGridResponse> Locate(double latitude,
                                                double longitude) override;
  absl::StatusOr<v1::Category> GetCategory(const std::string& code) override;
  absl::StatusOr<v1::WorkingCalendar> GetCalendar() override;
  // Parsed once per registry version, not per call.
  absl::StatusOr<std::shared_ptr<const calendar::WorkingCalendar>>
  GetWorkingCalendar() override;
  absl::StatusOr<v1::Region> GetRegion(const std::string& code) override;
  absl::StatusOr<v1::ResolveResponsibilityResponse> Resolve(
      const std::string& category_code, const std::string& grid_code) override;
  absl::StatusOr<v1::Department> GetDepartment(const std::string& id) override;
  // The phone masked, as GetMember answers.
  absl::StatusOr<v1::Member> GetMember(const std::string& id) override;

 private:
  // The current snapshot, or UNAVAILABLE before the first load.
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> Snapshot() const;

  const SnapshotHolder* snapshots_;
};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_REPLICA_REGISTRY_CLIENT_H_
