// gridctl patrol: a grid member's patrols (PatrolService, served by
// gridcase-intake): start, track, check in, end, show and list.
#ifndef GRIDCASE_TOOLS_GRIDCTL_PATROL_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_PATROL_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::gridctl {

int RunPatrol(const std::vector<std::string>& args);

// "30.684,120.63": WGS84 latitude and longitude; INVALID_ARGUMENT naming
// `what` otherwise.
absl::StatusOr<v1::GeoPoint> ParsePoint(const std::string& text,
                                        const std::string& what);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_PATROL_COMMANDS_H_
