#include "common/events/consumer.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"

namespace gridcase::events {

void Loops::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool Loops::Sleep(absl::Duration d) const {
  absl::Time until = absl::Now() + d;
  while (!stop_ && absl::Now() < until) {
    absl::SleepFor(std::min(absl::Milliseconds(50), until - absl::Now()));
  }
  return !stop_;
}

void Consume(EventSource* source, const ConsumerOptions& options,
             DeadLetterMetrics* dead_letters, const Loops& loops,
             const BatchHandler& handle) {
  Quarantine quarantine(
      source, dead_letters,
      {.consumer = options.consumer, .max_deliveries = options.max_deliveries});
  auto deliver = [&](std::vector<StreamEntry> entries) {
    if (entries.empty()) return;
    quarantine.Settle(entries, handle(entries));
  };
  while (!loops.stopping()) {
    absl::Status s = source->EnsureGroups();
    if (s.ok()) break;
    log::Warn("cannot create consumer groups; retrying",
              {{"error", std::string(s.message())}});
    if (!loops.Sleep(absl::Seconds(1))) return;
  }
  absl::Time next_claim = absl::InfinitePast();
  while (!loops.stopping()) {
    if (absl::Now() >= next_claim) {
      absl::StatusOr<std::vector<StreamEntry>> claimed =
          source->Claim(options.consumer, options.claim_idle, options.batch);
      if (claimed.ok()) deliver(quarantine.Screen(*std::move(claimed)));
      next_claim = absl::Now() +
                   std::max(options.claim_idle / 2, absl::Milliseconds(200));
    }
    absl::StatusOr<std::vector<StreamEntry>> read =
        source->Read(options.consumer, options.batch, options.block);
    if (!read.ok()) {
      log::Warn("consumer read failed; retrying",
                {{"error", std::string(read.status().message())}});
      if (!loops.Sleep(absl::Milliseconds(500))) return;
      continue;
    }
    deliver(*std::move(read));
  }
}

std::string DefaultConsumerName() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

}  // namespace gridcase::events
