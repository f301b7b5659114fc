// ReplicaRegistryClient: the registry questions a report asks — where the
// point is, the category, the working calendar, a region — answered from
// intake's own copy of the registry data (registry::SnapshotHolder, read
// from Redis and reloaded when the registry's versions change, as every
// registry replica does), so a report makes no registry call. Everything
// else (responsibility, departments, members) goes to `remote`.
//
// Until the first load has succeeded every answer is UNAVAILABLE ("registry
// data not loaded yet"), and intake's readiness says so.
#ifndef GRIDCASE_SERVICES_INTAKE_REPLICA_REGISTRY_CLIENT_H_
#define GRIDCASE_SERVICES_INTAKE_REPLICA_REGISTRY_CLIENT_H_

#include <string>

#include "common/registry_client/registry_client.h"
#include "services/registry/snapshot_holder.h"

namespace gridcase::intake {

class ReplicaRegistryClient final : public registry_client::RegistryClient {
 public:
  // Both must outlive the client.
  ReplicaRegistryClient(const registry::SnapshotHolder* snapshots,
                        registry_client::RegistryClient* remote)
      : snapshots_(snapshots), remote_(remote) {}

  absl::StatusOr<v1::LocateGridResponse> Locate(double latitude,
                                                double longitude) override;
  absl::StatusOr<v1::Category> GetCategory(const std::string& code) override;
  absl::StatusOr<v1::WorkingCalendar> GetCalendar() override;
  absl::StatusOr<v1::Region> GetRegion(const std::string& code) override;
  absl::StatusOr<v1::ResolveResponsibilityResponse> Resolve(
      const std::string& category_code, const std::string& grid_code) override {
    return remote_->Resolve(category_code, grid_code);
  }
  absl::StatusOr<v1::Department> GetDepartment(const std::string& id) override {
    return remote_->GetDepartment(id);
  }
  absl::StatusOr<v1::Member> GetMember(const std::string& id) override {
    return remote_->GetMember(id);
  }

 private:
  // The current snapshot, or UNAVAILABLE before the first load.
  absl::StatusOr<std::shared_ptr<const registry::RegistrySnapshot>> Snapshot()
      const;

  const registry::SnapshotHolder* snapshots_;
  registry_client::RegistryClient* remote_;
};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_REPLICA_REGISTRY_CLIENT_H_
