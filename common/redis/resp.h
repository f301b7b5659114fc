// Turning hiredis replies into Reply values: for the pool, which converts
// each reply as it arrives, and DecodeResp for RESP text recorded from a
// server (unit tests replay recorded replies through it).
#ifndef GRIDCASE_COMMON_REDIS_RESP_H_
#define GRIDCASE_COMMON_REDIS_RESP_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/reply.h"

struct redisReply;

namespace gridcase::redis {

// A deep copy of a hiredis reply.
Reply FromHiredis(const redisReply* reply);

// The one reply `resp` (RESP2 text, e.g. "*1\r\n:5\r\n") holds; INTERNAL
// when it is malformed, incomplete, or followed by more.
absl::StatusOr<Reply> DecodeResp(absl::string_view resp);

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_RESP_H_
