// A published report (通报, v1::Report) as tables: 通报 (what it is),
// 概况 (every indicator, this period, the previous one and the change),
// one ranking per level with rank and value moves (环比), and the hotspot
// grids and categories. CSV, XLSX and gridctl's terminal view all print
// these tables, so the three say the same.
#ifndef GRIDCASE_COMMON_EXPORT_REPORT_TABLES_H_
#define GRIDCASE_COMMON_EXPORT_REPORT_TABLES_H_

#include <string>

#include "common/export/table.h"
#include "gridcase/v1/stats.pb.h"

namespace gridcase::exporter {

// Writes the report's tables to `sink`; the caller calls Finish.
absl::Status WriteReport(const v1::Report& report, TableSink* sink);

// The Chinese name of an indicator, e.g. "按期结案率"; of a period kind,
// e.g. "日报".
std::string IndicatorLabel(v1::Indicator indicator);
std::string PeriodLabel(v1::ReportPeriod kind);

}  // namespace gridcase::exporter

#endif  // GRIDCASE_COMMON_EXPORT_REPORT_TABLES_H_
