// `gridctl health`: asks a server's grpc.health.v1 service for its status,
// optionally waiting until it is SERVING.
#ifndef GRIDCASE_TOOLS_GRIDCTL_HEALTH_COMMAND_H_
#define GRIDCASE_TOOLS_GRIDCTL_HEALTH_COMMAND_H_

#include <grpcpp/channel.h>

#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::gridctl {

struct HealthOptions {
  std::string service;                         // empty: the server as a whole
  absl::Duration wait = absl::ZeroDuration();  // poll until SERVING, up to this
  absl::Duration rpc_timeout = absl::Seconds(2);
};

// Returns the status name ("SERVING", "NOT_SERVING", ...). With a wait, keeps
// asking until SERVING or the wait runs out (then the last answer, or the
// last error, is returned).
absl::StatusOr<std::string> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel,
    const HealthOptions& options);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_HEALTH_COMMAND_H_
