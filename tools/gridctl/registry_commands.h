// `gridctl registry ...`: import a GIS GeoJSON export, load a whole data
// directory (catalogue, departments, grids, members, rules, calendar), and
// locate a point.
#ifndef GRIDCASE_TOOLS_GRIDCTL_REGISTRY_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_REGISTRY_COMMANDS_H_

#include <string>
#include <vector>

namespace gridcase::gridctl {

// Runs `gridctl registry <args>`; returns the exit status.
int RunRegistry(const std::vector<std::string>& args);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_REGISTRY_COMMANDS_H_
