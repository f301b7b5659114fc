// Responsibility rules (责任划分): which department handles a category in a
// grid, and with which stage time limits.
//
// The most specific scope wins: grid (15 digits) over community (12) over
// town (9) over city (6). Among rules of the same scope, the higher priority
// wins, then the smaller id. Rules whose department is missing or inactive
// are skipped. No matching rule is FAILED_PRECONDITION — never a default.
#ifndef GRIDCASE_SERVICES_REGISTRY_RESPONSIBILITY_H_
#define GRIDCASE_SERVICES_REGISTRY_RESPONSIBILITY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/cases/stage_limits.h"
#include "gridcase/v1/registry.pb.h"
#include "services/registry/snapshot.h"

namespace gridcase::registry {

absl::StatusOr<v1::ResolveResponsibilityResponse> ResolveResponsibility(
    const RegistrySnapshot& snapshot, const std::string& category_code,
    const std::string& grid_code);

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_RESPONSIBILITY_H_
