// gridctl dispatch / queue: the DispatchService workflow from the command
// line — every transition, the timeline and the work queues.
#ifndef GRIDCASE_TOOLS_GRIDCTL_DISPATCH_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_DISPATCH_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::gridctl {

int RunDispatch(const std::vector<std::string>& args);
int RunQueue(const std::vector<std::string>& args);

// "2wd" (working days), "5wh", "30wm", "4h"/"30m"/"20s" (calendar).
absl::StatusOr<v1::TimeLimit> ParseLimit(const std::string& text);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_DISPATCH_COMMANDS_H_
