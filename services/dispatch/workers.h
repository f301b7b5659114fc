// Workers: dispatch's background threads. The consumer reads the shard
// streams through the "dispatch" consumer group and routes new reports
// (AutoRouter); each entry is acknowledged after it was handled, retried
// after a failure, or quarantined when it cannot be handled
// (common/events/quarantine.h), and entries a crashed replica left pending
// are claimed. The scanner emits deadline
// warnings and overdue events. A third loop refreshes the gauges. Every loop
// stops within one blocking read when the Workers are destroyed.
#ifndef GRIDCASE_SERVICES_DISPATCH_WORKERS_H_
#define GRIDCASE_SERVICES_DISPATCH_WORKERS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/events/consumer.h"
#include "common/events/event_source.h"
#include "services/dispatch/auto_router.h"
#include "services/dispatch/dispatch_metrics.h"
#include "services/dispatch/transitions.h"

namespace gridcase::dispatch {

struct WorkerOptions {
  int shards = 16;
  std::string consumer;  // unique per replica, e.g. the pod name
  absl::Duration block = absl::Seconds(1);
  absl::Duration claim_idle = absl::Seconds(30);
  int max_deliveries = 10;  // see events::QuarantineOptions
  absl::Duration scan_interval = absl::Seconds(1);
  // How long a grid manager's own report waits before automatic routing
  // (auto_router.h); zero: not at all.
  absl::Duration self_handle_grace = absl::ZeroDuration();
  absl::Duration gauge_interval = absl::Seconds(5);
  // How many new reports of one batch are routed at once (each waits on the
  // registry and Redis, so one at a time left a replica routing a few
  // hundred a second); 1: one after another.
  int route_parallelism = 8;
};

// Runs fn(0) … fn(n - 1) on at most `parallelism` threads (the calling one
// included) and returns when all have returned.
void ParallelFor(int n, int parallelism, const std::function<void(int)>& fn);

class Workers {
 public:
  Workers(Transitions* transitions, events::EventSource* events,
          DispatchMetrics* metrics, WorkerOptions options);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void Start();
  void Stop();

 private:
  void ScanLoop();
  void GaugeLoop();
  // One status per entry (OK: routed, or nothing to do).
  std::vector<absl::Status> Handle(
      const std::vector<events::StreamEntry>& entries);
  absl::Status HandleOne(const events::StreamEntry& entry);

  Transitions* transitions_;
  events::EventSource* events_;
  DispatchMetrics* metrics_;
  WorkerOptions options_;
  AutoRouter router_;
  events::Loops loops_;  // last: stopped first
};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_WORKERS_H_
