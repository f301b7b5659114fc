#include "tools/gridctl/report_commands.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/export/report_tables.h"
#include "common/status/grpc_status.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "tools/gridctl/export_commands.h"
#include "tools/gridctl/stats_commands.h"

namespace gridcase::gridctl {
namespace {

using exporter::Cell;
using exporter::Column;

// Tables on the terminal: each one is held until it ends, then printed with
// aligned columns (CJK characters take two).
class TextSink final : public exporter::TableSink {
 public:
  absl::Status BeginTable(absl::string_view title,
                          const std::vector<Column>& columns) override {
    Flush();
    title_ = std::string(title);
    rows_.clear();
    std::vector<std::string> header;
    for (const Column& c : columns) header.push_back(c.header);
    rows_.push_back(std::move(header));
    return absl::OkStatus();
  }
  absl::Status AddRow(const std::vector<Cell>& cells) override {
    std::vector<std::string> row;
    for (const Cell& c : cells) row.push_back(exporter::CellText(c));
    rows_.push_back(std::move(row));
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    Flush();
    return absl::OkStatus();
  }

 private:
  void Flush() {
    if (rows_.empty()) return;
    std::vector<int> widths(rows_[0].size(), 0);
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
        widths[i] = std::max(widths[i], Columns(row[i]));
      }
    }
    std::printf("\n%s\n", title_.c_str());
    for (const auto& row : rows_) {
      std::string line = " ";
      for (size_t i = 0; i < row.size(); ++i) {
        absl::StrAppend(&line, " ", Pad(row[i], widths[i]));
      }
      std::printf("%s\n", line.c_str());
    }
    rows_.clear();
  }

  std::string title_;
  std::vector<std::vector<std::string>> rows_;
};

std::unique_ptr<v1::StatsService::Stub> Stub(const Invocation& in) {
  return v1::StatsService::NewStub(Channel(in, "GRIDCASE_STATS_TARGET"));
}

absl::StatusOr<v1::ReportPeriod> ParseKind(const std::string& text) {
  if (text == "day" || text == "daily") return v1::REPORT_PERIOD_DAY;
  if (text == "week" || text == "weekly") return v1::REPORT_PERIOD_WEEK;
  if (text == "month" || text == "monthly") return v1::REPORT_PERIOD_MONTH;
  return absl::InvalidArgumentError(
      absl::StrCat("--period: '", text, "' is not day, week or month"));
}

// The report as tables on the terminal (or JSON), then its files.
int Show(const Invocation& in, const v1::Report& report) {
  if (in.Has("json")) {
    PrintJson(report);
  } else {
    TextSink text;
    absl::Status s = exporter::WriteReport(report, &text);
    if (s.ok()) s = text.Finish();
    if (!s.ok()) return Fail(s);
  }
  return WriteReportFiles(in, report);
}

}  // namespace

int PublishReport(const Invocation& in) {
  v1::PublishReportRequest req;
  req.set_region_code(in.Get("region", nullptr));
  absl::StatusOr<v1::ReportPeriod> kind =
      ParseKind(in.Get("period", nullptr, "day"));
  if (!kind.ok()) return Fail(kind.status());
  req.set_period_kind(*kind);
  req.set_date(in.Get("date", nullptr));
  if (in.Has("by")) {
    absl::StatusOr<v1::Indicator> by = ParseIndicator(in.Get("by", nullptr));
    if (!by.ok()) return Fail(by.status());
    req.set_indicator(*by);
  }
  req.set_reissue(in.Has("reissue"));
  req.set_reason(in.Get("reason", nullptr));
  auto context = Context(in);
  v1::PublishReportResponse resp;
  absl::Status s =
      FromGrpcStatus(Stub(in)->PublishReport(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  // The first line says what happened, for people and for scripts (the
  // CronJob's log).
  std::fprintf(stderr, "%s %s\n",
               resp.created() ? "published" : "already published",
               resp.report().report_id().c_str());
  if (in.Has("quiet")) return WriteReportFiles(in, resp.report());
  return Show(in, resp.report());
}

int ListReports(const Invocation& in) {
  v1::ListReportsRequest req;
  req.set_region_code(in.Get("region", nullptr));
  if (in.Has("period")) {
    absl::StatusOr<v1::ReportPeriod> kind =
        ParseKind(in.Get("period", nullptr));
    if (!kind.ok()) return Fail(kind.status());
    req.set_period_kind(*kind);
  }
  absl::StatusOr<int> size = PageSize(in);
  if (!size.ok()) return Fail(size.status());
  req.set_page_size(*size);
  req.set_page_token(in.Get("page-token", nullptr));
  auto context = Context(in);
  v1::ListReportsResponse resp;
  absl::Status s =
      FromGrpcStatus(Stub(in)->ListReports(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  if (in.Has("json")) {
    PrintJson(resp);
    return 0;
  }
  for (const v1::Report& r : resp.reports()) {
    const v1::Ratio& rate = r.summary().on_time_close_rate();
    std::printf(
        "%-26s %s %s..%s  %s  上报 %lld  按期结案率 %s  %s\n",
        r.report_id().c_str(), exporter::PeriodLabel(r.period_kind()).c_str(),
        r.period().start_date().c_str(), r.period().end_date().c_str(),
        r.status() == v1::REPORT_STATUS_SUPERSEDED ? "已被替代" : "现行",
        static_cast<long long>(r.summary().reports()),
        rate.defined() ? exporter::CellText(Cell::Share(rate.value())).c_str()
                       : "—",
        r.region_name().c_str());
  }
  PrintNextPage(resp.next_page_token());
  return 0;
}

int ShowReport(const Invocation& in) {
  if (in.positional.size() != 1) {
    return Fail(absl::InvalidArgumentError("report: give one REPORT_ID"));
  }
  v1::GetReportRequest req;
  req.set_report_id(in.positional[0]);
  auto context = Context(in);
  v1::GetReportResponse resp;
  absl::Status s =
      FromGrpcStatus(Stub(in)->GetReport(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  return Show(in, resp.report());
}

}  // namespace gridcase::gridctl
