// Role checks shared by every service's handlers. Denials are
// PERMISSION_DENIED and name the rule: "ImportGrids needs role ADMIN or
// SYSTEM; caller m-0042 has DISPATCHER".
#ifndef GRIDCASE_COMMON_AUTH_ROLES_H_
#define GRIDCASE_COMMON_AUTH_ROLES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

bool HasRole(const v1::Actor& actor, v1::Role role);

// A member of the public: no role but CITIZEN (a channel's end users
// included). Rate limits and the daily report quota tell them from staff.
bool IsPublic(const v1::Actor& actor);

// OK if the actor holds any of `roles`.
absl::Status RequireAnyRole(const v1::Actor& actor,
                            absl::Span<const v1::Role> roles,
                            absl::string_view action);

// OK if the actor holds any role other than CITIZEN (a staff member or a
// gridcase service).
absl::Status RequireStaff(const v1::Actor& actor, absl::string_view action);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_ROLES_H_
