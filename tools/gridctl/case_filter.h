// The ListCases filter from gridctl options, shared by `case list` and
// `case export`: --region, --reporter, --category, --state (comma-separated),
// --source, --department and --period (days of reported_at, Asia/Shanghai,
// as `gridctl stats --period`).
#ifndef GRIDCASE_TOOLS_GRIDCTL_CASE_FILTER_H_
#define GRIDCASE_TOOLS_GRIDCTL_CASE_FILTER_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/intake.pb.h"
#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {

// The option names the filter reads.
inline const std::vector<std::string>& CaseFilterOptions() {
  static const auto* names =
      new std::vector<std::string>{"region", "reporter",   "category", "state",
                                   "source", "department", "period"};
  return *names;
}

// INVALID_ARGUMENT naming the option. `now` anchors relative periods.
absl::StatusOr<v1::ListCasesRequest> ParseCaseFilter(const Invocation& in,
                                                     absl::Time now);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_CASE_FILTER_H_
