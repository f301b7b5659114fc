// XlsxSink: tables as an XLSX workbook (libxlsxwriter), one worksheet per
// table, header row bold and frozen. Written in libxlsxwriter's constant
// memory mode: each row goes to a temporary file as it is added, so a
// workbook of any length needs the memory of one row. Text is stored as
// text (never a formula), numbers as numbers, shares with a percentage
// format and times as Excel date-times (Asia/Shanghai).
#ifndef GRIDCASE_COMMON_EXPORT_XLSX_SINK_H_
#define GRIDCASE_COMMON_EXPORT_XLSX_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/export/table.h"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace gridcase::exporter {

class XlsxSink final : public TableSink {
 public:
  // A worksheet holds at most this many rows below its header.
  static constexpr int64_t kMaxRows = 1048575;

  // Creates the workbook; the file at `path` is written by Finish.
  static absl::StatusOr<std::unique_ptr<XlsxSink>> Create(
      const std::string& path);
  ~XlsxSink() override;

  absl::Status BeginTable(absl::string_view title,
                          const std::vector<Column>& columns) override;
  absl::Status AddRow(const std::vector<Cell>& cells) override;
  absl::Status Finish() override;

 private:
  XlsxSink(lxw_workbook* workbook, std::string path);

  lxw_workbook* workbook_;
  const std::string path_;
  lxw_worksheet* sheet_ = nullptr;
  size_t columns_ = 0;
  int64_t row_ = 0;
  lxw_format* header_ = nullptr;
  lxw_format* integer_ = nullptr;
  lxw_format* decimal_ = nullptr;
  lxw_format* share_ = nullptr;
  lxw_format* change_ = nullptr;
  lxw_format* time_ = nullptr;
};

}  // namespace gridcase::exporter

#endif  // GRIDCASE_COMMON_EXPORT_XLSX_SINK_H_
