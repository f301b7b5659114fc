// CsvSink: tables as CSV (RFC 4180) for Excel and WPS: UTF-8 with a byte
// order mark, so that Chinese text opens correctly; CRLF line ends; fields
// quoted when they hold a comma, quote, line break or edge space. A text
// cell that starts with = + - @ or a tab is prefixed with ' so that a
// spreadsheet shows it instead of running it as a formula (CSV injection).
// Several tables follow one another: with section titles, each starts
// with a row holding its title, and a blank line separates them.
#ifndef GRIDCASE_COMMON_EXPORT_CSV_SINK_H_
#define GRIDCASE_COMMON_EXPORT_CSV_SINK_H_

#include <ostream>
#include <string>
#include <vector>

#include "common/export/table.h"

namespace gridcase::exporter {

class CsvSink final : public TableSink {
 public:
  struct Options {
    // Write each table's title as a row before its header (for files of
    // several tables, e.g. a report).
    bool section_titles = false;
  };
  explicit CsvSink(std::ostream* out) : CsvSink(out, Options()) {}
  CsvSink(std::ostream* out, Options options) : out_(out), options_(options) {}

  absl::Status BeginTable(absl::string_view title,
                          const std::vector<Column>& columns) override;
  absl::Status AddRow(const std::vector<Cell>& cells) override;
  absl::Status Finish() override;

 private:
  absl::Status Check();
  void WriteLine(const std::vector<std::string>& fields);

  std::ostream* out_;
  const Options options_;
  int tables_ = 0;
  size_t columns_ = 0;
};

// One CSV field as written (quoted and guarded as above).
std::string CsvField(const Cell& cell);

}  // namespace gridcase::exporter

#endif  // GRIDCASE_COMMON_EXPORT_CSV_SINK_H_
