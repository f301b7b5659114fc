// Workers: stats' background threads. The consumer reads every shard stream
// through the "stats" consumer group and applies each batch exactly once
// (RedisAggregates::Apply). When a batch fails for any reason but an outage,
// its events are applied one by one, so one bad event holds back only
// itself: the others are acknowledged, and the bad one is retried or
// quarantined (common/events/quarantine.h). The gauge loop refreshes the
// dashboard gauges and the consumer backlog.
#ifndef GRIDCASE_SERVICES_STATS_WORKERS_H_
#define GRIDCASE_SERVICES_STATS_WORKERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/events/consumer.h"
#include "common/events/event_source.h"
#include "services/stats/aggregates.h"
#include "services/stats/redis_aggregates.h"
#include "services/stats/stats_metrics.h"

namespace gridcase::stats {

struct WorkerOptions {
  std::string consumer;  // unique per replica, e.g. the pod name
  int batch = 256;
  absl::Duration block = absl::Seconds(1);
  absl::Duration claim_idle = absl::Seconds(30);
  absl::Duration gauge_interval = absl::Seconds(15);
  int max_deliveries = 10;  // see events::QuarantineOptions
};

// The dashboard gauges as of `now`.
absl::StatusOr<StatsMetrics::Dashboard> ReadDashboard(
    AggregateReader& aggregates, absl::Time now, const absl::TimeZone& zone);

class Workers {
 public:
  Workers(RedisAggregates* aggregates, events::EventSource* events,
          StatsMetrics* metrics, const Clock* clock, WorkerOptions options);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void Start();
  void Stop();

 private:
  void GaugeLoop();
  // One status per entry (OK: applied or already applied).
  std::vector<absl::Status> Handle(
      const std::vector<events::StreamEntry>& entries);

  RedisAggregates* aggregates_;
  events::EventSource* events_;
  StatsMetrics* metrics_;
  const Clock* clock_;
  WorkerOptions options_;
  events::Loops loops_;  // last: stopped first
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_WORKERS_H_
