// Reading cases and timelines wherever they are: the live case hash and
// timeline list, or, once the archiver has replaced them, the case's archive
// (archive.h). Every service reads cases through these functions, so an
// archived case reads exactly as it did before: GetCase, ListCases,
// dispatch's checks and the statistics rebuild all see it.
#ifndef GRIDCASE_COMMON_STORE_CASE_READER_H_
#define GRIDCASE_COMMON_STORE_CASE_READER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"
#include "common/store/archive.h"
#include "common/store/case_hash.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::store {

// A case: (shard, id).
using CaseRef = std::pair<int, std::string>;

// The case; NOT_FOUND ("case <id> not found") when neither its hash nor
// its archive exists,
// DATA_LOSS when the one that exists is corrupt.
absl::StatusOr<StoredCase> ReadCase(redis::RedisClient& redis, int shard,
                                    absl::string_view case_id);

// The cases that exist, in the order of `cases` (one pipeline, and one more
// for the archived ones).
absl::StatusOr<std::vector<StoredCase>> ReadCases(
    redis::RedisClient& redis, const std::vector<CaseRef>& cases);

// A case with its raw timeline entries (stream_entry.h), oldest first.
struct CaseAndTimeline {
  StoredCase stored;
  std::vector<std::string> timeline;  // empty unless asked for
};
using CaseReadDone =
    absl::AnyInvocable<void(absl::StatusOr<CaseAndTimeline>) &&>;

// ReadCase, and ReadTimelineEntries when `with_timeline`, without waiting:
// `done` gets the result on the thread that read the reply
// (redis::RedisClient::PipelineAsync). The live hash, the timeline and the
// archive are asked for in one round trip, so an archived case costs no
// second trip (but for the first read of its archive dictionary).
void ReadCaseAsync(redis::RedisClient& redis, int shard, std::string case_id,
                   bool with_timeline, CaseReadDone done);

// The raw timeline entries (stream_entry.h) of each case, in the order of
// `cases`; none for a case that does not exist.
absl::StatusOr<std::vector<std::vector<std::string>>> ReadTimelineEntries(
    redis::RedisClient& redis, const std::vector<CaseRef>& cases);

// Each case of `cases` as the archive keeps it (archive.h): its hash's
// fields and its raw timeline entries, as stored; a case that does not
// exist (any more) has neither.
absl::StatusOr<std::vector<ArchivedCase>> ReadForArchive(
    redis::RedisClient& redis, const std::vector<CaseRef>& cases);

// The case version an archive was made from ("" if the hash had none),
// for the archiver's compare-and-set.
std::string ArchivedVersion(const ArchivedCase& archived);

// The events of a case's timeline, oldest first.
absl::StatusOr<std::vector<v1::CaseEvent>> ReadTimeline(
    redis::RedisClient& redis, int shard, absl::string_view case_id);

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_CASE_READER_H_
