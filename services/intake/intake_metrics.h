// Intake's own Prometheus metrics, declared once and injected:
//   gridcase_intake_reports_total{source, family, outcome="created"|"merged"}
//   gridcase_intake_rejections_total{field}    reports refused, by the field
//                                              the error names
//   gridcase_intake_replays_total              idempotent retries answered
//   gridcase_intake_report_seconds             ReportCase latency histogram
//   gridcase_intake_watch_streams              WatchCases streams open
//   gridcase_intake_watch_refused_total{limit="max_streams"|"max_per_caller"}
//   gridcase_intake_watch_overflows_total      streams ended for falling
//                                              behind (client resumes)
//   gridcase_intake_watch_read_errors_total    failed reads of the shard
//                                              readers (retried)
//   gridcase_rate_limited_total{kind="quota"}  reports refused by the daily
//                                              quota (common/limits)
// Labels are bounded: 6 sources, 2 families, a fixed list of fields, 2
// limits.
#ifndef GRIDCASE_SERVICES_INTAKE_INTAKE_METRICS_H_
#define GRIDCASE_SERVICES_INTAKE_INTAKE_METRICS_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "common/limits/limit_metrics.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/registry.pb.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace gridcase::intake {

class IntakeMetrics final {
 public:
  explicit IntakeMetrics(prometheus::Registry& registry);
  IntakeMetrics(const IntakeMetrics&) = delete;
  IntakeMetrics& operator=(const IntakeMetrics&) = delete;

  void Reported(v1::Source source, v1::CategoryFamily family, bool merged);
  // `message` is the INVALID_ARGUMENT message; its first word names the field.
  void Rejected(absl::string_view message);
  void Replayed() { replays_.Increment(); }
  prometheus::Histogram& report_seconds() { return report_seconds_; }
  const limits::LimitMetrics& limits() const { return limits_; }

  void SetWatchStreams(int open) { watch_streams_.Set(open); }
  // `limit` is "max_streams" or "max_per_caller".
  void WatchRefused(absl::string_view limit);
  void WatchOverflowed() { watch_overflows_.Increment(); }
  void WatchReadFailed() { watch_read_errors_.Increment(); }

 private:
  std::map<std::string, prometheus::Counter*> reports_;
  std::map<std::string, prometheus::Counter*> rejections_;
  prometheus::Counter& replays_;
  prometheus::Histogram& report_seconds_;
  prometheus::Gauge& watch_streams_;
  prometheus::Family<prometheus::Counter>& watch_refused_;
  prometheus::Counter& watch_refused_total_;
  prometheus::Counter& watch_refused_caller_;
  prometheus::Counter& watch_overflows_;
  prometheus::Counter& watch_read_errors_;
  const limits::LimitMetrics limits_;
};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_INTAKE_METRICS_H_
