// EventSource: the shard event streams as one consumer group sees them
// ("dispatch", "stats"). The replicas of a service share its group, so each
// entry goes to one of them; an entry is acknowledged after it was handled,
// and entries left pending by a crashed consumer are claimed (XAUTOCLAIM) by
// another after `min_idle`. Delivery is at-least-once: handlers must be
// idempotent. An entry the group cannot handle is moved to the shard's
// dead-letter stream (quarantine.h decides when).
#ifndef GRIDCASE_COMMON_EVENTS_EVENT_SOURCE_H_
#define GRIDCASE_COMMON_EVENTS_EVENT_SOURCE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "common/store/stream_entry.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::events {

// One stream entry (the codec: common/store/stream_entry.h); its event is
// store::ToCaseEvent(entry).
using StreamEntry = store::StreamEntry;

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Creates the group on every shard stream if missing (from the start).
  virtual absl::Status EnsureGroups() = 0;
  // New entries for `consumer`, waiting up to `block`.
  virtual absl::StatusOr<std::vector<StreamEntry>> Read(
      const std::string& consumer, int count, absl::Duration block) = 0;
  // Entries pending longer than `min_idle` on any consumer, now `consumer`'s.
  virtual absl::StatusOr<std::vector<StreamEntry>> Claim(
      const std::string& consumer, absl::Duration min_idle, int count) = 0;
  virtual absl::Status Ack(const StreamEntry& entry) = 0;
  // Acknowledges a batch in one round trip.
  virtual absl::Status Ack(const std::vector<StreamEntry>& entries) = 0;
  // Quarantines an entry the group cannot handle, atomically: copies it to
  // its shard's dead-letter stream (store::DeadEventsKey) with the group,
  // `consumer`, its delivery count and `error`, and acknowledges it. False
  // (and nothing done) when the entry is no longer pending on `consumer`:
  // acknowledged, or claimed by another consumer, meanwhile.
  virtual absl::StatusOr<bool> DeadLetter(const std::string& consumer,
                                          const StreamEntry& entry,
                                          const absl::Status& error) = 0;
  // Sets the delivery count of an entry pending on `consumer` (XCLAIM
  // RETRYCOUNT), e.g. to not count a delivery that failed for a transient
  // reason.
  virtual absl::Status SetDeliveries(const std::string& consumer,
                                     const StreamEntry& entry,
                                     int64_t deliveries) = 0;
  // Entries not yet delivered to the group, and delivered but not acked,
  // over all shards.
  virtual absl::StatusOr<std::pair<int64_t, int64_t>> Backlog() = 0;
  // The consumer group, e.g. "stats".
  virtual const std::string& group() const = 0;
};

// Dead-letter streams are trimmed to about this many entries per shard
// (XADD MAXLEN ~).
inline constexpr int64_t kDeadLetterMaxLen = 100000;

class RedisEventSource final : public EventSource {
 public:
  RedisEventSource(redis::RedisClient* redis, int shards, std::string group)
      : redis_(redis), shards_(shards), group_(std::move(group)) {}

  absl::Status EnsureGroups() override;
  absl::StatusOr<std::vector<StreamEntry>> Read(const std::string& consumer,
                                                int count,
                                                absl::Duration block) override;
  absl::StatusOr<std::vector<StreamEntry>> Claim(const std::string& consumer,
                                                 absl::Duration min_idle,
                                                 int count) override;
  absl::Status Ack(const StreamEntry& entry) override;
  absl::Status Ack(const std::vector<StreamEntry>& entries) override;
  absl::StatusOr<bool> DeadLetter(const std::string& consumer,
                                  const StreamEntry& entry,
                                  const absl::Status& error) override;
  absl::Status SetDeliveries(const std::string& consumer,
                             const StreamEntry& entry,
                             int64_t deliveries) override;
  absl::StatusOr<std::pair<int64_t, int64_t>> Backlog() override;
  const std::string& group() const override { return group_; }

 private:
  redis::RedisClient* redis_;
  int shards_;
  std::string group_;
};

}  // namespace gridcase::events

#endif  // GRIDCASE_COMMON_EVENTS_EVENT_SOURCE_H_
