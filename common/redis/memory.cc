#include "common/redis/memory.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"

namespace gridcase::redis {

absl::StatusOr<MemoryInfo> ParseMemoryInfo(absl::string_view info) {
  MemoryInfo memory;
  bool found_used = false;
  for (absl::string_view line : absl::StrSplit(info, '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    if (kv.first == "used_memory") {
      found_used = absl::SimpleAtoi(kv.second, &memory.used_memory);
    } else if (kv.first == "mem_not_counted_for_evict") {
      (void)absl::SimpleAtoi(kv.second, &memory.not_counted);
    } else if (kv.first == "maxmemory") {
      (void)absl::SimpleAtoi(kv.second, &memory.maxmemory);
    } else if (kv.first == "maxmemory_policy") {
      memory.policy = std::string(kv.second);
    }
  }
  if (!found_used) {
    return absl::InternalError("INFO memory: no used_memory");
  }
  return memory;
}

bool IsFull(const MemoryInfo& memory) {
  return memory.maxmemory > 0 && memory.policy == "noeviction" &&
         memory.used_memory - memory.not_counted > memory.maxmemory;
}

absl::Status CheckNotFull(RedisClient& redis) {
  Args info = {"INFO", "memory"};
  ASSIGN_OR_RETURN(std::vector<std::vector<Reply>> masters,
                   redis.OnEveryMaster(absl::MakeConstSpan(&info, 1)));
  for (const std::vector<Reply>& replies : masters) {
    RETURN_IF_ERROR(replies.front().ToStatus());
    ASSIGN_OR_RETURN(MemoryInfo memory, ParseMemoryInfo(replies.front().str()));
    if (IsFull(memory)) return absl::ResourceExhaustedError(kStoreFull);
  }
  return absl::OkStatus();
}

}  // namespace gridcase::redis
