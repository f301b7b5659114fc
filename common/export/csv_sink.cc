#include "common/export/csv_sink.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace gridcase::exporter {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

std::string Quoted(std::string text) {
  bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
               (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return text;
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

}  // namespace

std::string CsvField(const Cell& cell) {
  std::string text = CellText(cell);
  if (cell.kind == Cell::Kind::kText && !text.empty() &&
      (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
       text[0] == '\t' || text[0] == '\r')) {
    text.insert(0, "'");
  }
  return Quoted(std::move(text));
}

void CsvSink::WriteLine(const std::vector<std::string>& fields) {
  *out_ << absl::StrJoin(fields, ",") << "\r\n";
}

absl::Status CsvSink::Check() {
  if (!out_->good()) return absl::UnavailableError("CSV: writing failed");
  return absl::OkStatus();
}

absl::Status CsvSink::BeginTable(absl::string_view title,
                                 const std::vector<Column>& columns) {
  if (tables_ == 0) {
    *out_ << kBom;
  } else {
    *out_ << "\r\n";
  }
  ++tables_;
  if (options_.section_titles) {
    WriteLine({CsvField(Cell::Text(std::string(title)))});
  }
  std::vector<std::string> headers;
  for (const Column& c : columns)
    headers.push_back(CsvField(Cell::Text(c.header)));
  WriteLine(headers);
  columns_ = columns.size();
  return Check();
}

absl::Status CsvSink::AddRow(const std::vector<Cell>& cells) {
  if (tables_ == 0 || cells.size() != columns_) {
    return absl::InternalError(absl::StrCat("CSV: a row of ", cells.size(),
                                            " cells in a table of ", columns_,
                                            " columns"));
  }
  std::vector<std::string> fields;
  fields.reserve(cells.size());
  for (const Cell& c : cells) fields.push_back(CsvField(c));
  WriteLine(fields);
  return Check();
}

absl::Status CsvSink::Finish() {
  if (tables_ == 0) *out_ << kBom;
  out_->flush();
  return Check();
}

}  // namespace gridcase::exporter
