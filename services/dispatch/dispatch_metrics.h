// Dispatch's own Prometheus metrics, declared once and injected:
//   gridcase_dispatch_transitions_total{type}       events recorded, by type
//   gridcase_dispatch_open_cases{state, town}       open cases now
//   gridcase_dispatch_overdue_open_cases{department} open cases whose running
//                                                   stage is overdue
//   gridcase_dispatch_consumer_lag_entries          stream entries not yet
//                                                   delivered to the group
//   gridcase_dispatch_consumer_pending_entries      delivered, not acked
//   gridcase_dispatch_consumed_total{outcome}       reported events handled
//   gridcase_events_dead_lettered_total{group="dispatch", reason}
//                                                   entries quarantined
//   gridcase_dispatch_scanner_runs_total            scanner passes
//   gridcase_dispatch_scanner_last_run_timestamp_seconds
// Labels are bounded: event types, states, towns and departments.
#ifndef GRIDCASE_SERVICES_DISPATCH_DISPATCH_METRICS_H_
#define GRIDCASE_SERVICES_DISPATCH_DISPATCH_METRICS_H_

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/events/quarantine.h"
#include "gridcase/v1/common.pb.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/dispatch/case_store.h"

namespace gridcase::dispatch {

class DispatchMetrics final {
 public:
  explicit DispatchMetrics(prometheus::Registry& registry);
  DispatchMetrics(const DispatchMetrics&) = delete;
  DispatchMetrics& operator=(const DispatchMetrics&) = delete;

  void Transition(v1::CaseEventType type);
  // outcome: "auto_dispatched", "manual", "no_rule", "skipped", "error".
  void Consumed(const std::string& outcome);
  void ScannerRan(double unix_seconds);
  void SetGauges(const Gauges& gauges);
  void SetLag(int64_t lag, int64_t pending);
  events::DeadLetterMetrics& dead_letters() { return dead_letters_; }

 private:
  prometheus::Family<prometheus::Counter>& transitions_;
  prometheus::Family<prometheus::Gauge>& open_;
  prometheus::Family<prometheus::Gauge>& overdue_;
  prometheus::Family<prometheus::Counter>& consumed_;
  prometheus::Gauge& lag_;
  prometheus::Gauge& pending_;
  prometheus::Counter& scanner_runs_;
  prometheus::Gauge& scanner_last_run_;
  prometheus::Gauge& redis_used_memory_;
  prometheus::Gauge& redis_maxmemory_;
  events::DeadLetterMetrics dead_letters_;
  absl::Mutex mu_;
  std::map<std::pair<v1::CaseState, std::string>, prometheus::Gauge*>
      open_gauges_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, prometheus::Gauge*> overdue_gauges_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_DISPATCH_METRICS_H_
