#include "services/registry/responsibility.h"

#include "absl/strings/str_cat.h"
#include "services/registry/validation.h"

namespace gridcase::registry {
namespace {

// True if `a` beats `b` among rules of the same scope.
bool Better(const v1::Rule& a, const v1::Rule& b) {
  if (a.priority() != b.priority()) return a.priority() > b.priority();
  return a.id() < b.id();
}

}  // namespace

absl::StatusOr<v1::ResolveResponsibilityResponse> ResolveResponsibility(
    const RegistrySnapshot& snapshot, const std::string& category_code,
    const std::string& grid_code) {
  if (category_code.empty()) {
    return absl::InvalidArgumentError("category_code: is required");
  }
  if (absl::Status s =
          CheckRegionCode("grid_code", grid_code, v1::REGION_LEVEL_GRID);
      !s.ok()) {
    return s;
  }
  auto category = snapshot.categories().find(category_code);
  if (category == snapshot.categories().end()) {
    return absl::NotFoundError(
        absl::StrCat("category_code: unknown category '", category_code, "'"));
  }
  if (snapshot.FindRegion(grid_code) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("grid_code: unknown grid ", grid_code));
  }
  const v1::Rule* best = nullptr;
  for (size_t len : {15u, 12u, 9u, 6u}) {
    std::string scope = grid_code.substr(0, len);
    for (const v1::Rule* rule : snapshot.RulesOf(category_code)) {
      if (rule->scope_code() != scope) continue;
      auto dept = snapshot.departments().find(rule->department_id());
      if (dept == snapshot.departments().end() || !dept->second.active()) {
        continue;
      }
      if (best == nullptr || Better(*rule, *best)) best = rule;
    }
    if (best != nullptr) break;
  }
  if (best == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no responsibility rule for category ", category_code, " in grid ",
        grid_code, " or its community, town or city"));
  }
  v1::ResolveResponsibilityResponse response;
  *response.mutable_department() =
      snapshot.departments().at(best->department_id());
  for (v1::StageLimit& l :
       cases::EffectiveLimits(category->second, &best->limit_overrides())) {
    *response.add_limits() = std::move(l);
  }
  *response.mutable_rule() = *best;
  response.set_scope_code(best->scope_code());
  response.set_urgent(category->second.urgent());
  return response;
}

}  // namespace gridcase::registry
