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
#ifndef GRIDCASE_COMMON_CASES_CASE_KEYS_H_
#define GRIDCASE_COMMON_CASES_CASE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

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
std::string SequenceKey(int shard, absl::string_view division,
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

struct CaseId {
  std::string division;  // 6 digits
  std::string date;      // YYYYMMDD
  int64_t sequence = 0;
  int shard = 0;
};

// "330483-20260630-000123".
std::string FormatCaseId(absl::string_view division, absl::string_view yyyymmdd,
                         int64_t sequence);

// Parses a case id; INVALID_ARGUMENT "case_id: ..." when malformed.
absl::StatusOr<CaseId> ParseCaseId(absl::string_view id, int shards);

}  // namespace gridcase::cases

#endif  // GRIDCASE_COMMON_CASES_CASE_KEYS_H_
