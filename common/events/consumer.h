// What every consumer of the shard streams shares: background threads that
// stop together (Loops), the consume loop over a consumer group — create the
// groups, claim what crashed replicas left pending, read new entries, hand
// them to the service and settle each by its outcome (acknowledge, retry or
// quarantine, quarantine.h) — and the default consumer name of a replica.
#ifndef GRIDCASE_COMMON_EVENTS_CONSUMER_H_
#define GRIDCASE_COMMON_EVENTS_CONSUMER_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/events/event_source.h"
#include "common/events/quarantine.h"

namespace gridcase::events {

// Threads that run until Stop(); each polls Sleep() or stopping().
class Loops {
 public:
  Loops() = default;
  ~Loops() { Stop(); }
  Loops(const Loops&) = delete;
  Loops& operator=(const Loops&) = delete;

  void Run(std::function<void()> loop) {
    threads_.emplace_back(std::move(loop));
  }
  // Asks every loop to end and waits for them.
  void Stop();
  bool stopping() const { return stop_; }
  // Sleeps up to `d`; false (early) once stopping.
  bool Sleep(absl::Duration d) const;

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

struct ConsumerOptions {
  std::string consumer;  // unique per replica
  int batch = 64;
  absl::Duration block = absl::Seconds(1);
  absl::Duration claim_idle = absl::Seconds(30);
  // See QuarantineOptions.
  int max_deliveries = 10;
};

// A service's handling of a batch: one status per entry, in order. OK
// means handled (the entry is acknowledged); an error says why not
// (quarantine.h: retried or dead-lettered by its code).
using BatchHandler =
    std::function<std::vector<absl::Status>(const std::vector<StreamEntry>&)>;

// Until `loops` stops: ensures the groups exist, then passes `handle` the
// entries pending longer than claim_idle (checked every claim_idle / 2;
// those delivered more than max_deliveries times are dead-lettered
// instead) and the new ones, and settles each entry by its status.
// `dead_letters` may be null.
void Consume(EventSource* source, const ConsumerOptions& options,
             DeadLetterMetrics* dead_letters, const Loops& loops,
             const BatchHandler& handle);

// "<hostname>-<pid>": the consumer name of a replica when none is given.
std::string DefaultConsumerName();

}  // namespace gridcase::events

#endif  // GRIDCASE_COMMON_EVENTS_CONSUMER_H_
