#include "tools/loadgen/scenarios.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"

namespace gridcase::loadgen {
namespace {

using Target = ScenarioNeeds::Target;

const std::map<std::string, ScenarioNeeds>& Table() {
  static const auto* table = new std::map<std::string, ScenarioNeeds>{
      {"health", {Target::kIntake, false, false, false}},
      {"report", {Target::kIntake, true, true, false}},
      {"locate", {Target::kRegistry, true, true, false}},
      {"get", {Target::kIntake, true, true, false}},
      {"list", {Target::kIntake, true, false, false}},
      {"summary", {Target::kStats, true, false, false}},
      {"ranking", {Target::kStats, true, false, false}},
      {"lifecycle", {Target::kIntake, true, true, true}},
      {"routed", {Target::kIntake, true, true, false}},
  };
  return *table;
}

}  // namespace

absl::StatusOr<ScenarioNeeds> NeedsOf(const std::string& scenario) {
  auto it = Table().find(scenario);
  if (it == Table().end()) {
    return absl::NotFoundError(
        absl::StrCat("--scenario: '", scenario, "' is not one of ",
                     absl::StrJoin(ScenarioNames(), ", ")));
  }
  return it->second;
}

std::vector<std::string> ScenarioNames() {
  return {"health",  "report",  "locate",    "get",   "list",
          "summary", "ranking", "lifecycle", "routed"};
}

absl::StatusOr<std::unique_ptr<Scenario>> MakeScenario(
    const std::string& name, const ScenarioContext& context) {
  if (name == "health") return MakeHealthScenario(context);
  if (name == "report") return MakeReportScenario(context);
  if (name == "locate") return MakeLocateScenario(context);
  if (name == "get") return MakeGetScenario(context);
  if (name == "list") return MakeListScenario(context);
  if (name == "summary") return MakeSummaryScenario(context);
  if (name == "ranking") return MakeRankingScenario(context);
  if (name == "lifecycle") return MakeLifecycleScenario(context);
  if (name == "routed") return MakeRoutedScenario(context);
  return NeedsOf(name).status();
}

std::vector<CategoryChoice> CategoriesOf(const sim::World& world, bool chain) {
  std::map<std::string, std::map<std::string, std::string>> enabled;
  for (const auto& [code, c] : world.categories) enabled[code] = c.required;
  return chain ? ChooseChainCategories(enabled) : ChooseCategories(enabled);
}

void FillReport(const PlannedReport& plan, const std::string& run, int64_t n,
                v1::Source source, v1::ReportCaseRequest* request) {
  request->set_request_id(absl::StrCat("lg-", run, "-", n));
  request->set_source(source);
  request->set_category_code(plan.category);
  request->set_description(plan.description);
  request->mutable_location()->set_latitude(plan.at.lat);
  request->mutable_location()->set_longitude(plan.at.lng);
  for (const auto& [code, value] : plan.attributes) {
    (*request->mutable_attributes())[code] = value;
  }
}

v1::DateRange MonthOf(absl::Time now) {
  absl::TimeZone shanghai;
  if (!absl::LoadTimeZone("Asia/Shanghai", &shanghai)) {
    shanghai = absl::FixedTimeZone(8 * 3600);
  }
  absl::CivilMonth month(absl::ToCivilDay(now, shanghai));
  v1::DateRange r;
  r.set_start_date(absl::FormatCivilTime(absl::CivilDay(month)));
  r.set_end_date(absl::FormatCivilTime(absl::CivilDay(month + 1) - 1));
  return r;
}

}  // namespace gridcase::loadgen
