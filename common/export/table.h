// Tables for export: the cells, columns and sinks that CSV, XLSX and the
// terminal share. A producer (report_tables.h, case_rows.h) calls
// BeginTable, then AddRow per row, then Finish; a sink writes each row as
// it comes, so an export of any length runs in the memory of one row (the
// terminal sink, for reports only, holds one table to align it).
#ifndef GRIDCASE_COMMON_EXPORT_TABLE_H_
#define GRIDCASE_COMMON_EXPORT_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace gridcase::exporter {

// One value. Text is written as text (never as a formula); numbers, shares
// and times as what they are, so a spreadsheet can sort and sum them.
struct Cell {
  enum class Kind {
    kEmpty,
    kText,
    kInteger,      // number, no decimals
    kDecimal,      // number, two decimals
    kShare,        // 0..1 shown as a percentage with one decimal, e.g. 93.3%
    kShareChange,  // a change of a share, in percentage points: +3.3%
    kTime,         // an instant, shown in Asia/Shanghai: 2026-12-05 14:03:22
  };
  Kind kind = Kind::kEmpty;
  std::string text;
  double number = 0;
  absl::Time time;

  static Cell Empty() { return {}; }
  static Cell Text(std::string s) {
    Cell c;
    c.kind = Kind::kText;
    c.text = std::move(s);
    return c;
  }
  static Cell Integer(int64_t n) {
    Cell c;
    c.kind = Kind::kInteger;
    c.number = static_cast<double>(n);
    return c;
  }
  static Cell Decimal(double d) {
    Cell c;
    c.kind = Kind::kDecimal;
    c.number = d;
    return c;
  }
  static Cell Share(double v) {
    Cell c;
    c.kind = Kind::kShare;
    c.number = v;
    return c;
  }
  static Cell ShareChange(double v) {
    Cell c;
    c.kind = Kind::kShareChange;
    c.number = v;
    return c;
  }
  // An unset time (absl::InfinitePast) is an empty cell.
  static Cell Time(absl::Time t) {
    Cell c;
    c.kind = t == absl::InfinitePast() ? Kind::kEmpty : Kind::kTime;
    c.time = t;
    return c;
  }
};

struct Column {
  std::string header;
  int width = 12;  // in characters, for XLSX and the terminal
};

class TableSink {
 public:
  virtual ~TableSink() = default;
  // Starts a table: an XLSX worksheet named `title` (at most 31 characters,
  // unique in the file), a section of a CSV file.
  virtual absl::Status BeginTable(absl::string_view title,
                                  const std::vector<Column>& columns) = 0;
  virtual absl::Status AddRow(const std::vector<Cell>& cells) = 0;
  // Completes the file. Nothing may be added afterwards.
  virtual absl::Status Finish() = 0;
};

// How a cell reads as text (CSV and the terminal): integers plain,
// decimals with two places, shares as "93.3%", changes as "+3.3%", times
// as "2026-12-05 14:03:22" in Asia/Shanghai, empty as "".
std::string CellText(const Cell& cell);

// Terminal columns `s` takes (CJK and other wide characters take two), and
// `s` padded with spaces to `width` columns: for aligned tables.
int Columns(const std::string& s);
std::string Pad(const std::string& s, int width);

// An instant as a civil time in Asia/Shanghai (the statistics' zone).
absl::CivilSecond ShanghaiTime(absl::Time t);

}  // namespace gridcase::exporter

#endif  // GRIDCASE_COMMON_EXPORT_TABLE_H_
