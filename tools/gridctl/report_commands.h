// gridctl stats publish|reports|report: published reports (通报) —
// StatsService PublishReport, ListReports and GetReport — shown as the same
// tables their CSV and XLSX exports hold.
#ifndef GRIDCASE_TOOLS_GRIDCTL_REPORT_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_REPORT_COMMANDS_H_

#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {

int PublishReport(const Invocation& in);
int ListReports(const Invocation& in);
int ShowReport(const Invocation& in);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_REPORT_COMMANDS_H_
