#include "services/notify/notify_metrics.h"

#include <string>

#include "absl/strings/ascii.h"
#include "services/notify/routes.h"

namespace gridcase::notify {
namespace {

int Index(int value, int size) {
  return value >= 0 && value < size ? value : 0;
}

}  // namespace

NotifyMetrics::NotifyMetrics(prometheus::Registry& registry)
    : dead_letters_(registry, "notify") {
  auto& deliveries = prometheus::BuildCounter()
                         .Name("gridcase_notify_deliveries_total")
                         .Help(
                             "Delivery attempts by channel and result: sent, "
                             "retry, dead, stale (settled too late).")
                         .Register(registry);
  auto& dead = prometheus::BuildCounter()
                   .Name("gridcase_notify_dead_letters_total")
                   .Help("Deliveries given up, by channel.")
                   .Register(registry);
  auto& created = prometheus::BuildCounter()
                      .Name("gridcase_notify_outbox_created_total")
                      .Help("Deliveries written to the outbox, by channel.")
                      .Register(registry);
  auto& skipped = prometheus::BuildCounter()
                      .Name("gridcase_notify_recipients_skipped_total")
                      .Help(
                          "Routed recipients that no configured endpoint or "
                          "known contact reaches, by kind.")
                      .Register(registry);
  auto& events = prometheus::BuildCounter()
                     .Name("gridcase_notify_events_total")
                     .Help(
                         "Case events consumed: routed (deliveries "
                         "written), unrouted (nobody to tell), error, "
                         "too_old (older than --max_event_age).")
                     .Register(registry);
  auto gauges =
      [&](const char* name,
          const char* help) -> prometheus::Family<prometheus::Gauge>& {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
  };
  due_ = &gauges("gridcase_notify_outbox_due",
                 "Deliveries due now and not leased, over every shard.")
              .Add({});
  lag_ = &gauges("gridcase_notify_consumer_lag_entries",
                 "Stream entries not yet delivered to the notify group.")
              .Add({});
  pending_ = &gauges("gridcase_notify_consumer_pending_entries",
                     "Entries delivered to notify but not acknowledged.")
                  .Add({});
  const char* results[] = {"sent", "retry", "dead", "stale"};
  for (int c = 1; c < kChannels; ++c) {
    std::string channel =
        absl::AsciiStrToLower(ChannelName(static_cast<v1::NotifyChannel>(c)));
    for (int r = 0; r < 4; ++r) {
      attempts_[c][r] =
          &deliveries.Add({{"channel", channel}, {"result", results[r]}});
    }
    dead_[c] = &dead.Add({{"channel", channel}});
    created_[c] = &created.Add({{"channel", channel}});
  }
  attempts_[0] = attempts_[1];
  dead_[0] = dead_[1];
  created_[0] = created_[1];
  for (int k = 1; k < kKinds; ++k) {
    skipped_[k] = &skipped.Add(
        {{"kind",
          absl::AsciiStrToLower(KindName(static_cast<v1::RecipientKind>(k)))}});
  }
  skipped_[0] = skipped_[1];
  const char* outcomes[] = {"routed", "unrouted", "error", "too_old"};
  for (int i = 0; i < 4; ++i)
    events_[i] = &events.Add({{"outcome", outcomes[i]}});
}

void NotifyMetrics::Attempt(v1::NotifyChannel channel, Outcome outcome) {
  int c = Index(channel, kChannels);
  attempts_[c][static_cast<int>(outcome)]->Increment();
  if (outcome == Outcome::kDead) dead_[c]->Increment();
}

void NotifyMetrics::Stale(v1::NotifyChannel channel) {
  attempts_[Index(channel, kChannels)][3]->Increment();
}

void NotifyMetrics::Created(v1::NotifyChannel channel, int n) {
  created_[Index(channel, kChannels)]->Increment(n);
}

void NotifyMetrics::Skipped(v1::RecipientKind kind) {
  skipped_[Index(kind, kKinds)]->Increment();
}

void NotifyMetrics::Event(EventOutcome outcome) {
  events_[static_cast<int>(outcome)]->Increment();
}

void NotifyMetrics::SetDue(int64_t due) { due_->Set(static_cast<double>(due)); }

void NotifyMetrics::SetLag(int64_t lag, int64_t pending) {
  lag_->Set(static_cast<double>(lag));
  pending_->Set(static_cast<double>(pending));
}

}  // namespace gridcase::notify
