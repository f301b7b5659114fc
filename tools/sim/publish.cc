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
    std::printf("  %s by %s (top %d):\n", title,
                exporter::IndicatorLabel(report.indicator()).c_str(), n);
    for (int i = 0; i < ranking.rows_size() && i < n; ++i) {
      const v1::RankingEntry& e = ranking.rows(i).entry();
      std::printf(
          "    %2d  %s %s\n", e.rank(), exporter::Pad(e.name(), 16).c_str(),
          e.defined() ? absl::StrFormat("%.2f", e.value()).c_str() : "—");
    }
  }
}

}  // namespace gridcase::sim
