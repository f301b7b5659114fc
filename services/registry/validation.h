// Validation of reference records before they are stored. Every error is
// INVALID_ARGUMENT and names the field and the rule, e.g.
// "member.grid_codes[2]: unknown grid 330483101001099".
#ifndef GRIDCASE_SERVICES_REGISTRY_VALIDATION_H_
#define GRIDCASE_SERVICES_REGISTRY_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "gridcase/v1/registry.pb.h"
#include "services/registry/snapshot.h"

namespace gridcase::registry {

// INVALID_ARGUMENT unless `code` is a region code (of `level`, if given).
absl::Status CheckRegionCode(
    absl::string_view field, absl::string_view code,
    v1::RegionLevel level = v1::REGION_LEVEL_UNSPECIFIED);

// Stage limits: each stage at most once, amount > 0, unit set; HANDLE
// required when `require_handle`.
absl::Status ValidateStageLimits(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<v1::StageLimit>& limits,
    bool require_handle);

absl::Status ValidateMember(const v1::Member& member,
                            const RegistrySnapshot& snapshot);
absl::Status ValidateDepartment(const v1::Department& department);
absl::Status ValidateCategory(const v1::Category& category);
absl::Status ValidateDutyItem(const v1::DutyItem& duty,
                              const RegistrySnapshot& snapshot);
// The rule's id must already be set.
absl::Status ValidateRule(const v1::Rule& rule,
                          const RegistrySnapshot& snapshot);

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_VALIDATION_H_
