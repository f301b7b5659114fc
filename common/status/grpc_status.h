// The one error boundary between absl::Status (used everywhere inside
// gridcase) and grpc::Status (used on the wire). Handlers return
// ToGrpcStatus(...) and clients turn replies back with FromGrpcStatus(...).
#ifndef GRIDCASE_COMMON_STATUS_GRPC_STATUS_H_
#define GRIDCASE_COMMON_STATUS_GRPC_STATUS_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gridcase {

// Converts an absl::Status to the grpc::Status with the same canonical code
// and the message made fit for any caller (PublicMessage). OK maps to
// grpc::Status::OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The same, for a call being served: a retry delay `status` carries
// (common/status/retry_delay.h) also goes to the caller, as the trailing
// metadata grpc-retry-pushback-ms.
grpc::Status ToGrpcStatus(const absl::Status& status,
                          grpc::ServerContextBase* context);

// At most kMaxPublicMessageBytes of `message` (cut at a character boundary,
// "…" appended), with network addresses ("10.1.2.3:6379", "[::1]:8080",
// "localhost:6379", "unix:/path") replaced by "<address>": a reply never
// echoes a whole oversized input back, nor names the machines behind the
// service.
inline constexpr size_t kMaxPublicMessageBytes = 512;
std::string PublicMessage(absl::string_view message);

// Converts a grpc::Status to the absl::Status with the same code and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace gridcase

#endif  // GRIDCASE_COMMON_STATUS_GRPC_STATUS_H_
