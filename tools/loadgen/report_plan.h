// ReportPlanner: what each report of a run says — a category from a
// weighted mix of common street-scene problems (those the registry has
// enabled), its required attributes, a description, a point drawn
// uniformly in a grid drawn uniformly, and for --duplicate_share of the
// reports the category of an earlier report and a point within 10 m of it
// (which intake merges). Thread-safe; deterministic for a seed when called
// from one thread.
#ifndef GRIDCASE_TOOLS_LOADGEN_REPORT_PLAN_H_
#define GRIDCASE_TOOLS_LOADGEN_REPORT_PLAN_H_

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "tools/loadgen/world.h"

namespace gridcase::loadgen {

struct CategoryChoice {
  std::string code;
  double weight = 1;
  std::map<std::string, std::string> required;  // attribute -> a value
  std::vector<std::string> texts;               // descriptions to pick from
};

struct PlannedReport {
  std::string category;
  std::map<std::string, std::string> attributes;
  std::string description;
  LatLng at;
  int grid = 0;  // index into the planner's grids
  bool duplicate = false;
};

// The mix (about ten codes, most frequent first) restricted to `enabled`
// (code -> its required attributes); every enabled code, equally weighted,
// if none of the mix is enabled.
std::vector<CategoryChoice> ChooseCategories(
    const std::map<std::string, std::map<std::string, std::string>>& enabled);

// For the chains (lifecycle, routed): every enabled category outside the
// mix, equally weighted, so that their reports are not merged into the
// open cases the report scenario leaves behind (a case in the mix's
// categories within 50 m); the mix itself if nothing else is enabled.
std::vector<CategoryChoice> ChooseChainCategories(
    const std::map<std::string, std::map<std::string, std::string>>& enabled);

class ReportPlanner final {
 public:
  // How far a duplicate lies from the report it repeats, at most.
  static constexpr double kDuplicateRadiusM = 10;
  // Duplicates repeat one of the last this many original reports.
  static constexpr int kRecent = 1000;

  // `grids` must outlive the planner; `usable` are the indices of the grids
  // to report in (all when empty).
  ReportPlanner(const std::vector<GridShape>* grids, std::vector<int> usable,
                std::vector<CategoryChoice> categories, double duplicate_share,
                uint64_t seed);
  ReportPlanner(const ReportPlanner&) = delete;
  ReportPlanner& operator=(const ReportPlanner&) = delete;

  PlannedReport Next();

 private:
  const std::vector<GridShape>* grids_;
  std::vector<int> usable_;
  std::vector<CategoryChoice> categories_;
  double duplicate_share_;
  absl::Mutex mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  std::discrete_distribution<int> pick_category_ ABSL_GUARDED_BY(mu_);
  std::deque<PlannedReport> recent_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_REPORT_PLAN_H_
