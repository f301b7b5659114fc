#include "services/registry/validation.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/geo/region_code.h"
#include "common/validation/field_errors.h"

namespace gridcase::registry {
namespace {

using validation::FieldError;
using validation::Utf8Chars;

absl::Status CheckText(absl::string_view field, absl::string_view value,
                       int min, int max) {
  int n = Utf8Chars(value);
  if (n < 0) return FieldError(field, "must be valid UTF-8");
  if (n < min || n > max) {
    return FieldError(
        field, absl::StrCat("must be ", min, "-", max, " characters, got ", n));
  }
  return absl::OkStatus();
}

bool AllOf(absl::string_view s, absl::string_view extra, bool upper_ok) {
  for (char c : s) {
    bool ok = absl::ascii_isdigit(c) || absl::ascii_islower(c) ||
              (upper_ok && absl::ascii_isupper(c)) ||
              extra.find(c) != absl::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

absl::Status CheckId(absl::string_view field, absl::string_view id,
                     absl::string_view extra, bool upper_ok) {
  if (id.empty() || id.size() > 64 || !AllOf(id, extra, upper_ok)) {
    return FieldError(field, absl::StrCat("must be 1-64 characters of [",
                                          upper_ok ? "A-Za-z" : "a-z", "0-9",
                                          extra, "], got '", id, "'"));
  }
  return absl::OkStatus();
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

}  // namespace

absl::Status CheckRegionCode(absl::string_view field, absl::string_view code,
                             v1::RegionLevel level) {
  std::optional<v1::RegionLevel> actual = geo::LevelOfCode(code);
  if (!actual.has_value()) {
    return FieldError(field,
                      absl::StrCat("must be a region code of 6, 9, 12 or "
                                   "15 digits, got '",
                                   code, "'"));
  }
  if (level != v1::REGION_LEVEL_UNSPECIFIED && *actual != level) {
    return FieldError(field, absl::StrCat("must be a ",
                                          level == v1::REGION_LEVEL_GRID
                                              ? "15-digit grid"
                                              : v1::RegionLevel_Name(level),
                                          " code, got '", code, "'"));
  }
  return absl::OkStatus();
}

absl::Status ValidateStageLimits(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<v1::StageLimit>& limits,
    bool require_handle) {
  std::set<int> seen;
  for (int i = 0; i < limits.size(); ++i) {
    const v1::StageLimit& l = limits[i];
    std::string at = absl::StrCat(field, "[", i, "]");
    if (l.stage() == v1::STAGE_UNSPECIFIED) {
      return FieldError(absl::StrCat(at, ".stage"), "is required");
    }
    if (!seen.insert(l.stage()).second) {
      return FieldError(
          absl::StrCat(at, ".stage"),
          absl::StrCat(v1::Stage_Name(l.stage()), " is listed more than once"));
    }
    if (l.limit().amount() <= 0) {
      return FieldError(absl::StrCat(at, ".limit.amount"),
                        absl::StrCat("must be > 0, got ", l.limit().amount()));
    }
    if (l.limit().unit() == v1::TIME_UNIT_UNSPECIFIED) {
      return FieldError(absl::StrCat(at, ".limit.unit"), "is required");
    }
  }
  if (require_handle && !seen.count(v1::STAGE_HANDLE)) {
    return FieldError(field, "a STAGE_HANDLE limit is required");
  }
  return absl::OkStatus();
}

absl::Status ValidateMember(const v1::Member& m,
                            const RegistrySnapshot& snapshot) {
  if (absl::Status s = CheckId("member.id", m.id(), "_.-", true); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("member.name", m.name(), 1, 64); !s.ok()) {
    return s;
  }
  if (!m.phone().empty()) {
    absl::string_view digits = m.phone();
    if (absl::StartsWith(digits, "+")) digits.remove_prefix(1);
    if (m.phone().size() < 5 || m.phone().size() > 20 || !AllDigits(digits)) {
      return FieldError("member.phone",
                        "must be 5-20 characters: digits with an optional "
                        "leading '+'");
    }
  }
  if (m.roles().empty()) return FieldError("member.roles", "at least one role");
  bool department_staff = false;
  std::set<int> roles;
  for (int i = 0; i < m.roles_size(); ++i) {
    v1::Role role = m.roles(i);
    std::string at = absl::StrCat("member.roles[", i, "]");
    if (role == v1::ROLE_UNSPECIFIED || role == v1::ROLE_CITIZEN ||
        role == v1::ROLE_SYSTEM) {
      return FieldError(
          at, absl::StrCat(v1::Role_Name(role), " cannot be held by a member"));
    }
    if (!roles.insert(role).second) {
      return FieldError(at,
                        absl::StrCat(v1::Role_Name(role), " is listed twice"));
    }
    department_staff |= role == v1::ROLE_DEPARTMENT_STAFF;
  }
  for (int i = 0; i < m.grid_codes_size(); ++i) {
    std::string at = absl::StrCat("member.grid_codes[", i, "]");
    if (absl::Status s =
            CheckRegionCode(at, m.grid_codes(i), v1::REGION_LEVEL_GRID);
        !s.ok()) {
      return s;
    }
    if (snapshot.FindRegion(m.grid_codes(i)) == nullptr) {
      return FieldError(at, absl::StrCat("unknown grid ", m.grid_codes(i)));
    }
  }
  if (department_staff && m.department_id().empty()) {
    return FieldError("member.department_id",
                      "is required with ROLE_DEPARTMENT_STAFF");
  }
  if (!m.department_id().empty() &&
      !snapshot.departments().count(m.department_id())) {
    return FieldError(
        "member.department_id",
        absl::StrCat("unknown department '", m.department_id(), "'"));
  }
  std::set<std::string> grids(m.grid_codes().begin(), m.grid_codes().end());
  std::set<std::string> seen_grids;
  for (int i = 0; i < m.grid_duties_size(); ++i) {
    const v1::GridDuties& g = m.grid_duties(i);
    std::string at = absl::StrCat("member.grid_duties[", i, "]");
    if (!grids.count(g.grid_code())) {
      return FieldError(absl::StrCat(at, ".grid_code"),
                        absl::StrCat("'", g.grid_code(),
                                     "' is not one of member.grid_codes"));
    }
    if (!seen_grids.insert(g.grid_code()).second) {
      return FieldError(absl::StrCat(at, ".grid_code"),
                        absl::StrCat(g.grid_code(), " is listed twice"));
    }
    std::set<std::string> duties;
    for (int j = 0; j < g.duty_codes_size(); ++j) {
      const std::string& code = g.duty_codes(j);
      std::string field = absl::StrCat(at, ".duty_codes[", j, "]");
      auto it = snapshot.duties().find(code);
      if (it == snapshot.duties().end()) {
        return FieldError(field, absl::StrCat("unknown duty '", code, "'"));
      }
      if (!it->second.active()) {
        return FieldError(field, absl::StrCat("duty '", code, "' is inactive"));
      }
      if (!duties.insert(code).second) {
        return FieldError(field, absl::StrCat(code, " is listed twice"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDutyItem(const v1::DutyItem& d,
                              const RegistrySnapshot& snapshot) {
  const std::string& code = d.code();
  bool ok = code.size() >= 2 && code.size() <= 16 &&
            absl::ascii_isupper(static_cast<unsigned char>(code[0]));
  for (char c : code) {
    ok = ok && (absl::ascii_isupper(static_cast<unsigned char>(c)) ||
                absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-');
  }
  if (!ok) {
    return FieldError("duty.code",
                      "must be 2-16 characters of [A-Z0-9-] starting with a "
                      "letter, e.g. DLZ-01");
  }
  if (absl::Status s = CheckText("duty.name", d.name(), 1, 64); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("duty.description", d.description(), 0, 500);
      !s.ok()) {
    return s;
  }
  if (!d.group_id().empty()) {
    auto it = snapshot.departments().find(d.group_id());
    if (it == snapshot.departments().end() ||
        it->second.kind() != v1::DEPARTMENT_KIND_ACTION_GROUP) {
      return FieldError("duty.group_id",
                        absl::StrCat("'", d.group_id(),
                                     "' is not an action group (a department "
                                     "of kind DEPARTMENT_KIND_ACTION_GROUP)"));
    }
  }
  std::set<std::string> categories;
  for (int i = 0; i < d.category_codes_size(); ++i) {
    const std::string& c = d.category_codes(i);
    std::string at = absl::StrCat("duty.category_codes[", i, "]");
    if (!snapshot.categories().count(c)) {
      return FieldError(at, absl::StrCat("unknown category '", c, "'"));
    }
    if (!categories.insert(c).second) {
      return FieldError(at, absl::StrCat(c, " is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDepartment(const v1::Department& d) {
  if (absl::Status s = CheckId("department.id", d.id(), "_-", false); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("department.name", d.name(), 1, 100);
      !s.ok()) {
    return s;
  }
  if (d.kind() == v1::DEPARTMENT_KIND_UNSPECIFIED) {
    return FieldError("department.kind", "is required");
  }
  return CheckText("department.description", d.description(), 0, 2000);
}

absl::Status ValidateCategory(const v1::Category& c) {
  char letter = c.family() == v1::CATEGORY_FAMILY_COMPONENT ? 'C'
                : c.family() == v1::CATEGORY_FAMILY_EVENT   ? 'E'
                                                            : '?';
  if (letter == '?') return FieldError("category.family", "is required");
  const std::string& major = c.major_code();
  if (major.size() != 3 || major[0] != letter ||
      !AllDigits(absl::string_view(major).substr(1))) {
    return FieldError(
        "category.major_code",
        absl::StrCat("must be '", std::string(1, letter),
                     "' (the family letter) and 2 digits, got '", major, "'"));
  }
  const std::string& minor = c.minor_code();
  if (minor.size() < 2 || minor.size() > 3 || !AllDigits(minor)) {
    return FieldError("category.minor_code",
                      absl::StrCat("must be 2-3 digits, got '", minor, "'"));
  }
  if (c.code() != major + minor) {
    return FieldError("category.code",
                      absl::StrCat("must be major_code + minor_code = '", major,
                                   minor, "', got '", c.code(), "'"));
  }
  if (absl::Status s = CheckText("category.name", c.name(), 1, 64); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckText("category.major_name", c.major_name(), 0, 64);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateStageLimits("category.limits", c.limits(), true);
      !s.ok()) {
    return s;
  }
  if (c.duplicate_radius_m() < 0 || c.duplicate_radius_m() > 1000) {
    return FieldError(
        "category.duplicate_radius_m",
        absl::StrCat("must be 0-1000 metres, got ", c.duplicate_radius_m()));
  }
  if (c.duplicate_window().seconds() < 0) {
    return FieldError("category.duplicate_window", "must not be negative");
  }
  if (absl::Status s =
          CheckText("category.description", c.description(), 0, 2000);
      !s.ok()) {
    return s;
  }
  std::set<std::string> codes;
  for (int i = 0; i < c.attributes_size(); ++i) {
    const v1::AttributeDefinition& a = c.attributes(i);
    std::string at = absl::StrCat("category.attributes[", i, "]");
    if (absl::Status s =
            CheckId(absl::StrCat(at, ".code"), a.code(), "_", false);
        !s.ok()) {
      return s;
    }
    if (!codes.insert(a.code()).second) {
      return FieldError(absl::StrCat(at, ".code"),
                        absl::StrCat("'", a.code(), "' is defined twice"));
    }
    if (a.datatype() == v1::ATTRIBUTE_DATATYPE_UNSPECIFIED) {
      return FieldError(absl::StrCat(at, ".datatype"), "is required");
    }
    bool list = a.datatype() == v1::ATTRIBUTE_DATATYPE_SINGLE_VALUE_LIST ||
                a.datatype() == v1::ATTRIBUTE_DATATYPE_MULTI_VALUE_LIST;
    if (list && a.values().empty()) {
      return FieldError(absl::StrCat(at, ".values"),
                        "a list attribute needs at least one value");
    }
    if (!list && !a.values().empty()) {
      return FieldError(absl::StrCat(at, ".values"),
                        "only list attributes have values");
    }
    std::set<std::string> keys;
    for (int k = 0; k < a.values_size(); ++k) {
      std::string vat = absl::StrCat(at, ".values[", k, "].key");
      if (absl::Status s = CheckId(vat, a.values(k).key(), "_", false);
          !s.ok()) {
        return s;
      }
      if (!keys.insert(a.values(k).key()).second) {
        return FieldError(
            vat, absl::StrCat("'", a.values(k).key(), "' is listed twice"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRule(const v1::Rule& r, const RegistrySnapshot& snapshot) {
  if (absl::Status s = CheckId("rule.id", r.id(), "_.-", true); !s.ok()) {
    return s;
  }
  if (!snapshot.categories().count(r.category_code())) {
    return FieldError(
        "rule.category_code",
        absl::StrCat("unknown category '", r.category_code(), "'"));
  }
  if (absl::Status s = CheckRegionCode("rule.scope_code", r.scope_code());
      !s.ok()) {
    return s;
  }
  if (snapshot.FindRegion(r.scope_code()) == nullptr) {
    return FieldError("rule.scope_code",
                      absl::StrCat("unknown region ", r.scope_code()));
  }
  if (!snapshot.departments().count(r.department_id())) {
    return FieldError(
        "rule.department_id",
        absl::StrCat("unknown department '", r.department_id(), "'"));
  }
  if (absl::Status s = ValidateStageLimits("rule.limit_overrides",
                                           r.limit_overrides(), false);
      !s.ok()) {
    return s;
  }
  return CheckText("rule.note", r.note(), 0, 500);
}

}  // namespace gridcase::registry
