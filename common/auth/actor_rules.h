// The rules an Actor's fields obey wherever an identity comes from (the
// development x-gridcase-actor header, a JWT): role names as written in
// headers and tokens ("grid_manager"), subject and department are printable
// ASCII, grid codes have 15 digits, the display name is short UTF-8.
#ifndef GRIDCASE_COMMON_AUTH_ACTOR_RULES_H_
#define GRIDCASE_COMMON_AUTH_ACTOR_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

// "grid_manager" -> ROLE_GRID_MANAGER: Role names without the ROLE_ prefix,
// written in lower case (case is not significant); "unspecified" is no role.
// INVALID_ARGUMENT "unknown role 'mayor' (known: grid_manager, ...)"
// otherwise.
absl::StatusOr<v1::Role> ParseRoleName(absl::string_view name);

// ROLE_GRID_MANAGER -> "grid_manager".
std::string RoleName(v1::Role role);

// True for a 15-digit grid code.
bool IsGridCode(absl::string_view code);

// Checks the format of every field (a missing subject included, roles not:
// whether an actor needs a role depends on where it comes from).
// INVALID_ARGUMENT "<field>: <rule>", with the fields named as in the
// x-gridcase-actor header: subject, roles, grids, department, name.
absl::Status ValidateActorFields(const v1::Actor& actor);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_ACTOR_RULES_H_
