// The one error boundary between absl::Status (used everywhere inside
// gridcase) and grpc::Status (used on the wire). Handlers return
// ToGrpcStatus(...) and clients turn replies back with FromGrpcStatus(...).
#ifndef GRIDCASE_COMMON_STATUS_GRPC_STATUS_H_
#define GRIDCASE_COMMON_STATUS_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace gridcase {

// Converts an absl::Status to the grpc::Status with the same canonical code
// and message. OK maps to grpc::Status::OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a grpc::Status to the absl::Status with the same code and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace gridcase

#endif  // GRIDCASE_COMMON_STATUS_GRPC_STATUS_H_
