// gridctl routing: DispatchService's routing policy — which new reports are
// registered and dispatched automatically and which wait for the centre.
#ifndef GRIDCASE_TOOLS_GRIDCTL_ROUTING_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_ROUTING_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gridcase/v1/dispatch.pb.h"
#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {

int RunRouting(const std::vector<std::string>& args);

// Applies `gridctl routing set` options to `policy`, in place:
//   --default=auto|manual
//   --source=NAME=MODE[,NAME=MODE...]          e.g. wechat=auto
//   --category=CODE[:SOURCE]=MODE[,...]        e.g. E0101=auto,
//   E04:hotline=manual
// MODE is auto, manual, or "inherit" to remove the entry. INVALID_ARGUMENT
// names the option and the entry.
absl::Status ApplyRoutingChanges(const Invocation& in,
                                 v1::RoutingPolicy* policy);

// The policy as lines: "default manual", "source grid_patrol auto",
// "category E0101 (every source) auto", then the version.
std::string FormatRoutingPolicy(const v1::RoutingPolicy& policy);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_ROUTING_COMMANDS_H_
