// RegistryServiceImpl: gridcase.v1.RegistryService — the grid hierarchy with
// polygons and point location, people, departments and action groups, the
// category catalogue, responsibility rules and the working calendar.
//
// Reads are served from the in-memory snapshot (SnapshotHolder); writes go to
// the RegistryStore and reload the snapshot at once. Handlers only see the
// injected store, snapshot holder, authenticator, clock and metrics.
#ifndef GRIDCASE_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define GRIDCASE_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <cstddef>

#include "absl/status/status.h"
#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "services/registry/registry_metrics.h"
#include "services/registry/registry_store.h"
#include "services/registry/snapshot_holder.h"

namespace gridcase::registry {

class RegistryServiceImpl final : public v1::RegistryService::Service {
 public:
  RegistryServiceImpl(RegistryStore* store, SnapshotHolder* snapshots,
                      const auth::Authenticator* authenticator,
                      const Clock* clock, RegistryMetrics* metrics);

  grpc::Status ImportGrids(grpc::ServerContext* context,
                           const v1::ImportGridsRequest* request,
                           v1::ImportGridsResponse* response) override;
  grpc::Status UploadGrids(grpc::ServerContext* context,
                           grpc::ServerReader<v1::UploadGridsRequest>* reader,
                           v1::UploadGridsResponse* response) override;
  grpc::Status GetRegion(grpc::ServerContext* context,
                         const v1::GetRegionRequest* request,
                         v1::GetRegionResponse* response) override;
  grpc::Status ListRegions(grpc::ServerContext* context,
                           const v1::ListRegionsRequest* request,
                           v1::ListRegionsResponse* response) override;
  grpc::Status LocateGrid(grpc::ServerContext* context,
                          const v1::LocateGridRequest* request,
                          v1::LocateGridResponse* response) override;
  grpc::Status GetRegistryVersion(
      grpc::ServerContext* context,
      const v1::GetRegistryVersionRequest* request,
      v1::GetRegistryVersionResponse* response) override;
  grpc::Status UpsertMember(grpc::ServerContext* context,
                            const v1::UpsertMemberRequest* request,
                            v1::UpsertMemberResponse* response) override;
  grpc::Status GetMember(grpc::ServerContext* context,
                         const v1::GetMemberRequest* request,
                         v1::GetMemberResponse* response) override;
  grpc::Status ListMembers(grpc::ServerContext* context,
                           const v1::ListMembersRequest* request,
                           v1::ListMembersResponse* response) override;
  grpc::Status ListGridInspectors(
      grpc::ServerContext* context,
      const v1::ListGridInspectorsRequest* request,
      v1::ListGridInspectorsResponse* response) override;
  grpc::Status UpsertDepartment(
      grpc::ServerContext* context, const v1::UpsertDepartmentRequest* request,
      v1::UpsertDepartmentResponse* response) override;
  grpc::Status GetDepartment(grpc::ServerContext* context,
                             const v1::GetDepartmentRequest* request,
                             v1::GetDepartmentResponse* response) override;
  grpc::Status ListDepartments(grpc::ServerContext* context,
                               const v1::ListDepartmentsRequest* request,
                               v1::ListDepartmentsResponse* response) override;
  grpc::Status UpsertCategory(grpc::ServerContext* context,
                              const v1::UpsertCategoryRequest* request,
                              v1::UpsertCategoryResponse* response) override;
  grpc::Status GetCategory(grpc::ServerContext* context,
                           const v1::GetCategoryRequest* request,
                           v1::GetCategoryResponse* response) override;
  grpc::Status ListCategories(grpc::ServerContext* context,
                              const v1::ListCategoriesRequest* request,
                              v1::ListCategoriesResponse* response) override;
  grpc::Status UpsertDutyItem(grpc::ServerContext* context,
                              const v1::UpsertDutyItemRequest* request,
                              v1::UpsertDutyItemResponse* response) override;
  grpc::Status ListDutyItems(grpc::ServerContext* context,
                             const v1::ListDutyItemsRequest* request,
                             v1::ListDutyItemsResponse* response) override;
  grpc::Status UpsertRule(grpc::ServerContext* context,
                          const v1::UpsertRuleRequest* request,
                          v1::UpsertRuleResponse* response) override;
  grpc::Status DeleteRule(grpc::ServerContext* context,
                          const v1::DeleteRuleRequest* request,
                          v1::DeleteRuleResponse* response) override;
  grpc::Status ListRules(grpc::ServerContext* context,
                         const v1::ListRulesRequest* request,
                         v1::ListRulesResponse* response) override;
  grpc::Status ResolveResponsibility(
      grpc::ServerContext* context,
      const v1::ResolveResponsibilityRequest* request,
      v1::ResolveResponsibilityResponse* response) override;
  grpc::Status GetCalendar(grpc::ServerContext* context,
                           const v1::GetCalendarRequest* request,
                           v1::GetCalendarResponse* response) override;
  grpc::Status UpsertCalendar(grpc::ServerContext* context,
                              const v1::UpsertCalendarRequest* request,
                              v1::UpsertCalendarResponse* response) override;
  grpc::Status ListAuditRecords(
      grpc::ServerContext* context, const v1::ListAuditRecordsRequest* request,
      v1::ListAuditRecordsResponse* response) override;

 private:
  absl::Status DoImportGrids(const v1::Actor& actor,
                             const v1::ImportGridsRequest& request,
                             v1::ImportGridsResponse* response);
  absl::Status DoGetRegion(const v1::Actor& actor,
                           const v1::GetRegionRequest& request,
                           v1::GetRegionResponse* response);
  absl::Status DoListRegions(const v1::Actor& actor,
                             const v1::ListRegionsRequest& request,
                             v1::ListRegionsResponse* response);
  absl::Status DoLocateGrid(const v1::Actor& actor,
                            const v1::LocateGridRequest& request,
                            v1::LocateGridResponse* response);
  absl::Status DoGetRegistryVersion(
      const v1::Actor& actor, const v1::GetRegistryVersionRequest& request,
      v1::GetRegistryVersionResponse* response);
  absl::Status DoUpsertMember(const v1::Actor& actor,
                              const v1::UpsertMemberRequest& request,
                              v1::UpsertMemberResponse* response);
  absl::Status DoGetMember(const v1::Actor& actor,
                           const v1::GetMemberRequest& request,
                           v1::GetMemberResponse* response);
  absl::Status DoListMembers(const v1::Actor& actor,
                             const v1::ListMembersRequest& request,
                             v1::ListMembersResponse* response);
  absl::Status DoListGridInspectors(
      const v1::Actor& actor, const v1::ListGridInspectorsRequest& request,
      v1::ListGridInspectorsResponse* response);
  absl::Status DoUpsertDepartment(const v1::Actor& actor,
                                  const v1::UpsertDepartmentRequest& request,
                                  v1::UpsertDepartmentResponse* response);
  absl::Status DoGetDepartment(const v1::Actor& actor,
                               const v1::GetDepartmentRequest& request,
                               v1::GetDepartmentResponse* response);
  absl::Status DoListDepartments(const v1::Actor& actor,
                                 const v1::ListDepartmentsRequest& request,
                                 v1::ListDepartmentsResponse* response);
  absl::Status DoUpsertCategory(const v1::Actor& actor,
                                const v1::UpsertCategoryRequest& request,
                                v1::UpsertCategoryResponse* response);
  absl::Status DoGetCategory(const v1::Actor& actor,
                             const v1::GetCategoryRequest& request,
                             v1::GetCategoryResponse* response);
  absl::Status DoListCategories(const v1::Actor& actor,
                                const v1::ListCategoriesRequest& request,
                                v1::ListCategoriesResponse* response);
  absl::Status DoUpsertDutyItem(const v1::Actor& actor,
                                const v1::UpsertDutyItemRequest& request,
                                v1::UpsertDutyItemResponse* response);
  absl::Status DoListDutyItems(const v1::Actor& actor,
                               const v1::ListDutyItemsRequest& request,
                               v1::ListDutyItemsResponse* response);
  absl::Status DoUpsertRule(const v1::Actor& actor,
                            const v1::UpsertRuleRequest& request,
                            v1::UpsertRuleResponse* response);
  absl::Status DoDeleteRule(const v1::Actor& actor,
                            const v1::DeleteRuleRequest& request,
                            v1::DeleteRuleResponse* response);
  absl::Status DoListRules(const v1::Actor& actor,
                           const v1::ListRulesRequest& request,
                           v1::ListRulesResponse* response);
  absl::Status DoResolveResponsibility(
      const v1::Actor& actor, const v1::ResolveResponsibilityRequest& request,
      v1::ResolveResponsibilityResponse* response);
  absl::Status DoGetCalendar(const v1::Actor& actor,
                             const v1::GetCalendarRequest& request,
                             v1::GetCalendarResponse* response);
  absl::Status DoUpsertCalendar(const v1::Actor& actor,
                                const v1::UpsertCalendarRequest& request,
                                v1::UpsertCalendarResponse* response);
  absl::Status DoListAuditRecords(const v1::Actor& actor,
                                  const v1::ListAuditRecordsRequest& request,
                                  v1::ListAuditRecordsResponse* response);

  // Stores one reference record, with the audit record of the change from
  // `before` (null: created) as `action` of `actor`, and reloads the
  // snapshot. `shown_before` and `shown_after` are what the audit shows of
  // the object (e.g. a member with the phone masked).
  absl::StatusOr<bool> PutRecord(const v1::Actor& actor,
                                 absl::string_view action, RecordKind kind,
                                 const std::string& key,
                                 const google::protobuf::Message& record,
                                 const google::protobuf::Message* shown_before,
                                 const google::protobuf::Message& shown_after);

  // The serialized audit record of a change, or "" if nothing changed.
  std::string AuditOf(const v1::Actor& actor, absl::string_view action,
                      absl::string_view kind, absl::string_view id,
                      const google::protobuf::Message* before,
                      const google::protobuf::Message* after) const;

  RegistryStore* store_;
  SnapshotHolder* snapshots_;
  const auth::Authenticator* authenticator_;
  const Clock* clock_;
  RegistryMetrics* metrics_;
};

// The largest GeoJSON text an import takes (UploadGrids; ImportGrids is
// bounded by the message limit).
inline constexpr size_t kMaxGeojsonBytes = size_t{64} << 20;

// Reads an UploadGrids stream into the ImportGrids request it stands for.
// Stops reading, INVALID_ARGUMENT, as soon as the text would exceed
// `max_bytes`, or when a message after the first sets an option.
absl::StatusOr<v1::ImportGridsRequest> ReadUpload(
    grpc::ServerReaderInterface<v1::UploadGridsRequest>* reader,
    size_t max_bytes = kMaxGeojsonBytes);

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
