// The case hash {s:N}:case:<id> (keys.h, CaseKey), written by the scripts
// in common/store/lua and read only through this codec. Its fields:
//
//   pb              the serialized Case without the fields below (and
//                   without its id): StoredCasePb
//   state           CaseState number
//   version         the compare-and-set token
//   report_count    reports the case stands for
//   follower_count  parties following it
//   merged_into     the original of a MERGED case ("" otherwise)
//   moved_followers of a MERGED case: the followers its merge added to the
//                   original (who did not follow it before), separated by
//                   "\n"; an unmerge removes them again
//   reported_ms     report time (Unix ms): the score of its indices
//   alerts          dispatch: markers "<stage>:<attempt>:<1|2>" of the
//                   warning (1) and overdue (2) events already emitted,
//                   separated by spaces
//   review_reason   dispatch: why the case waits in the review queue
//   queued_ms       dispatch: when it entered its current queue (Unix ms)
//
// Fields that change without rewriting the case (state, version, the
// counters) live beside pb, so a script can move them without parsing it.
#ifndef GRIDCASE_COMMON_STORE_CASE_HASH_H_
#define GRIDCASE_COMMON_STORE_CASE_HASH_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::store {

// A case as stored, with dispatch's bookkeeping.
struct StoredCase {
  v1::Case c;  // id, state, version, counters and merged_into set
  // Alerts already emitted, as markers "<stage>:<attempt>:<1 warn|2 overdue>".
  std::set<std::string> alerts;
  // Why the case waits in the review queue ("" if not said).
  std::string review_reason;
  // When the case entered its current queue (ms; 0 if unknown).
  int64_t queued_ms = 0;
  // When it was reported (ms; the score of its index entries).
  int64_t reported_ms = 0;
};

// The hash's field names, in the order ReadCaseCommand asks for them.
const std::vector<std::string>& CaseHashFields();

// HMGET of every field of the case's hash.
redis::Args ReadCaseCommand(int shard, absl::string_view case_id);

// The case from a reply to ReadCaseCommand. NOT_FOUND when the case does
// not exist; DATA_LOSS naming the case and the field when its hash is
// corrupt (no pb, a pb that does not parse, a number field that is not a
// number) or the reply has another shape.
absl::StatusOr<StoredCase> DecodeCase(absl::string_view case_id,
                                      const redis::Reply& reply);
// The same from the hash's fields (absent fields absent).
absl::StatusOr<StoredCase> DecodeCaseFields(
    absl::string_view case_id, const std::map<std::string, std::string>& hash);

// The hash a case is stored as (what the scripts write), field → value.
std::map<std::string, std::string> EncodeCase(const StoredCase& stored);

// The case as stored in "pb": without its id and the fields kept beside it.
std::string StoredCasePb(v1::Case c);

// "<stage>:<attempt>:<1|2>": the marker that the warning (1) or overdue (2)
// event of a stage attempt was emitted.
std::string AlertMarker(const v1::StageDeadline& deadline, bool overdue);

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_CASE_HASH_H_
