// A grpc.health.v1 client: asks a server for its status, optionally waiting
// until it is SERVING. Used by gridctl, tools/run-local and tests.
#ifndef GRIDCASE_COMMON_SERVER_HEALTH_CLIENT_H_
#define GRIDCASE_COMMON_SERVER_HEALTH_CLIENT_H_

#include <grpcpp/channel.h>

#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::server {

struct HealthOptions {
  std::string service;  // empty: the server as a whole
  // With a wait, keep asking until the answer is `want`, up to this long.
  absl::Duration wait = absl::ZeroDuration();
  std::string want = "SERVING";
  absl::Duration rpc_timeout = absl::Seconds(2);
};

// Returns the status name ("SERVING", "NOT_SERVING", ...) or the call's
// error. With a wait, keeps asking until the answer is `want` or the wait
// runs out (then the last answer, or the last error, is returned).
absl::StatusOr<std::string> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel,
    const HealthOptions& options);

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_HEALTH_CLIENT_H_
