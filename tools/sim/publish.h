// The end of the simulated day: once statistics have caught up, the duty
// chief publishes the day's 通报 for the city (StatsService.PublishReport;
// a day simulated again is reissued, the earlier report kept as superseded)
// and the report is exported as CSV and XLSX.
#ifndef GRIDCASE_TOOLS_SIM_PUBLISH_H_
#define GRIDCASE_TOOLS_SIM_PUBLISH_H_

#include <string>

#include "absl/status/statusor.h"
#include "gridcase/v1/stats.grpc.pb.h"

namespace gridcase::sim {

struct Published {
  v1::Report report;
  bool reissued = false;  // the day had a report already
  std::string csv;        // the files written
  std::string xlsx;
};

// Waits (up to a minute) until today's reports in statistics reach
// `reports_sent` and stop moving, then publishes and writes
// `<dir>/<report id>.csv` and `.xlsx`.
absl::StatusOr<Published> PublishDay(v1::StatsService::Stub* stats,
                                     const v1::Actor& chief,
                                     const std::string& city, int reports_sent,
                                     const std::string& dir);

// Prints the report's town and grid-manager rankings, top `n` each; a
// grid manager with their patrol coverage and verification credit.
void PrintRankings(const v1::Report& report, int n);

}  // namespace gridcase::sim

#endif  // GRIDCASE_TOOLS_SIM_PUBLISH_H_
