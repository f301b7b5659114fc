// The id of a published report (通报): "<region>-<D|W|M><YYYYMMDD>-<revision>",
// e.g. "330483-D20261205-1" — region code, period kind, the period's first
// day, revision (1 for the first publication, +1 per reissue).
#ifndef GRIDCASE_SERVICES_STATS_REPORT_ID_H_
#define GRIDCASE_SERVICES_STATS_REPORT_ID_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gridcase/v1/stats.pb.h"

namespace gridcase::stats {

struct ReportId {
  std::string region;
  v1::ReportPeriod kind = v1::REPORT_PERIOD_UNSPECIFIED;
  absl::CivilDay start;
  int revision = 1;
};

// 'D', 'W' or 'M'; '?' for anything else.
char KindLetter(v1::ReportPeriod kind);

std::string FormatReportId(const ReportId& id);
// INVALID_ARGUMENT naming `field` when `text` is not an id.
absl::StatusOr<ReportId> ParseReportId(absl::string_view text,
                                       absl::string_view field);

// True for a city (6 digits) or town (9 digits) code.
bool IsReportRegion(absl::string_view code);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_REPORT_ID_H_
