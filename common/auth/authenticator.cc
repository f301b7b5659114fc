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
#include "common/validation/field_errors.h"

namespace gridcase::auth {
namespace {

absl::Status Unauthenticated(absl::string_view message) {
  return absl::UnauthenticatedError(absl::StrCat(kActorHeader, ": ", message));
}

std::string KnownRoles() {
  std::vector<std::string> names;
  const auto* desc = v1::Role_descriptor();
  for (int i = 0; i < desc->value_count(); ++i) {
    if (desc->value(i)->number() == v1::ROLE_UNSPECIFIED) continue;
    names.push_back(absl::AsciiStrToLower(
        absl::StripPrefix(desc->value(i)->name(), "ROLE_")));
  }
  return absl::StrJoin(names, ", ");
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
        v1::Role parsed;
        std::string name = absl::StrCat(
            "ROLE_", absl::AsciiStrToUpper(absl::StripAsciiWhitespace(role)));
        if (!v1::Role_Parse(name, &parsed) || parsed == v1::ROLE_UNSPECIFIED) {
          return Unauthenticated(absl::StrCat("roles: unknown role '", role,
                                              "' (known: ", KnownRoles(), ")"));
        }
        actor.add_roles(parsed);
      }
    } else if (key == "grids") {
      for (absl::string_view grid :
           absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        grid = absl::StripAsciiWhitespace(grid);
        if (grid.size() != 15 ||
            !std::all_of(grid.begin(), grid.end(), absl::ascii_isdigit)) {
          return Unauthenticated(
              absl::StrCat("grids: '", grid, "' is not a 15-digit grid code"));
        }
        actor.add_grid_codes(std::string(grid));
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
  if (actor.subject().empty()) return Unauthenticated("subject: is required");
  auto printable = [](const std::string& v) {
    return v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char c) {
             return c > ' ' && c < 0x7f;
           });
  };
  if (!printable(actor.subject())) {
    return Unauthenticated(
        "subject: must be at most 128 printable ASCII characters");
  }
  if (!printable(actor.department_id())) {
    return Unauthenticated(
        "department: must be at most 128 printable ASCII characters");
  }
  if (validation::Utf8Chars(actor.display_name()) < 0 ||
      actor.display_name().size() > 256) {
    return Unauthenticated("name: must be valid UTF-8, at most 256 bytes");
  }
  if (actor.roles().empty()) {
    return Unauthenticated("roles: at least one role is required");
  }
  return actor;
}

std::string FormatActorHeader(const v1::Actor& actor) {
  std::vector<std::string> roles;
  for (int role : actor.roles()) {
    roles.push_back(absl::AsciiStrToLower(absl::StripPrefix(
        v1::Role_Name(static_cast<v1::Role>(role)), "ROLE_")));
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

absl::StatusOr<std::unique_ptr<Authenticator>> MakeAuthenticator(
    absl::string_view mode) {
  if (mode == "dev") return std::make_unique<DevHeaderAuthenticator>();
  return absl::InvalidArgumentError(
      absl::StrCat("unknown auth mode '", mode, "' (known: dev)"));
}

absl::StatusOr<v1::Actor> ActorFromContext(const grpc::ServerContext& context,
                                           const Authenticator& authenticator) {
  return authenticator.Authenticate(context.client_metadata());
}

}  // namespace gridcase::auth
