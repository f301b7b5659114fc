// NotifyMetrics: gridcase-notify's Prometheus series, every one created up
// front with fixed label values (channel, result, kind).
//   gridcase_notify_deliveries_total{channel, result}  attempts by result:
//       sent, retry, dead (a retry that reached the limit counts as dead),
//       stale (settled after its lease ran out; ignored)
//   gridcase_notify_dead_letters_total{channel}
//   gridcase_notify_outbox_created_total{channel}  deliveries written
//   gridcase_notify_recipients_skipped_total{kind}  routed recipients no
//       endpoint or contact reaches
//   gridcase_notify_events_total{outcome}  events consumed: routed,
//       unrouted, error, too_old (older than --max_event_age)
//   gridcase_notify_outbox_due  deliveries due now, not leased (backlog)
//   gridcase_notify_consumer_lag_entries, _pending_entries
//   gridcase_events_dead_lettered_total{group="notify", reason}
#ifndef GRIDCASE_SERVICES_NOTIFY_NOTIFY_METRICS_H_
#define GRIDCASE_SERVICES_NOTIFY_NOTIFY_METRICS_H_

#include <array>
#include <cstdint>

#include "common/events/quarantine.h"
#include "gridcase/v1/notify.pb.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/notify/backoff.h"

namespace gridcase::notify {

class NotifyMetrics final {
 public:
  explicit NotifyMetrics(prometheus::Registry& registry);
  NotifyMetrics(const NotifyMetrics&) = delete;
  NotifyMetrics& operator=(const NotifyMetrics&) = delete;

  void Attempt(v1::NotifyChannel channel, Outcome outcome);
  void Stale(v1::NotifyChannel channel);
  void Created(v1::NotifyChannel channel, int n);
  void Skipped(v1::RecipientKind kind);
  enum class EventOutcome {
    kRouted = 0,
    kUnrouted = 1,
    kError = 2,
    kTooOld = 3
  };
  void Event(EventOutcome outcome);
  void SetDue(int64_t due);
  void SetLag(int64_t lag, int64_t pending);
  events::DeadLetterMetrics& dead_letters() { return dead_letters_; }

 private:
  static constexpr int kChannels = 4;  // NotifyChannel values
  static constexpr int kKinds = 6;     // RecipientKind values
  // [channel][sent, retry, dead, stale]
  std::array<std::array<prometheus::Counter*, 4>, kChannels> attempts_{};
  std::array<prometheus::Counter*, kChannels> dead_{};
  std::array<prometheus::Counter*, kChannels> created_{};
  std::array<prometheus::Counter*, kKinds> skipped_{};
  std::array<prometheus::Counter*, 4> events_{};
  prometheus::Gauge* due_;
  prometheus::Gauge* lag_;
  prometheus::Gauge* pending_;
  events::DeadLetterMetrics dead_letters_;
};

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_NOTIFY_METRICS_H_
