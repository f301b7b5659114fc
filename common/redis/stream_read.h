// StreamRead: a read of new entries from several streams at once (XREAD, or
// XREADGROUP for a consumer group), as RedisClient::ReadStreams takes it.
// One Redis reads them all in one command; a Redis Cluster refuses a
// command over keys of several slots (even on one node), so ClusterClient
// reads them one command per stream, a round trip per master.
#ifndef GRIDCASE_COMMON_REDIS_STREAM_READ_H_
#define GRIDCASE_COMMON_REDIS_STREAM_READ_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"

namespace gridcase::redis {

struct StreamRead {
  // Read as consumer `consumer` of the group `group` (XREADGROUP); empty:
  // plain XREAD.
  std::string group;
  std::string consumer;
  int count = 0;  // most entries per stream (COUNT); 0: no limit
  // How long to wait for the first entry (BLOCK); zero: do not wait.
  absl::Duration block = absl::ZeroDuration();
  // Each stream's key and the id to read after (">" for a group's new
  // entries).
  std::vector<std::pair<std::string, std::string>> streams;
};

// The XREAD / XREADGROUP command reading `streams` (positions in
// read.streams) of `read`, waiting up to `block` (none when zero).
std::vector<std::string> StreamReadCommand(const StreamRead& read,
                                           absl::Span<const size_t> streams,
                                           absl::Duration block);

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_STREAM_READ_H_
