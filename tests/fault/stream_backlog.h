// StreamBacklog: what the consumer groups (dispatch, stats) still have to do
// on the shard event streams: entries delivered but not acknowledged
// (pending) and entries not yet delivered. The fault suite counts only once
// the backlog is empty and the streams have stopped growing.
#ifndef GRIDCASE_TESTS_FAULT_STREAM_BACKLOG_H_
#define GRIDCASE_TESTS_FAULT_STREAM_BACKLOG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"

namespace gridcase::fault {

struct StreamBacklog {
  int64_t entries = 0;      // entries on all shard streams
  int64_t pending = 0;      // delivered to a consumer, not acknowledged
  int64_t undelivered = 0;  // groups whose last delivery is not the last entry
  std::vector<std::string> problems;  // e.g. "{s:3}:events: no group stats"
  bool empty() const {
    return pending == 0 && undelivered == 0 && problems.empty();
  }
};

// Reads the backlog of `groups` on every shard stream.
absl::StatusOr<StreamBacklog> ReadBacklog(
    redis::RedisClient* redis, int shards,
    const std::vector<std::string>& groups);

// Polls until the backlog is empty and the streams held the same entries
// for `quiet`, or `timeout` passes. Returns the last backlog read.
StreamBacklog AwaitDrained(redis::RedisClient* redis, int shards,
                           const std::vector<std::string>& groups,
                           absl::Duration quiet, absl::Duration timeout);

}  // namespace gridcase::fault

#endif  // GRIDCASE_TESTS_FAULT_STREAM_BACKLOG_H_
