#include "services/dispatch/workers.h"

#include "common/log/log.h"

namespace gridcase::dispatch {

Workers::Workers(Transitions* transitions, events::EventSource* events,
                 DispatchMetrics* metrics, WorkerOptions options)
    : transitions_(transitions),
      events_(events),
      metrics_(metrics),
      options_(std::move(options)),
      router_(transitions) {}

Workers::~Workers() { Stop(); }

void Workers::Start() {
  threads_.emplace_back([this] { ConsumeLoop(); });
  threads_.emplace_back([this] { ScanLoop(); });
  threads_.emplace_back([this] { GaugeLoop(); });
}

void Workers::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool Workers::Sleep(absl::Duration d) {
  absl::Time until = absl::Now() + d;
  while (!stop_ && absl::Now() < until) {
    absl::SleepFor(std::min(absl::Milliseconds(50), until - absl::Now()));
  }
  return !stop_;
}

void Workers::Handle(const std::vector<events::StreamEntry>& entries) {
  for (const events::StreamEntry& e : entries) {
    if (e.type != "case.reported") {
      (void)events_->Ack(e);
      continue;
    }
    absl::StatusOr<std::string> outcome = router_.HandleReported(e.case_id);
    if (!outcome.ok()) {
      // Left pending: this consumer retries it at its next claim.
      metrics_->Consumed("error");
      log::Warn("auto-routing failed; will retry",
                {{"case_id", e.case_id},
                 {"error", std::string(outcome.status().message())}});
      continue;
    }
    metrics_->Consumed(*outcome);
    (void)events_->Ack(e);
  }
}

void Workers::ConsumeLoop() {
  while (!stop_) {
    absl::Status s = events_->EnsureGroups();
    if (s.ok()) break;
    log::Warn("cannot create consumer groups; retrying",
              {{"error", std::string(s.message())}});
    if (!Sleep(absl::Seconds(1))) return;
  }
  absl::Time next_claim = absl::InfinitePast();
  while (!stop_) {
    if (absl::Now() >= next_claim) {
      absl::StatusOr<std::vector<events::StreamEntry>> claimed =
          events_->Claim(options_.consumer, options_.claim_idle, 100);
      if (claimed.ok()) Handle(*claimed);
      next_claim = absl::Now() +
                   std::max(options_.claim_idle / 2, absl::Milliseconds(200));
    }
    absl::StatusOr<std::vector<events::StreamEntry>> read =
        events_->Read(options_.consumer, 64, options_.block);
    if (!read.ok()) {
      log::Warn("consumer read failed; retrying",
                {{"error", std::string(read.status().message())}});
      if (!Sleep(absl::Milliseconds(500))) return;
      continue;
    }
    Handle(*read);
  }
}

void Workers::ScanLoop() {
  while (Sleep(options_.scan_interval)) {
    bool ok = true;
    for (int shard = 0; shard < options_.shards && !stop_; ++shard) {
      absl::StatusOr<int> n = transitions_->ScanShard(shard);
      if (!n.ok()) {
        ok = false;
        log::Warn("scanner pass failed",
                  {{"shard", std::to_string(shard)},
                   {"error", std::string(n.status().message())}});
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
  } while (Sleep(options_.gauge_interval));
}

}  // namespace gridcase::dispatch
