#include "common/export/xlsx_sink.h"

#include <xlsxwriter.h>

#include "absl/strings/str_cat.h"

namespace gridcase::exporter {
namespace {

absl::Status Check(lxw_error error, absl::string_view what) {
  if (error == LXW_NO_ERROR) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("XLSX: ", what, ": ", lxw_strerror(error)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<XlsxSink>> XlsxSink::Create(
    const std::string& path) {
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  if (workbook == nullptr) {
    return absl::InternalError(
        absl::StrCat("XLSX: cannot create a workbook for ", path));
  }
  return std::unique_ptr<XlsxSink>(new XlsxSink(workbook, path));
}

XlsxSink::XlsxSink(lxw_workbook* workbook, std::string path)
    : workbook_(workbook), path_(std::move(path)) {
  header_ = workbook_add_format(workbook_);
  format_set_bold(header_);
  integer_ = workbook_add_format(workbook_);
  format_set_num_format(integer_, "0");
  decimal_ = workbook_add_format(workbook_);
  format_set_num_format(decimal_, "0.00");
  share_ = workbook_add_format(workbook_);
  format_set_num_format(share_, "0.0%");
  change_ = workbook_add_format(workbook_);
  format_set_num_format(change_, "+0.0%;-0.0%;0.0%");
  time_ = workbook_add_format(workbook_);
  format_set_num_format(time_, "yyyy-mm-dd hh:mm:ss");
}

XlsxSink::~XlsxSink() {
  // Not finished (an error on the way): free it; the file is not written.
  if (workbook_ != nullptr) lxw_workbook_free(workbook_);
}

absl::Status XlsxSink::BeginTable(absl::string_view title,
                                  const std::vector<Column>& columns) {
  if (workbook_ == nullptr) return absl::InternalError("XLSX: finished");
  std::string name(title);
  if (lxw_error e = workbook_validate_sheet_name(workbook_, name.c_str());
      e != LXW_NO_ERROR) {
    return Check(e, absl::StrCat("worksheet name '", name, "'"));
  }
  sheet_ = workbook_add_worksheet(workbook_, name.c_str());
  if (sheet_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("XLSX: cannot add worksheet '", name, "'"));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    absl::Status s =
        Check(worksheet_set_column(sheet_, i, i, columns[i].width, nullptr),
              "column width");
    if (!s.ok()) return s;
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    absl::Status s =
        Check(worksheet_write_string(sheet_, 0, i, columns[i].header.c_str(),
                                     header_),
              "header");
    if (!s.ok()) return s;
  }
  worksheet_freeze_panes(sheet_, 1, 0);
  columns_ = columns.size();
  row_ = 0;
  return absl::OkStatus();
}

absl::Status XlsxSink::AddRow(const std::vector<Cell>& cells) {
  if (sheet_ == nullptr || cells.size() != columns_) {
    return absl::InternalError(absl::StrCat("XLSX: a row of ", cells.size(),
                                            " cells in a table of ", columns_,
                                            " columns"));
  }
  if (row_ >= kMaxRows) {
    return absl::OutOfRangeError(
        absl::StrCat("XLSX: a worksheet holds at most ", kMaxRows,
                     " rows; export this as CSV"));
  }
  ++row_;
  for (size_t i = 0; i < cells.size(); ++i) {
    const Cell& c = cells[i];
    lxw_error e = LXW_NO_ERROR;
    switch (c.kind) {
      case Cell::Kind::kEmpty:
        break;
      case Cell::Kind::kText:
        if (!c.text.empty()) {
          e = worksheet_write_string(sheet_, row_, i, c.text.c_str(), nullptr);
        }
        break;
      case Cell::Kind::kInteger:
        e = worksheet_write_number(sheet_, row_, i, c.number, integer_);
        break;
      case Cell::Kind::kDecimal:
        e = worksheet_write_number(sheet_, row_, i, c.number, decimal_);
        break;
      case Cell::Kind::kShare:
        e = worksheet_write_number(sheet_, row_, i, c.number, share_);
        break;
      case Cell::Kind::kShareChange:
        e = worksheet_write_number(sheet_, row_, i, c.number, change_);
        break;
      case Cell::Kind::kTime: {
        absl::CivilSecond t = ShanghaiTime(c.time);
        lxw_datetime dt = {static_cast<int>(t.year()),
                           t.month(),
                           t.day(),
                           t.hour(),
                           t.minute(),
                           static_cast<double>(t.second())};
        e = worksheet_write_datetime(sheet_, row_, i, &dt, time_);
        break;
      }
    }
    if (absl::Status s = Check(e, "cell"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status XlsxSink::Finish() {
  if (workbook_ == nullptr) return absl::InternalError("XLSX: finished");
  if (sheet_ == nullptr) {
    // An empty workbook is not a valid XLSX file: one empty sheet.
    workbook_add_worksheet(workbook_, nullptr);
  }
  lxw_error e = workbook_close(workbook_);
  workbook_ = nullptr;  // freed by workbook_close, whatever it returned
  return Check(e, absl::StrCat("writing ", path_));
}

}  // namespace gridcase::exporter
