#include "tools/gridctl/export_commands.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/export/case_rows.h"
#include "common/export/csv_sink.h"
#include "common/export/report_tables.h"
#include "common/export/xlsx_sink.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "tools/gridctl/case_filter.h"

namespace gridcase::gridctl {
namespace {

using exporter::TableSink;

// Writes to every sink at once (CSV and XLSX in one pass).
class FanOut final : public TableSink {
 public:
  void Add(TableSink* sink) { sinks_.push_back(sink); }
  bool empty() const { return sinks_.empty(); }
  absl::Status BeginTable(absl::string_view title,
                          const std::vector<exporter::Column>& c) override {
    for (TableSink* s : sinks_) RETURN_IF_ERROR(s->BeginTable(title, c));
    return absl::OkStatus();
  }
  absl::Status AddRow(const std::vector<exporter::Cell>& cells) override {
    for (TableSink* s : sinks_) RETURN_IF_ERROR(s->AddRow(cells));
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    for (TableSink* s : sinks_) RETURN_IF_ERROR(s->Finish());
    return absl::OkStatus();
  }

 private:
  std::vector<TableSink*> sinks_;
};

// The files --csv and --xlsx name, open.
struct Files {
  std::ofstream csv_file;
  std::unique_ptr<exporter::CsvSink> csv;
  std::unique_ptr<exporter::XlsxSink> xlsx;
  FanOut all;
};

absl::Status Open(const Invocation& in, bool section_titles, Files* f) {
  if (in.Has("csv")) {
    std::string path = in.Get("csv", nullptr);
    std::ostream* out = &std::cout;
    if (path != "-") {
      f->csv_file.open(path, std::ios::binary | std::ios::trunc);
      if (!f->csv_file) {
        return absl::InvalidArgumentError(
            absl::StrCat("--csv: cannot write ", path));
      }
      out = &f->csv_file;
    }
    f->csv = std::make_unique<exporter::CsvSink>(
        out, exporter::CsvSink::Options{.section_titles = section_titles});
    f->all.Add(f->csv.get());
  }
  if (in.Has("xlsx")) {
    ASSIGN_OR_RETURN(f->xlsx,
                     exporter::XlsxSink::Create(in.Get("xlsx", nullptr)));
    f->all.Add(f->xlsx.get());
  }
  return absl::OkStatus();
}

void SayWritten(const Invocation& in, const std::string& what) {
  for (const char* option : {"csv", "xlsx"}) {
    std::string path = in.Get(option, nullptr);
    if (in.Has(option) && path != "-") {
      std::fprintf(stderr, "wrote %s to %s\n", what.c_str(), path.c_str());
    }
  }
}

}  // namespace

int WriteReportFiles(const Invocation& in, const v1::Report& report) {
  Files files;
  if (absl::Status s = Open(in, /*section_titles=*/true, &files); !s.ok()) {
    return Fail(s);
  }
  if (files.all.empty()) return 0;
  absl::Status s = exporter::WriteReport(report, &files.all);
  if (s.ok()) s = files.all.Finish();
  if (!s.ok()) return Fail(s);
  SayWritten(in, absl::StrCat("report ", report.report_id()));
  return 0;
}

int ExportCases(const Invocation& in) {
  if (!in.Has("csv") && !in.Has("xlsx")) {
    return Fail(absl::InvalidArgumentError(
        "case export: give --csv=FILE and/or --xlsx=FILE"));
  }
  absl::StatusOr<v1::ListCasesRequest> request =
      ParseCaseFilter(in, absl::Now());
  if (!request.ok()) return Fail(request.status());
  int page_size = 500;
  if (in.Has("page-size") &&
      (!absl::SimpleAtoi(in.Get("page-size", nullptr), &page_size) ||
       page_size < 1 || page_size > 500)) {
    return Fail(absl::InvalidArgumentError("--page-size: 1 to 500"));
  }
  request->set_page_size(page_size);
  Files files;
  if (absl::Status s = Open(in, /*section_titles=*/false, &files); !s.ok()) {
    return Fail(s);
  }
  auto stub = v1::IntakeService::NewStub(Channel(in, "GRIDCASE_INTAKE_TARGET"));
  absl::Status s =
      files.all.BeginTable(exporter::kCasesTitle, exporter::CaseColumns());
  int64_t rows = 0;
  while (s.ok()) {
    auto context = Context(in);  // a deadline per page, not per export
    v1::ListCasesResponse page;
    s = FromGrpcStatus(stub->ListCases(context.get(), *request, &page));
    for (int i = 0; s.ok() && i < page.cases_size(); ++i) {
      s = files.all.AddRow(exporter::CaseRow(page.cases(i)));
      ++rows;
    }
    if (page.next_page_token().empty()) break;
    request->set_page_token(page.next_page_token());
  }
  if (s.ok()) s = files.all.Finish();
  if (!s.ok()) return Fail(s);
  SayWritten(in, absl::StrCat(rows, " cases"));
  return 0;
}

}  // namespace gridcase::gridctl
