// StatsQueries: the four StatsService answers — validation, then reads from
// the aggregates and the directory. Summary, Ranking and Trend derive every
// indicator with indicators.h; Hotspots groups the hotspot cells.
#ifndef GRIDCASE_SERVICES_STATS_QUERIES_H_
#define GRIDCASE_SERVICES_STATS_QUERIES_H_

#include "absl/status/statusor.h"
#include "common/clock/clock.h"
#include "gridcase/v1/stats.pb.h"
#include "services/stats/aggregates.h"
#include "services/stats/directory.h"
#include "services/stats/indicators.h"
#include "services/stats/member_work.h"
#include "services/stats/period.h"

namespace gridcase::stats {

class StatsQueries {
 public:
  // `patrols` gives grid managers' patrol coverage; without it (null) no
  // grid counts as visited.
  StatsQueries(AggregateReader* aggregates, Directory* directory,
               const Clock* clock, Weights default_weights,
               PatrolActivity* patrols = nullptr)
      : aggregates_(aggregates),
        directory_(directory),
        clock_(clock),
        default_weights_(std::move(default_weights)),
        patrols_(patrols) {}

  absl::StatusOr<v1::SummaryResponse> Summary(const v1::SummaryRequest& req);
  absl::StatusOr<v1::RankingResponse> Ranking(const v1::RankingRequest& req);
  absl::StatusOr<v1::TrendResponse> Trend(const v1::TrendRequest& req);
  absl::StatusOr<v1::HotspotsResponse> Hotspots(const v1::HotspotsRequest& req);

 private:
  // Fills each grid manager's RankingEntry.work and scores them together.
  absl::Status AddWork(const std::vector<Entity>& members, const Period& period,
                       std::vector<v1::RankingEntry>& entries);

  AggregateReader* aggregates_;
  Directory* directory_;
  const Clock* clock_;
  Weights default_weights_;
  PatrolActivity* patrols_;
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_QUERIES_H_
