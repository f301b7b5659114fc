#include "common/auth/roles.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace gridcase::auth {
namespace {

std::string RoleName(int role) {
  return std::string(
      absl::StripPrefix(v1::Role_Name(static_cast<v1::Role>(role)), "ROLE_"));
}

std::string RolesOf(const v1::Actor& actor) {
  if (actor.roles().empty()) return "no role";
  std::vector<std::string> names;
  for (int r : actor.roles()) names.push_back(RoleName(r));
  return absl::StrJoin(names, ", ");
}

}  // namespace

bool HasRole(const v1::Actor& actor, v1::Role role) {
  for (int r : actor.roles()) {
    if (r == role) return true;
  }
  return false;
}

bool IsPublic(const v1::Actor& actor) {
  for (int r : actor.roles()) {
    if (r != v1::ROLE_CITIZEN) return false;
  }
  return true;
}

absl::Status RequireAnyRole(const v1::Actor& actor,
                            absl::Span<const v1::Role> roles,
                            absl::string_view action) {
  std::vector<std::string> wanted;
  for (v1::Role role : roles) {
    if (HasRole(actor, role)) return absl::OkStatus();
    wanted.push_back(RoleName(role));
  }
  return absl::PermissionDeniedError(
      absl::StrCat(action, " needs role ", absl::StrJoin(wanted, " or "),
                   "; caller ", actor.subject(), " has ", RolesOf(actor)));
}

absl::Status RequireStaff(const v1::Actor& actor, absl::string_view action) {
  for (int r : actor.roles()) {
    if (r != v1::ROLE_CITIZEN && r != v1::ROLE_UNSPECIFIED) {
      return absl::OkStatus();
    }
  }
  return absl::PermissionDeniedError(
      absl::StrCat(action, " is for staff; caller ", actor.subject(), " has ",
                   RolesOf(actor)));
}

}  // namespace gridcase::auth
