// The scenarios loadgen runs (--scenario), each a Scenario for the Driver:
//
//   health     grpc.health.v1.Health/Check (service "") — the ceiling.
//   report     IntakeService.ReportCase by WeChat citizens over every grid.
//   locate     RegistryService.LocateGrid at the same kind of points.
//   get        IntakeService.GetCase of cases reported during set-up.
//   list       IntakeService.ListCases of --region, first page of 20.
//   summary    StatsService.Summary of --region, this month.
//   ranking    StatsService.Ranking of the towns, this month.
//   lifecycle  report → RegisterCase → DispatchCase → AcknowledgeCase →
//              SubmitHandling → VerifyCase, as one call.
//   routed     a grid manager's report until its "case.dispatched" event
//              arrives on IntakeService.WatchCases (automatic routing).
#ifndef GRIDCASE_TOOLS_LOADGEN_SCENARIOS_H_
#define GRIDCASE_TOOLS_LOADGEN_SCENARIOS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "tools/loadgen/channels.h"
#include "tools/loadgen/report_plan.h"
#include "tools/loadgen/rpc.h"
#include "tools/loadgen/scenario.h"
#include "tools/loadgen/world.h"
#include "tools/sim/world.h"

namespace gridcase::loadgen {

// What a scenario needs of the stack.
struct ScenarioNeeds {
  enum class Target { kIntake, kRegistry, kStats };
  Target target = Target::kIntake;  // where --target defaults to
  bool registry_world = false;      // staff, categories, grids' managers
  bool grids = false;               // the GeoJSON sample points
  bool dispatch = false;            // channels to --dispatch too
};

// NOT_FOUND for an unknown name.
absl::StatusOr<ScenarioNeeds> NeedsOf(const std::string& scenario);
// Every scenario name, for --help and errors.
std::vector<std::string> ScenarioNames();

// What the scenarios share, built by main.
struct ScenarioContext {
  CallSetup* calls = nullptr;
  Channels target;    // --channels channels to --target
  Channels dispatch;  // lifecycle: --channels channels to --dispatch
  const sim::World* world = nullptr;              // when registry_world
  const std::vector<GridShape>* grids = nullptr;  // when grids
  std::string run;     // unique per run: request ids and citizens
  std::string region;  // --region
  int staff_pool = 64;
  int setup_cases = 500;
  double duplicate_share = 0.1;
  uint64_t seed = 1;
  bool header_mode = false;  // identity is the insecure-dev header
  bool get_as_reporter = false;
  absl::Duration deadline = absl::Seconds(5);
};

// Builds the scenario, running its set-up (get: the cases to read; routed:
// the WatchCases streams).
absl::StatusOr<std::unique_ptr<Scenario>> MakeScenario(
    const std::string& name, const ScenarioContext& context);

// The scenarios by family (read_scenarios.cc, report_scenario.cc,
// lifecycle_scenario.cc, routed_scenario.cc).
std::unique_ptr<Scenario> MakeHealthScenario(const ScenarioContext& context);
std::unique_ptr<Scenario> MakeLocateScenario(const ScenarioContext& context);
std::unique_ptr<Scenario> MakeListScenario(const ScenarioContext& context);
std::unique_ptr<Scenario> MakeSummaryScenario(const ScenarioContext& context);
std::unique_ptr<Scenario> MakeRankingScenario(const ScenarioContext& context);
absl::StatusOr<std::unique_ptr<Scenario>> MakeGetScenario(
    const ScenarioContext& context);
std::unique_ptr<Scenario> MakeReportScenario(const ScenarioContext& context);
std::unique_ptr<Scenario> MakeLifecycleScenario(const ScenarioContext& context);
absl::StatusOr<std::unique_ptr<Scenario>> MakeRoutedScenario(
    const ScenarioContext& context);

// The categories to report among the registry's: report_plan.h's mix
// (ChooseCategories), or for chains ChooseChainCategories.
std::vector<CategoryChoice> CategoriesOf(const sim::World& world,
                                         bool chain = false);

// A WeChat citizen's report as planned, with request id "lg-<run>-<n>".
void FillReport(const PlannedReport& plan, const std::string& run, int64_t n,
                v1::Source source, v1::ReportCaseRequest* request);

// A case the set-up reported, and who reported it.
struct ReportedCase {
  std::string id;
  v1::Actor reporter;
};
// Reports `count` cases as WeChat citizens (request ids "lg-<run>-setup-<i>")
// before the run, on context.target[0]; the first error stops it.
absl::StatusOr<std::vector<ReportedCase>> ReportSetupCases(
    const ScenarioContext& context, int count);

// The Asia/Shanghai calendar month of `now`, as stats periods take it.
v1::DateRange MonthOf(absl::Time now);

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_SCENARIOS_H_
