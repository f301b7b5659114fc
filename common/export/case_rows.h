// A case (v1::Case) as one row of an export: where, what, when and who
// handled it, every stage's start, deadline, completion and overdue time
// (of its last attempt), the closure and the latest rating. No personal
// data: no reporter id, name or contact, no description, no media, so a
// file can be sent upward as it is.
#ifndef GRIDCASE_COMMON_EXPORT_CASE_ROWS_H_
#define GRIDCASE_COMMON_EXPORT_CASE_ROWS_H_

#include <vector>

#include "common/export/table.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::exporter {

// The title of a case table and its columns.
inline constexpr char kCasesTitle[] = "案件";
std::vector<Column> CaseColumns();
// One row, in CaseColumns' order.
std::vector<Cell> CaseRow(const v1::Case& c);

}  // namespace gridcase::exporter

#endif  // GRIDCASE_COMMON_EXPORT_CASE_ROWS_H_
