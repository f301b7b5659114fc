// `gridctl report` and `gridctl case get|list|nearby`: intake from the
// command line.
#ifndef GRIDCASE_TOOLS_GRIDCTL_CASE_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_CASE_COMMANDS_H_

#include <string>
#include <vector>

namespace gridcase::gridctl {

int RunReport(const std::vector<std::string>& args);
int RunCase(const std::vector<std::string>& args);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_CASE_COMMANDS_H_
