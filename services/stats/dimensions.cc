#include "services/stats/dimensions.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/validation/field_errors.h"

namespace gridcase::stats {
namespace {

using validation::FieldError;

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool PlainId(absl::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_' && c != '.' && c != ':' && c != '@') {
      return false;
    }
  }
  return true;
}

}  // namespace

const std::vector<absl::string_view>& AllKinds() {
  static const auto* kinds = new std::vector<absl::string_view>{
      kAll,      kCity,  kTown,   kCommunity, kGrid,  kDepartment,
      kCategory, kMajor, kSource, kReporter,  kWorker};
  return *kinds;
}

std::vector<Dim> DimsOf(const v1::CaseDimensions& d,
                        const std::string& department) {
  std::vector<Dim> out;
  out.push_back({kAll, "*"});
  if (!d.city_code().empty()) out.push_back({kCity, d.city_code()});
  if (!d.town_code().empty()) out.push_back({kTown, d.town_code()});
  if (!d.community_code().empty()) {
    out.push_back({kCommunity, d.community_code()});
  }
  if (!d.grid_code().empty()) out.push_back({kGrid, d.grid_code()});
  if (!department.empty()) out.push_back({kDepartment, department});
  if (!d.category_code().empty()) out.push_back({kCategory, d.category_code()});
  if (!d.category_major_code().empty()) {
    out.push_back({kMajor, d.category_major_code()});
  }
  if (d.source() != v1::SOURCE_UNSPECIFIED) {
    out.push_back({kSource, v1::Source_Name(d.source())});
  }
  if (!d.reporter_id().empty() &&
      (d.reporter_kind() == v1::REPORTER_KIND_GRID_MANAGER ||
       d.reporter_kind() == v1::REPORTER_KIND_STAFF)) {
    out.push_back({kReporter, d.reporter_id()});
  }
  return out;
}

absl::StatusOr<Dim> DimOfScope(const v1::Scope& scope,
                               absl::string_view field) {
  const std::string& code = scope.code();
  std::string code_field = absl::StrCat(field, ".code");
  switch (scope.kind()) {
    case v1::SCOPE_KIND_ALL:
      if (!code.empty()) {
        return FieldError(code_field, "must be empty for SCOPE_KIND_ALL");
      }
      return Dim{kAll, "*"};
    case v1::SCOPE_KIND_REGION:
      if (AllDigits(code)) {
        switch (code.size()) {
          case 6:
            return Dim{kCity, code};
          case 9:
            return Dim{kTown, code};
          case 12:
            return Dim{kCommunity, code};
          case 15:
            return Dim{kGrid, code};
        }
      }
      return FieldError(code_field,
                        "must be a city (6 digits), town (9), community (12) "
                        "or grid (15) code");
    case v1::SCOPE_KIND_DEPARTMENT:
      if (!PlainId(code)) {
        return FieldError(code_field, "must be a department id");
      }
      return Dim{kDepartment, code};
    case v1::SCOPE_KIND_CATEGORY:
      if (code.size() == 3 && absl::ascii_isupper(code[0]) &&
          AllDigits(code.substr(1))) {
        return Dim{kMajor, code};
      }
      if (code.size() > 3 && code.size() <= 16 &&
          absl::ascii_isupper(code[0]) && AllDigits(code.substr(1))) {
        return Dim{kCategory, code};
      }
      return FieldError(code_field,
                        "must be a major class code (e.g. E01) or a full "
                        "category code (e.g. E0101)");
    case v1::SCOPE_KIND_SOURCE: {
      v1::Source source = v1::SOURCE_UNSPECIFIED;
      if (!v1::Source_Parse(code, &source) ||
          source == v1::SOURCE_UNSPECIFIED) {
        return FieldError(code_field,
                          "must be a Source value name, e.g. "
                          "SOURCE_GRID_PATROL");
      }
      return Dim{kSource, code};
    }
    case v1::SCOPE_KIND_REPORTER:
      if (!PlainId(code)) return FieldError(code_field, "must be a member id");
      return Dim{kReporter, code};
    case v1::SCOPE_KIND_WORKER:
      if (!PlainId(code)) return FieldError(code_field, "must be a member id");
      return Dim{kWorker, code};
    default:
      return FieldError(absl::StrCat(field, ".kind"),
                        "must be set to a ScopeKind value");
  }
}

absl::string_view KindOfLevel(v1::RankingLevel level) {
  switch (level) {
    case v1::RANKING_LEVEL_TOWN:
      return kTown;
    case v1::RANKING_LEVEL_COMMUNITY:
      return kCommunity;
    case v1::RANKING_LEVEL_GRID:
      return kGrid;
    case v1::RANKING_LEVEL_DEPARTMENT:
      return kDepartment;
    case v1::RANKING_LEVEL_GRID_MANAGER:
      return kReporter;
    default:
      return "";
  }
}

}  // namespace gridcase::stats
