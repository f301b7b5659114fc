// WatchHub: the one reader of each shard's event stream in an intake process,
// fanning every new entry out to the open WatchCases streams.
//
// Before the hub, each WatchCases stream held a pooled Redis connection in a
// blocking XREAD, so a few hundred watchers starved reports, reads and the
// health check of connections (issue #16). Now:
// - each shard has one reader thread on its own Redis connection (not from
//   the request pool), reading after the hub's position ("tail") of that
//   shard and handing each entry to every subscription of the shard;
// - a subscription buffers at most `buffer_events` entries it wants; one that
//   falls further behind is marked overflowed and takes nothing more, so a
//   slow stream never blocks the readers or other streams (its writer then
//   ends the stream, telling the client to resume with its token);
// - Subscribe admits at most `max_streams` subscriptions and at most
//   `max_per_caller` per subject, else RESOURCE_EXHAUSTED naming the limit.
//
// Resume without loss or repetition: Subscribe returns the hub's tail of each
// shard at the moment of joining; every entry after it is delivered to the
// subscription, so the stream reads (its position, joined_at] itself (a short
// XRANGE on the request pool) and skips delivered entries at or before its
// position.
#ifndef GRIDCASE_SERVICES_INTAKE_WATCH_HUB_H_
#define GRIDCASE_SERVICES_INTAKE_WATCH_HUB_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/intake/case_store.h"
#include "services/intake/intake_metrics.h"

namespace gridcase::intake {

struct WatchLimits {
  int max_streams = 2048;    // open subscriptions in this process
  int max_per_caller = 32;   // open subscriptions of one subject
  int buffer_events = 1000;  // wanted entries one subscription may queue
  absl::Duration block = absl::Seconds(1);  // one reader XREAD's wait
  int batch = 256;                          // entries one XREAD takes
};

// Checks the limits; the message names the flag and the rule.
absl::Status ValidateWatchLimits(const WatchLimits& limits);

class WatchHub;

// One WatchCases stream's place in the hub. Destroying it leaves the hub.
class WatchSubscription final {
 public:
  using Positions = std::map<int, std::string>;  // shard -> stream id

  ~WatchSubscription();
  WatchSubscription(const WatchSubscription&) = delete;
  WatchSubscription& operator=(const WatchSubscription&) = delete;

  // The hub's tail of each watched shard when the subscription joined:
  // every entry after it is (or will be) queued here if wanted.
  const Positions& joined_at() const { return joined_at_; }

  enum class Next { kEvents, kIdle, kOverflowed, kClosed };
  // Waits up to `timeout` for queued events and moves them to `out`
  // (kEvents). kIdle when nothing came; then `*latest` holds, per shard,
  // the newest entry the hub has offered (wanted or not), so that a
  // heartbeat's resume token can move past unwanted entries. kOverflowed
  // once the queue is empty after the stream fell too far behind; kClosed
  // when the hub stopped.
  Next Wait(absl::Duration timeout,
            std::vector<std::shared_ptr<const StreamEvent>>* out,
            Positions* latest);

 private:
  friend class WatchHub;
  WatchSubscription(WatchHub* hub, std::string subject, std::vector<int> shards,
                    std::function<bool(const v1::CaseEvent&)> wanted,
                    int buffer_events, Positions joined_at);
  // Called by a shard reader with the hub's lock held.
  void Offer(const std::shared_ptr<const StreamEvent>& event);
  void Close();

  WatchHub* const hub_;
  const std::string subject_;
  const std::vector<int> shards_;
  const std::function<bool(const v1::CaseEvent&)> wanted_;
  const int buffer_events_;
  const Positions joined_at_;

  absl::Mutex mu_;
  std::deque<std::shared_ptr<const StreamEvent>> queue_ ABSL_GUARDED_BY(mu_);
  Positions latest_ ABSL_GUARDED_BY(mu_);
  bool overflowed_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

class WatchHub final {
 public:
  // `readers[s]` reads shard s on a connection of its own; `metrics` may be
  // null (tests).
  WatchHub(std::vector<CaseStore*> readers, WatchLimits limits,
           IntakeMetrics* metrics);
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Starts one reader thread per shard. Each first reads its shard's tail,
  // retrying while Redis is unreachable; Start returns once all have (or
  // after 2 s).
  void Start();
  // Stops the readers and closes every subscription. Idempotent.
  void Stop();

  // Joins the streams of `shards` for `subject`. RESOURCE_EXHAUSTED naming
  // the limit when the caller or the process has too many streams open;
  // UNAVAILABLE when a shard's reader has not read its tail within 5 s.
  absl::StatusOr<std::unique_ptr<WatchSubscription>> Subscribe(
      const std::string& subject, const std::vector<int>& shards,
      std::function<bool(const v1::CaseEvent&)> wanted);

  // True once every reader has read its shard's tail (for readiness).
  bool ready() const;
  int open_streams() const;
  const WatchLimits& limits() const { return limits_; }

 private:
  friend class WatchSubscription;
  struct Shard {
    bool ready = false;  // tail read from Redis
    std::string tail;    // newest entry handed out (or the start point)
    std::vector<WatchSubscription*> subscribers;
  };

  void ReadLoop(int shard);
  void Leave(WatchSubscription* s);
  // Sleeps up to `d` unless stopping; false when stopping.
  bool Pause(absl::Duration d);

  const std::vector<CaseStore*> readers_;
  const WatchLimits limits_;
  IntakeMetrics* const metrics_;

  mutable absl::Mutex mu_;
  std::vector<Shard> shards_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> per_caller_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;

  absl::Notification stopping_;
  std::vector<std::thread> threads_;
};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_WATCH_HUB_H_
