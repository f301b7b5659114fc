#include "common/auth/actor_rules.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/validation/field_errors.h"

namespace gridcase::auth {
namespace {

std::string KnownRoles() {
  std::vector<std::string> names;
  const auto* desc = v1::Role_descriptor();
  for (int i = 0; i < desc->value_count(); ++i) {
    if (desc->value(i)->number() == v1::ROLE_UNSPECIFIED) continue;
    names.push_back(RoleName(static_cast<v1::Role>(desc->value(i)->number())));
  }
  return absl::StrJoin(names, ", ");
}

bool PrintableAscii(const std::string& v) {
  return v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char c) {
           return c > ' ' && c < 0x7f;
         });
}

}  // namespace

absl::StatusOr<v1::Role> ParseRoleName(absl::string_view name) {
  v1::Role parsed = v1::ROLE_UNSPECIFIED;
  if (!v1::Role_Parse(absl::StrCat("ROLE_", absl::AsciiStrToUpper(name)),
                      &parsed) ||
      parsed == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown role '", name, "' (known: ", KnownRoles(), ")"));
  }
  return parsed;
}

std::string RoleName(v1::Role role) {
  return absl::AsciiStrToLower(absl::StripPrefix(v1::Role_Name(role), "ROLE_"));
}

bool IsGridCode(absl::string_view code) {
  return code.size() == 15 &&
         std::all_of(code.begin(), code.end(), absl::ascii_isdigit);
}

absl::Status ValidateActorFields(const v1::Actor& actor) {
  if (actor.subject().empty()) {
    return validation::FieldError("subject", "is required");
  }
  if (!PrintableAscii(actor.subject())) {
    return validation::FieldError(
        "subject", "must be at most 128 printable ASCII characters");
  }
  for (const std::string& grid : actor.grid_codes()) {
    if (!IsGridCode(grid)) {
      return validation::FieldError(
          "grids", absl::StrCat("'", grid, "' is not a 15-digit grid code"));
    }
  }
  if (!PrintableAscii(actor.department_id())) {
    return validation::FieldError(
        "department", "must be at most 128 printable ASCII characters");
  }
  if (validation::Utf8Chars(actor.display_name()) < 0 ||
      actor.display_name().size() > 256) {
    return validation::FieldError("name",
                                  "must be valid UTF-8, at most 256 bytes");
  }
  for (int role : actor.roles()) {
    if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) {
      return validation::FieldError("roles", "holds an unknown role");
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::auth
