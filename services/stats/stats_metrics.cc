#include "services/stats/stats_metrics.h"

namespace gridcase::stats {
namespace {

prometheus::Family<prometheus::Gauge>& GaugeFamily(
    prometheus::Registry& registry, const std::string& name,
    const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

}  // namespace

StatsMetrics::StatsMetrics(prometheus::Registry& registry)
    : events_(prometheus::BuildCounter()
                  .Name("gridcase_stats_events_total")
                  .Help("Case events taken from the streams, by outcome: "
                        "applied, duplicate (already applied), error.")
                  .Register(registry)),
      dead_letters_(registry, "stats"),
      lag_(GaugeFamily(registry, "gridcase_stats_consumer_lag_entries",
                       "Stream entries not yet delivered to the stats group.")
               .Add({})),
      pending_(GaugeFamily(registry, "gridcase_stats_consumer_pending_entries",
                           "Entries delivered to stats but not acknowledged.")
                   .Add({})),
      open_(GaugeFamily(registry, "gridcase_stats_open_cases",
                        "Open cases by town and state.")),
      open_overdue_(GaugeFamily(registry, "gridcase_stats_open_overdue_cases",
                                "Open cases whose running stage is overdue "
                                "(red), by town.")),
      department_overdue_(
          GaugeFamily(registry, "gridcase_stats_department_open_overdue_cases",
                      "Open overdue cases by responsible department.")),
      reports_today_(GaugeFamily(registry, "gridcase_stats_reports_today",
                                 "Reports received today (Asia/Shanghai), by "
                                 "town.")),
      on_time_close_rate_(GaugeFamily(
          registry, "gridcase_stats_on_time_close_rate_month",
          "按期结案率 of cases reported this month, by town (0..1).")),
      department_on_time_close_rate_(GaugeFamily(
          registry, "gridcase_stats_department_on_time_close_rate_month",
          "按期结案率 of cases reported this month, by department (0..1).")) {
  for (const char* outcome : {"applied", "duplicate", "error"}) {
    events_.Add({{"outcome", outcome}});
  }
}

void StatsMetrics::Events(int applied, int duplicates, int errors) {
  events_.Add({{"outcome", "applied"}}).Increment(applied);
  events_.Add({{"outcome", "duplicate"}}).Increment(duplicates);
  events_.Add({{"outcome", "error"}}).Increment(errors);
}

void StatsMetrics::SetLag(int64_t lag, int64_t pending) {
  lag_.Set(static_cast<double>(lag));
  pending_.Set(static_cast<double>(pending));
}

void StatsMetrics::Replace(prometheus::Family<prometheus::Gauge>& family,
                           const Series& values) {
  Series& shown = shown_[&family];
  for (const auto& [labels, v] : shown) {
    if (values.count(labels) == 0) family.Remove(&family.Add(labels));
  }
  for (const auto& [labels, v] : values) family.Add(labels).Set(v);
  shown = values;
}

void StatsMetrics::SetDashboard(const Dashboard& d) {
  absl::MutexLock lock(&mu_);
  Replace(open_, d.open);
  Replace(open_overdue_, d.open_overdue);
  Replace(department_overdue_, d.department_overdue);
  Replace(reports_today_, d.reports_today);
  Replace(on_time_close_rate_, d.on_time_close_rate);
  Replace(department_on_time_close_rate_, d.department_on_time_close_rate);
}

}  // namespace gridcase::stats
