// NotifyServiceImpl: gridcase.v1.NotifyService — what gridcase-notify
// delivered. ListDeliveries checks the request (exactly one of case_id and
// recipient), applies the caller's scope (department staff see only
// deliveries to their own department) and pages through the outbox.
#ifndef GRIDCASE_SERVICES_NOTIFY_NOTIFY_SERVICE_H_
#define GRIDCASE_SERVICES_NOTIFY_NOTIFY_SERVICE_H_

#include "absl/status/statusor.h"
#include "common/auth/authenticator.h"
#include "gridcase/v1/notify.grpc.pb.h"
#include "services/notify/outbox.h"

namespace gridcase::notify {

// The handler's body, apart from the gRPC edge.
absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(
    Outbox& outbox, int shards, const v1::Actor& actor,
    const v1::ListDeliveriesRequest& req);

class NotifyServiceImpl final : public v1::NotifyService::Service {
 public:
  NotifyServiceImpl(Outbox* outbox, int shards,
                    const auth::Authenticator* authenticator)
      : outbox_(outbox), shards_(shards), authenticator_(authenticator) {}

  grpc::Status ListDeliveries(grpc::ServerContext* ctx,
                              const v1::ListDeliveriesRequest* req,
                              v1::ListDeliveriesResponse* resp) override;

 private:
  Outbox* outbox_;
  int shards_;
  const auth::Authenticator* authenticator_;
};

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_NOTIFY_SERVICE_H_
