// StatsMetrics: stats' Prometheus series. Labels are bounded (town,
// department, state), never grid or case.
//   gridcase_stats_events_total{outcome}  (applied, duplicate, error)
//   gridcase_events_dead_lettered_total{group="stats", reason}
//   gridcase_stats_consumer_lag_entries, _pending_entries
//   gridcase_stats_open_cases{town,state}
//   gridcase_stats_open_overdue_cases{town}
//   gridcase_stats_department_open_overdue_cases{department}
//   gridcase_stats_reports_today{town}
//   gridcase_stats_on_time_close_rate_month{town}
//   gridcase_stats_department_on_time_close_rate_month{department}
//     (按期结案率 of the current month's report cohort; absent while no case
//     of the month is due)
#ifndef GRIDCASE_SERVICES_STATS_STATS_METRICS_H_
#define GRIDCASE_SERVICES_STATS_STATS_METRICS_H_

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/events/quarantine.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace gridcase::stats {

// Values of one gauge family by label set.
using Series = std::map<std::map<std::string, std::string>, double>;

class StatsMetrics final {
 public:
  explicit StatsMetrics(prometheus::Registry& registry);
  StatsMetrics(const StatsMetrics&) = delete;
  StatsMetrics& operator=(const StatsMetrics&) = delete;

  void Events(int applied, int duplicates, int errors);
  events::DeadLetterMetrics& dead_letters() { return dead_letters_; }
  void SetLag(int64_t lag, int64_t pending);

  struct Dashboard {
    Series open;                           // {town, state}
    Series open_overdue;                   // {town}
    Series department_overdue;             // {department}
    Series reports_today;                  // {town}
    Series on_time_close_rate;             // {town}
    Series department_on_time_close_rate;  // {department}
  };
  void SetDashboard(const Dashboard& d);

 private:
  // Sets `values` on `family`; series not in `values` are removed.
  void Replace(prometheus::Family<prometheus::Gauge>& family,
               const Series& values) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  prometheus::Family<prometheus::Counter>& events_;
  events::DeadLetterMetrics dead_letters_;
  prometheus::Gauge& lag_;
  prometheus::Gauge& pending_;
  prometheus::Family<prometheus::Gauge>& open_;
  prometheus::Family<prometheus::Gauge>& open_overdue_;
  prometheus::Family<prometheus::Gauge>& department_overdue_;
  prometheus::Family<prometheus::Gauge>& reports_today_;
  prometheus::Family<prometheus::Gauge>& on_time_close_rate_;
  prometheus::Family<prometheus::Gauge>& department_on_time_close_rate_;
  absl::Mutex mu_;
  std::map<prometheus::Family<prometheus::Gauge>*, Series> shown_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_STATS_METRICS_H_
