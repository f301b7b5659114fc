// StreamTrimmer: keeps the shard event streams ({s:N}:events) short. An
// entry stays until every consumer group that must see it (by default
// "dispatch" and "stats") has acknowledged it, and for `keep` after it was
// added, so that WatchCases clients can resume after a short disconnect.
// Then it goes: the stream is trimmed to the oldest entry still needed
// (XTRIM MINID, exact), not to a fixed length. Every event stays in its
// case's timeline, which `gridcase-stats rebuild` reads, so a trimmed entry
// is never lost. The XADD MAXLEN cap of the writers remains a backstop for
// a group that stopped reading.
//
// A stream on which a required group does not exist yet is left alone: the
// group would be created later at the stream's start and must find every
// entry there. Trimming is idempotent, so every replica may run it.
#ifndef GRIDCASE_COMMON_EVENTS_STREAM_TRIMMER_H_
#define GRIDCASE_COMMON_EVENTS_STREAM_TRIMMER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/events/consumer.h"
#include "common/redis/redis_client.h"
#include "common/redis/stream_id.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace gridcase::events {

// Where one consumer group stands on a stream (XINFO GROUPS, XPENDING).
struct GroupPosition {
  std::string name;
  redis::StreamId last_delivered;
  // The oldest entry delivered but not acknowledged, if any.
  std::optional<redis::StreamId> oldest_pending;
};

// The id below which every entry may go (XTRIM MINID): the oldest entry a
// group in `required` still needs (its oldest pending entry, or the one
// after its last delivered entry), and no later than `now_ms` - `keep`.
// nullopt when a required group is missing from `groups`.
std::optional<redis::StreamId> TrimPoint(
    const std::vector<GroupPosition>& groups,
    const std::vector<std::string>& required, uint64_t now_ms,
    absl::Duration keep);

struct TrimOptions {
  int shards = 16;
  std::vector<std::string> groups = {"dispatch", "stats"};
  absl::Duration keep = absl::Minutes(10);
};

struct TrimResult {
  int64_t removed = 0;         // entries, over all shards
  int64_t missing_groups = 0;  // streams left alone: a group is missing
};

// Trims every shard stream once.
absl::StatusOr<TrimResult> TrimStreams(redis::RedisClient& redis,
                                       const TrimOptions& options);

// Trims every `interval` on a thread of its own, from Start() until
// destroyed. Exports gridcase_events_trimmed_total (entries removed) and
// gridcase_events_untrimmed_streams (streams left alone at the last pass
// because a required group is missing).
class StreamTrimLoop {
 public:
  StreamTrimLoop(redis::RedisClient* redis, TrimOptions options,
                 absl::Duration interval, prometheus::Registry& metrics);
  ~StreamTrimLoop() { loops_.Stop(); }
  StreamTrimLoop(const StreamTrimLoop&) = delete;
  StreamTrimLoop& operator=(const StreamTrimLoop&) = delete;

  void Start();

 private:
  redis::RedisClient* redis_;
  const TrimOptions options_;
  const absl::Duration interval_;
  prometheus::Counter& trimmed_;
  prometheus::Gauge& untrimmed_;
  Loops loops_;  // last: stopped first
};

}  // namespace gridcase::events

#endif  // GRIDCASE_COMMON_EVENTS_STREAM_TRIMMER_H_
