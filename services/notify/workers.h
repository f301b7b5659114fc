// Workers: gridcase-notify's background threads.
//   consumer  reads the shard streams through the "notify" consumer group;
//             for each event writes its outbox records (Outbox::Enqueue)
//             and only then lets the entry be acknowledged, so a kill -9
//             loses nothing: an unacknowledged entry is claimed again and
//             enqueueing it again changes nothing.
//   senders   `senders` threads, each owning the shards s with
//             s % senders == its index: lease due deliveries, POST each with
//             its signature and idempotency header, settle the outcome
//             (sent, retry after backoff, dead).
//   gauges    the due backlog and the consumer lag.
#ifndef GRIDCASE_SERVICES_NOTIFY_WORKERS_H_
#define GRIDCASE_SERVICES_NOTIFY_WORKERS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/events/consumer.h"
#include "common/events/event_source.h"
#include "services/notify/backoff.h"
#include "services/notify/case_facts.h"
#include "services/notify/http_poster.h"
#include "services/notify/notify_metrics.h"
#include "services/notify/outbox.h"
#include "services/notify/routes.h"

namespace gridcase::notify {

struct WorkerOptions {
  std::string consumer;  // unique per replica
  int shards = 16;
  int batch = 64;
  absl::Duration block = absl::Seconds(1);
  absl::Duration claim_idle = absl::Seconds(30);
  int max_deliveries = 10;  // of a stream entry; see events::QuarantineOptions
  int senders = 2;
  absl::Duration lease = absl::Seconds(30);  // > request_timeout
  absl::Duration poll = absl::Milliseconds(250);
  int lease_batch = 16;
  absl::Duration request_timeout = absl::Seconds(5);
  BackoffOptions backoff;
  absl::Duration gauge_interval = absl::Seconds(15);
  // Events older than this are not notified (a first deployment reading
  // the streams' history, a long outage); zero: no limit.
  absl::Duration max_event_age = absl::Hours(24);
};

class Workers {
 public:
  Workers(Outbox* outbox, CaseFacts* cases, events::EventSource* events,
          HttpPoster* http, const Routes* routes, std::string secret,
          NotifyMetrics* metrics, const Clock* clock, WorkerOptions options);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void Start();
  void Stop();

  // One status per entry (OK: its deliveries are in the outbox).
  std::vector<absl::Status> Handle(
      const std::vector<events::StreamEntry>& entries);
  // The deliveries one event makes (none when nobody is routed, or the
  // event is older than max_event_age).
  absl::StatusOr<std::vector<NewDelivery>> Deliveries(
      const v1::CaseEvent& event);
  // One round on `shard`: lease what is due, send, settle. The number of
  // deliveries attempted.
  absl::StatusOr<int> SendDue(int shard);

 private:
  void SenderLoop(int index);
  void GaugeLoop();
  void Send(const Leased& leased);

  Outbox* outbox_;
  CaseFacts* cases_;
  events::EventSource* events_;
  HttpPoster* http_;
  const Routes* routes_;
  std::string secret_;
  NotifyMetrics* metrics_;
  const Clock* clock_;
  WorkerOptions options_;
  events::Loops loops_;  // last: stopped first
};

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_WORKERS_H_
