// gridctl registry regions|members|departments|categories|duties|rules|
// calendar:
// the registry's lists, every page, as a table or --json.
#ifndef GRIDCASE_TOOLS_GRIDCTL_REGISTRY_LISTS_H_
#define GRIDCASE_TOOLS_GRIDCTL_REGISTRY_LISTS_H_

#include <string>

#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {

// True when `what` names a list this file prints.
bool IsRegistryList(const std::string& what);
int RunRegistryList(const std::string& what, const Invocation& in);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_REGISTRY_LISTS_H_
