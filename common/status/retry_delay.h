// Retry delay: how long a caller refused by a limit (a rate limit, a daily
// quota) should wait before trying again. The check that refuses attaches
// the delay to its absl::Status as a payload; the RPC edge
// (ToGrpcStatus(status, context)) sends it as gRPC's own retry pushback
// trailer, grpc-retry-pushback-ms, which a gRPC client whose retry policy
// retries the code honours, and which any client can read.
#ifndef GRIDCASE_COMMON_STATUS_RETRY_DELAY_H_
#define GRIDCASE_COMMON_STATUS_RETRY_DELAY_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gridcase {

// The trailing metadata key gRPC clients read a server's retry pushback
// from (gRPC's A6 retry design): whole milliseconds, in decimal.
inline constexpr absl::string_view kRetryPushbackKey = "grpc-retry-pushback-ms";

// `status` (not OK) carrying a retry delay of `delay`, rounded up to whole
// milliseconds and at least 1 ms.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

// The retry delay `status` carries, in whole milliseconds; nullopt if none.
std::optional<int64_t> RetryDelayMillis(const absl::Status& status);

}  // namespace gridcase

#endif  // GRIDCASE_COMMON_STATUS_RETRY_DELAY_H_
