#include "tools/sim/publish.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/export/csv_sink.h"
#include "common/export/report_tables.h"
#include "common/export/xlsx_sink.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/sim/world.h"

namespace gridcase::sim {
namespace {

std::string Today() {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone("Asia/Shanghai", &tz))
    tz = absl::FixedTimeZone(8 * 3600);
  return absl::FormatTime("%Y-%m-%d", absl::Now(), tz);
}

// Today's indicators of the whole city, as statistics has them now.
absl::StatusOr<v1::Indicators> TodayNow(v1::StatsService::Stub* stats,
                                        const v1::Actor& chief) {
  v1::SummaryRequest req;
  req.mutable_scope()->set_kind(v1::SCOPE_KIND_ALL);
  req.mutable_period()->set_start_date(Today());
  req.mutable_period()->set_end_date(Today());
  v1::SummaryResponse resp;
  auto context = CallAs(chief, absl::Seconds(10));
  RETURN_IF_ERROR(FromGrpcStatus(stats->Summary(context.get(), req, &resp)));
  resp.mutable_indicators()->clear_open_overdue_now();
  return resp.indicators();
}

absl::Status WriteFiles(const v1::Report& report, Published* out,
                        const std::string& dir) {
  out->csv = absl::StrCat(dir, "/", report.report_id(), ".csv");
  out->xlsx = absl::StrCat(dir, "/", report.report_id(), ".xlsx");
  std::ofstream csv_file(out->csv, std::ios::binary | std::ios::trunc);
  if (!csv_file) return absl::UnavailableError("cannot write " + out->csv);
  exporter::CsvSink csv(&csv_file, {.section_titles = true});
  RETURN_IF_ERROR(exporter::WriteReport(report, &csv));
  RETURN_IF_ERROR(csv.Finish());
  ASSIGN_OR_RETURN(auto xlsx, exporter::XlsxSink::Create(out->xlsx));
  RETURN_IF_ERROR(exporter::WriteReport(report, xlsx.get()));
  return xlsx->Finish();
}

}  // namespace

absl::StatusOr<Published> PublishDay(v1::StatsService::Stub* stats,
                                     const v1::Actor& chief,
                                     const std::string& city, int reports_sent,
                                     const std::string& dir) {
  // The query cache keeps an answer for a second: compare reads further
  // apart than that.
  std::string last;
  for (absl::Time until = absl::Now() + absl::Minutes(1); absl::Now() < until;
       absl::SleepFor(absl::Milliseconds(1200))) {
    ASSIGN_OR_RETURN(v1::Indicators now, TodayNow(stats, chief));
    std::string seen = now.SerializeAsString();
    if (now.reports() >= reports_sent && seen == last) break;
    last = seen;
  }
  v1::PublishReportRequest req;
  req.set_region_code(city);
  req.set_period_kind(v1::REPORT_PERIOD_DAY);
  req.set_date(Today());
  Published out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto context = CallAs(chief, absl::Seconds(30));
    v1::PublishReportResponse resp;
    RETURN_IF_ERROR(
        FromGrpcStatus(stats->PublishReport(context.get(), req, &resp)));
    if (resp.created()) {
      out.report = resp.report();
      break;
    }
    // Today was simulated before: publish this run's day as a new
    // revision; the earlier one stays, superseded.
    req.set_reissue(true);
    req.set_reason("gridcase-sim: the day was simulated again");
    out.reissued = true;
  }
  if (out.report.report_id().empty()) {
    return absl::InternalError("PublishReport created nothing");
  }
  RETURN_IF_ERROR(WriteFiles(out.report, &out, dir));
  return out;
}

void PrintRankings(const v1::Report& report, int n) {
  for (const v1::ReportRanking& ranking : report.rankings()) {
    const char* title = ranking.level() == v1::RANKING_LEVEL_TOWN ? "Towns"
                        : ranking.level() == v1::RANKING_LEVEL_GRID_MANAGER
                            ? "Grid managers"
                            : nullptr;
    if (title == nullptr) continue;
    v1::Indicator by = ranking.indicator();
    std::printf("  %s by %s (top %d):\n", title,
                exporter::IndicatorLabel(by).c_str(), n);
    for (int i = 0; i < ranking.rows_size() && i < n; ++i) {
      const v1::RankingEntry& e = ranking.rows(i).entry();
      std::string line = absl::StrFormat(
          "    %2d  %s %s", e.rank(), exporter::Pad(e.name(), 16),
          e.defined() ? absl::StrFormat("%6.2f", e.value()) : "     —");
      if (e.has_work()) {
        // The grid manager's work: patrol coverage and verification credit.
        const v1::GridMemberWork& w = e.work();
        absl::StrAppendFormat(
            &line,
            "  巡查覆盖 %d/%d  上报 %d (有效 %s)  自行处置 %d  核查 %d "
            "(按期 %d)  核实 %d",
            w.grids_visited(), w.grids(), w.reports(),
            w.valid_report_rate().defined()
                ? absl::StrFormat("%.0f%%", 100 * w.valid_report_rate().value())
                : "—",
            w.self_handled(), w.verified(), w.on_time_verify_rate().numerator(),
            w.checked());
      }
      std::printf("%s\n", line.c_str());
    }
  }
}

}  // namespace gridcase::sim
