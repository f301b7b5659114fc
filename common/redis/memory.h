// Whether Redis can store more: the readiness side of "Redis is full"
// (issue #16). Redis refuses writes with OOM once maxmemory is reached under
// the noeviction policy (the store then answers RESOURCE_EXHAUSTED
// kStoreFull); readiness reports NOT_SERVING for as long as that lasts.
#ifndef GRIDCASE_COMMON_REDIS_MEMORY_H_
#define GRIDCASE_COMMON_REDIS_MEMORY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"

namespace gridcase::redis {

// The fields of INFO memory that decide whether Redis refuses writes.
struct MemoryInfo {
  int64_t used_memory = 0;
  // Replication and AOF buffers, which Redis leaves out of the comparison.
  int64_t not_counted = 0;
  int64_t maxmemory = 0;  // 0: no limit
  std::string policy;     // maxmemory_policy, e.g. "noeviction"
};

// Parses the text of INFO memory; INTERNAL when used_memory is missing.
absl::StatusOr<MemoryInfo> ParseMemoryInfo(absl::string_view info);

// True when Redis refuses denyoom commands (SET, XADD, EVAL of a writing
// script): maxmemory set, policy noeviction, and used memory less the
// buffers above it. With an eviction policy Redis makes room instead.
bool IsFull(const MemoryInfo& memory);

// OK, or RESOURCE_EXHAUSTED kStoreFull when Redis (any master of a cluster)
// is full; the call's own error when INFO memory fails.
absl::Status CheckNotFull(RedisClient& redis);

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_MEMORY_H_
