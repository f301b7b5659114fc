#include "common/server/health_client.h"

#include <grpcpp/client_context.h>

#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace gridcase::server {

absl::StatusOr<std::string> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel,
    const HealthOptions& options) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  absl::Time deadline = absl::Now() + options.wait;
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options.rpc_timeout));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(options.service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    absl::StatusOr<std::string> result =
        status.ok()
            ? absl::StatusOr<std::string>(
                  grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                      response.status()))
            : FromGrpcStatus(status);
    bool done = result.ok() && *result == options.want;
    if (done || absl::Now() >= deadline) return result;
    absl::SleepFor(absl::Milliseconds(50));  // polling for a state
  }
}

}  // namespace gridcase::server
