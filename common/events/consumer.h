// What every consumer of the shard streams shares: background threads that
// stop together (Loops), the consume loop over a consumer group — create the
// groups, claim what crashed replicas left pending, read new entries — and
// the default consumer name of a replica.
#ifndef GRIDCASE_COMMON_EVENTS_CONSUMER_H_
#define GRIDCASE_COMMON_EVENTS_CONSUMER_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/events/event_source.h"

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
};

// Until `loops` stops: ensures the groups exist, then passes `handle` the
// entries pending longer than claim_idle (checked every claim_idle / 2) and
// the new ones. `handle` acknowledges what it has handled; what it leaves
// unacknowledged is claimed again later.
void Consume(
    EventSource* source, const ConsumerOptions& options, const Loops& loops,
    const std::function<void(const std::vector<StreamEntry>&)>& handle);

// "<hostname>-<pid>": the consumer name of a replica when none is given.
std::string DefaultConsumerName();

}  // namespace gridcase::events

#endif  // GRIDCASE_COMMON_EVENTS_CONSUMER_H_
