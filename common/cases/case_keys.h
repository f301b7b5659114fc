// Case identity and Redis keys shared by the services that touch cases.
//
// Every key of one case carries its shard's hash tag {s:N}, so each case
// operation is one Lua script on one slot. N = fnv1a32(town code) mod the
// shard count, which is fixed for the life of a deployment.
//
// Case ids are "<division>-<YYYYMMDD>-<sequence>" (e.g.
// "330483-20260630-000123"): the sequence is counter × shards + shard, with a
// per-shard daily counter, so ids are unique, allocated inside the shard's
// script, and tell their own shard (sequence mod shards). Sequences are not
// dense; the contract allows gaps.
//
// Counters and restores. A restore can set a counter back below numbers
// already handed out: Redis restarted from an AOF that lacks its last second
// (appendfsync everysec and a power loss), a failover to a replica that
// lagged, a backup. So the report script notes beside each counter
// (SequenceRunKey) the run_id of the Redis process that last moved it. When
// another process did, or none has yet today but this one may have started
// after the day began, the counter first jumps to the larger of its value
// + kCounterGapAfterRestart + 1 and the milliseconds since the day began (by
// Redis' clock). Every number handed out before the restore stays below the
// jump unless the restore lost more than kCounterGapAfterRestart of the
// counter's values and the counter had run ahead of the clock
// (docs/operations.md, "Case ids after a restore").
#ifndef GRIDCASE_COMMON_CASES_CASE_KEYS_H_
#define GRIDCASE_COMMON_CASES_CASE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace gridcase::cases {

// The shard of a town.
int ShardOf(absl::string_view town_code, int shards);

// "{s:7}"
std::string Tag(int shard);

// Keys of shard `shard`.
std::string CaseKey(int shard, absl::string_view case_id);
std::string TimelineKey(int shard, absl::string_view case_id);
std::string FollowersKey(int shard, absl::string_view case_id);
std::string IdempotencyKey(int shard, absl::string_view scope);
// The idempotency scope of a caller's request id: "<length of
// subject>:<subject>:<request_id>", so that no two (subject, request_id)
// pairs share one even when subjects contain ':' ("wx:a" + "b:c" and
// "wx:a:b" + "c" differ).
std::string IdempotencyScope(absl::string_view subject,
                             absl::string_view request_id);
std::string SequenceKey(int shard, absl::string_view division,
                        absl::string_view yyyymmdd);
// The run_id of the Redis process that last moved SequenceKey.
std::string SequenceRunKey(int shard, absl::string_view division,
                           absl::string_view yyyymmdd);
std::string EventsKey(int shard);
// "{s:N}:events:dead": entries of EventsKey(shard) that a consumer group
// could not handle, each with the group, the error and the original fields
// (common/events/event_source.h).
std::string DeadEventsKey(int shard);
std::string GeoOpenKey(int shard, absl::string_view category_code);
// Every reported (not merged) case with its location, for ListNearby.
std::string GeoCasesKey(int shard);
std::string IndexKey(int shard, absl::string_view kind,
                     absl::string_view value);

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

}  // namespace gridcase::cases

#endif  // GRIDCASE_COMMON_CASES_CASE_KEYS_H_
