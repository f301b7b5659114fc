// Case ids: "<division>-<YYYYMMDD>-<sequence>" (e.g.
// "330483-20260630-000123"). The sequence is counter × shards + shard, with a
// per-shard daily counter (keys.h, SequenceKey), so ids are unique,
// allocated inside the shard's script, and tell their own shard (sequence
// mod shards). Sequences are not dense; the contract allows gaps.
//
// Counters and restores. A restore can set a counter back below numbers
// already handed out: Redis restarted from an AOF that lacks its last second
// (appendfsync everysec and a power loss), a failover to a replica that
// lagged, a backup. So the script that allocates an id notes beside each
// counter (SequenceRunKey) the run_id of the Redis process that last moved
// it. When another process did, or none has yet today but this one may have
// started after the day began, the counter first jumps to the larger of its
// value + kCounterGapAfterRestart + 1 and the milliseconds since the day
// began (by Redis' clock). Every number handed out before the restore stays
// below the jump unless the restore lost more than kCounterGapAfterRestart
// of the counter's values and the counter had run ahead of the clock
// (docs/operations.md, "Case ids after a restore").
#ifndef GRIDCASE_COMMON_STORE_CASE_ID_H_
#define GRIDCASE_COMMON_STORE_CASE_ID_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gridcase::store {

// How far a counter jumps when a restore may have set it back.
inline constexpr int64_t kCounterGapAfterRestart = 100000;

// The day a case id is dated with: "YYYYMMDD" in `tz`, and when it began.
struct CaseDay {
  std::string yyyymmdd;
  absl::Time start;
};
CaseDay CaseDayOf(absl::Time now, absl::TimeZone tz);

struct CaseId {
  std::string division;  // 6 digits
  std::string date;      // YYYYMMDD
  int64_t sequence = 0;
  int shard = 0;
};

// "330483-20260630-000123": at least 6 digits, more after a restore
// ("330483-20260630-576000055").
std::string FormatCaseId(absl::string_view division, absl::string_view yyyymmdd,
                         int64_t sequence);

// Parses a case id; INVALID_ARGUMENT "case_id: ..." when malformed.
absl::StatusOr<CaseId> ParseCaseId(absl::string_view id, int shards);

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_CASE_ID_H_
