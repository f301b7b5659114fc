#include "services/dispatch/workers.h"

#include "common/log/log.h"
#include "common/store/event_type.h"

namespace gridcase::dispatch {

Workers::Workers(Transitions* transitions, events::EventSource* events,
                 DispatchMetrics* metrics, WorkerOptions options)
    : transitions_(transitions),
      events_(events),
      metrics_(metrics),
      options_(std::move(options)),
      router_(transitions, options_.self_handle_grace) {}

Workers::~Workers() { Stop(); }

void Workers::Start() {
  loops_.Run([this] {
    events::Consume(events_,
                    {.consumer = options_.consumer,
                     .block = options_.block,
                     .claim_idle = options_.claim_idle,
                     .max_deliveries = options_.max_deliveries},
                    &metrics_->dead_letters(), loops_,
                    [this](const auto& entries) { return Handle(entries); });
  });
  loops_.Run([this] { ScanLoop(); });
  loops_.Run([this] { GaugeLoop(); });
}

void Workers::Stop() { loops_.Stop(); }

std::vector<absl::Status> Workers::Handle(
    const std::vector<events::StreamEntry>& entries) {
  std::vector<absl::Status> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const events::StreamEntry& e = entries[i];
    if (e.type != store::EventTypeName(v1::CASE_EVENT_TYPE_REPORTED)) continue;
    absl::StatusOr<std::string> outcome = router_.HandleReported(e.case_id);
    if (!outcome.ok()) {
      // Retried at a later claim, or quarantined if it cannot be handled.
      metrics_->Consumed("error");
      log::Warn("auto-routing failed; will retry",
                {{"case_id", e.case_id},
                 {"deliveries", e.deliveries},
                 {"error", std::string(outcome.status().message())}});
      out[i] = outcome.status();
      continue;
    }
    metrics_->Consumed(*outcome);
  }
  return out;
}

void Workers::ScanLoop() {
  while (loops_.Sleep(options_.scan_interval)) {
    bool ok = true;
    for (int shard = 0; shard < options_.shards && !loops_.stopping();
         ++shard) {
      absl::StatusOr<int> n = transitions_->ScanShard(shard);
      if (!n.ok()) {
        ok = false;
        log::Warn("scanner pass failed",
                  {{"shard", std::to_string(shard)},
                   {"error", std::string(n.status().message())}});
      }
      absl::StatusOr<int> routed = router_.RouteDeferred(shard);
      if (!routed.ok()) {
        ok = false;
        log::Warn("routing held-back reports failed; will retry",
                  {{"shard", std::to_string(shard)},
                   {"error", std::string(routed.status().message())}});
      }
    }
    if (ok)
      metrics_->ScannerRan(
          absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  }
}

void Workers::GaugeLoop() {
  do {
    absl::StatusOr<Gauges> g = transitions_->store().ReadGauges();
    if (g.ok()) metrics_->SetGauges(*g);
    absl::StatusOr<std::pair<int64_t, int64_t>> b = events_->Backlog();
    if (b.ok()) metrics_->SetLag(b->first, b->second);
  } while (loops_.Sleep(options_.gauge_interval));
}

}  // namespace gridcase::dispatch
