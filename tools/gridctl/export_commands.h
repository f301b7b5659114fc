// gridctl's exports: a published report or the cases of any ListCases filter
// written as CSV (UTF-8 with BOM) and XLSX files (common/export). Cases are
// read page by page and written row by row, so an export of any size runs
// in the memory of one page.
#ifndef GRIDCASE_TOOLS_GRIDCTL_EXPORT_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_EXPORT_COMMANDS_H_

#include "gridcase/v1/stats.pb.h"
#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {

// Writes `report` to --csv=FILE and/or --xlsx=FILE when given, saying so on
// stderr; "-" as the CSV file is stdout. Returns 0, or 1 after printing
// the error.
int WriteReportFiles(const Invocation& in, const v1::Report& report);

// gridctl case export [filter] --csv=FILE|--xlsx=FILE [--page-size=N].
int ExportCases(const Invocation& in);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_EXPORT_COMMANDS_H_
