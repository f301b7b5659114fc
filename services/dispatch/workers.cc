#include "services/dispatch/workers.h"

#include <algorithm>
#include <atomic>
#include <thread>

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

void ParallelFor(int n, int parallelism, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < std::min(n, parallelism); ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
}

std::vector<absl::Status> Workers::Handle(
    const std::vector<events::StreamEntry>& entries) {
  std::vector<absl::Status> out(entries.size());
  std::vector<int> reported;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].type == store::EventTypeName(v1::CASE_EVENT_TYPE_REPORTED)) {
      reported.push_back(static_cast<int>(i));
    }
  }
  // Each report is another case: routing them at once is safe (every
  // transition is a compare-and-set) and keeps the registry and Redis
  // waits from adding up.
  ParallelFor(static_cast<int>(reported.size()), options_.route_parallelism,
              [&](int k) {
                const int i = reported[k];
                out[i] = HandleOne(entries[i]);
              });
  return out;
}

absl::Status Workers::HandleOne(const events::StreamEntry& e) {
  absl::StatusOr<std::string> outcome = router_.HandleReported(e.case_id);
  if (!outcome.ok()) {
    // Retried at a later claim, or quarantined if it cannot be handled.
    metrics_->Consumed("error");
    log::Warn("auto-routing failed; will retry",
              {{"case_id", e.case_id},
               {"deliveries", e.deliveries},
               {"error", std::string(outcome.status().message())}});
    return outcome.status();
  }
  metrics_->Consumed(*outcome);
  return absl::OkStatus();
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
