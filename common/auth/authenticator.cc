#include "common/auth/authenticator.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/auth/actor_rules.h"

namespace gridcase::auth {
namespace {

absl::Status Unauthenticated(absl::string_view message) {
  return absl::UnauthenticatedError(absl::StrCat(kActorHeader, ": ", message));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

absl::StatusOr<std::string> PercentDecode(absl::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) {
      return Unauthenticated("name: incomplete percent escape");
    }
    int hi = HexValue(in[i + 1]);
    int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) {
      return Unauthenticated("name: bad percent escape");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string PercentEncode(absl::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<v1::Actor> ParseActorHeader(absl::string_view header) {
  v1::Actor actor;
  std::set<std::string> seen;
  for (absl::string_view part :
       absl::StrSplit(header, ';', absl::SkipWhitespace())) {
    part = absl::StripAsciiWhitespace(part);
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (!seen.insert(std::string(key)).second) {
      return Unauthenticated(absl::StrCat(key, ": given more than once"));
    }
    if (key == "subject") {
      actor.set_subject(std::string(value));
    } else if (key == "roles") {
      for (absl::string_view role :
           absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        absl::StatusOr<v1::Role> parsed =
            ParseRoleName(absl::StripAsciiWhitespace(role));
        if (!parsed.ok()) {
          return Unauthenticated(
              absl::StrCat("roles: ", parsed.status().message()));
        }
        actor.add_roles(*parsed);
      }
    } else if (key == "grids") {
      for (absl::string_view grid :
           absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        actor.add_grid_codes(std::string(absl::StripAsciiWhitespace(grid)));
      }
    } else if (key == "department") {
      actor.set_department_id(std::string(value));
    } else if (key == "name") {
      absl::StatusOr<std::string> name = PercentDecode(value);
      if (!name.ok()) return name.status();
      actor.set_display_name(*std::move(name));
    } else {
      return Unauthenticated(
          absl::StrCat("unknown key '", key,
                       "' (known: subject, roles, grids, department, name)"));
    }
  }
  if (absl::Status valid = ValidateActorFields(actor); !valid.ok()) {
    return Unauthenticated(valid.message());
  }
  if (actor.roles().empty()) {
    return Unauthenticated("roles: at least one role is required");
  }
  return actor;
}

std::string FormatActorHeader(const v1::Actor& actor) {
  std::vector<std::string> roles;
  for (int role : actor.roles()) {
    roles.push_back(RoleName(static_cast<v1::Role>(role)));
  }
  std::string out = absl::StrCat("subject=", actor.subject(),
                                 "; roles=", absl::StrJoin(roles, ","));
  if (!actor.grid_codes().empty()) {
    absl::StrAppend(&out, "; grids=", absl::StrJoin(actor.grid_codes(), ","));
  }
  if (!actor.department_id().empty()) {
    absl::StrAppend(&out, "; department=", actor.department_id());
  }
  if (!actor.display_name().empty()) {
    absl::StrAppend(&out, "; name=", PercentEncode(actor.display_name()));
  }
  return out;
}

absl::StatusOr<v1::Actor> DevHeaderAuthenticator::Authenticate(
    const Metadata& metadata) const {
  auto it =
      metadata.find(grpc::string_ref(kActorHeader.data(), kActorHeader.size()));
  if (it == metadata.end()) {
    return Unauthenticated(
        "missing; send e.g. 'subject=m-0042; roles=dispatcher'");
  }
  return ParseActorHeader(
      absl::string_view(it->second.data(), it->second.size()));
}

absl::StatusOr<v1::Actor> ActorFromContext(
    const grpc::ServerContextBase& context,
    const Authenticator& authenticator) {
  return authenticator.Authenticate(context.client_metadata());
}

}  // namespace gridcase::auth
