// PatrolServiceImpl: gridcase.v1.PatrolService — a grid member's patrols
// (proto/gridcase/v1/patrol.proto). Handlers see injected interfaces: the
// patrol store, the registry client (members and Locate), the authenticator
// and the clock. Served by gridcase-intake, which holds the registry copy
// every point is located with.
#ifndef GRIDCASE_SERVICES_INTAKE_PATROL_SERVICE_H_
#define GRIDCASE_SERVICES_INTAKE_PATROL_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/authenticator.h"
#include "common/clock/clock.h"
#include "common/registry_client/registry_client.h"
#include "gridcase/v1/patrol.grpc.pb.h"
#include "services/intake/patrol_store.h"

namespace gridcase::intake {

class PatrolServiceImpl final : public v1::PatrolService::Service {
 public:
  PatrolServiceImpl(PatrolStore* store,
                    registry_client::RegistryClient* registry,
                    const auth::Authenticator* authenticator,
                    const Clock* clock)
      : store_(store),
        registry_(registry),
        authenticator_(authenticator),
        clock_(clock) {}

  grpc::Status StartPatrol(grpc::ServerContext* context,
                           const v1::StartPatrolRequest* request,
                           v1::StartPatrolResponse* response) override;
  grpc::Status RecordTrack(grpc::ServerContext* context,
                           const v1::RecordTrackRequest* request,
                           v1::RecordTrackResponse* response) override;
  grpc::Status CheckIn(grpc::ServerContext* context,
                       const v1::CheckInRequest* request,
                       v1::CheckInResponse* response) override;
  grpc::Status EndPatrol(grpc::ServerContext* context,
                         const v1::EndPatrolRequest* request,
                         v1::EndPatrolResponse* response) override;
  grpc::Status GetPatrol(grpc::ServerContext* context,
                         const v1::GetPatrolRequest* request,
                         v1::GetPatrolResponse* response) override;
  grpc::Status ListPatrols(grpc::ServerContext* context,
                           const v1::ListPatrolsRequest* request,
                           v1::ListPatrolsResponse* response) override;

 private:
  absl::Status DoStart(const v1::Actor& actor,
                       const v1::StartPatrolRequest& req,
                       v1::StartPatrolResponse* resp);
  absl::Status DoRecordTrack(const v1::Actor& actor,
                             const v1::RecordTrackRequest& req,
                             v1::RecordTrackResponse* resp);
  absl::Status DoCheckIn(const v1::Actor& actor, const v1::CheckInRequest& req,
                         v1::CheckInResponse* resp);
  absl::Status DoEnd(const v1::Actor& actor, const v1::EndPatrolRequest& req,
                     v1::EndPatrolResponse* resp);
  absl::Status DoGet(const v1::Actor& actor, const v1::GetPatrolRequest& req,
                     v1::GetPatrolResponse* resp);
  absl::Status DoList(const v1::Actor& actor, const v1::ListPatrolsRequest& req,
                      v1::ListPatrolsResponse* resp);

  // The active patrol `patrol_id` names, for a write by `actor` (who must be
  // its member when acting as themselves): NOT_FOUND, FAILED_PRECONDITION
  // when it has ended, PERMISSION_DENIED.
  absl::StatusOr<v1::Patrol> ActivePatrol(const v1::Actor& actor,
                                          absl::string_view method,
                                          const std::string& patrol_id);
  // The patrol after a write, without its track.
  absl::StatusOr<v1::Patrol> Reread(const std::string& patrol_id);

  PatrolStore* store_;
  registry_client::RegistryClient* registry_;
  const auth::Authenticator* authenticator_;
  const Clock* clock_;
};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_PATROL_SERVICE_H_
