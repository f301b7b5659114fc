// Reports: publishing, fetching and listing the 通报 (StatsService
// PublishReport, GetReport, ListReports). A report is composed from the same
// queries as the live Summary, Ranking and Hotspots, for the period and for
// the one before (环比), then frozen in a ReportStore. The previous
// period's numbers come from its published report when one is in force
// ranked by the same indicator, so that a 通报 compares with what was
// published last time; otherwise they are computed at publication.
#ifndef GRIDCASE_SERVICES_STATS_REPORTS_H_
#define GRIDCASE_SERVICES_STATS_REPORTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "gridcase/v1/stats.pb.h"
#include "services/stats/directory.h"
#include "services/stats/queries.h"
#include "services/stats/report_store.h"

namespace gridcase::stats {

class Reports {
 public:
  Reports(StatsQueries* queries, ReportStore* store, Directory* directory,
          const Clock* clock, absl::TimeZone zone)
      : queries_(queries),
        store_(store),
        directory_(directory),
        clock_(clock),
        zone_(zone) {}

  // `publisher` is the caller's Actor.subject, stored in the report.
  absl::StatusOr<v1::PublishReportResponse> Publish(
      const v1::PublishReportRequest& req, const std::string& publisher);
  absl::StatusOr<v1::Report> Get(const v1::GetReportRequest& req);
  absl::StatusOr<v1::ListReportsResponse> List(
      const v1::ListReportsRequest& req);

 private:
  // The summary, rankings and hotspots of `region` over `period`.
  absl::StatusOr<v1::Report> Compose(const std::string& region,
                                     const v1::DateRange& period,
                                     v1::Indicator indicator,
                                     bool with_hotspots);

  StatsQueries* queries_;
  ReportStore* store_;
  Directory* directory_;
  const Clock* clock_;
  const absl::TimeZone zone_;
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_REPORTS_H_
