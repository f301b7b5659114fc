// CaseStore: what dispatch reads and writes. The Redis implementation keeps
// the case records intake created (hash {s:N}:case:<id>) and commits every
// transition as one compare-and-set Lua script on the case's shard that also
// appends the event (stream + timeline), moves the state index, the work
// queues, the deadline alarms and the open/overdue counters, and stores the
// idempotency record. FakeCaseStore (fake_case_store.h) serves unit tests.
#ifndef GRIDCASE_SERVICES_DISPATCH_CASE_STORE_H_
#define GRIDCASE_SERVICES_DISPATCH_CASE_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/case_hash.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/dispatch.pb.h"

namespace gridcase::dispatch {

// A case as stored, with dispatch's bookkeeping (alerts, review reason,
// queued time): the case-hash codec's record.
using CaseRecord = store::StoredCase;

// One transition to commit.
struct Commit {
  v1::Case before;      // as read: before.version is the compare-and-set token
  v1::Case after;       // with the new state and version
  v1::CaseEvent event;  // without id
  std::set<std::string> before_alerts;  // the alerts as read
  // Idempotency: scope "<subject>:<request_id>" (empty: none) and the
  // request's fingerprint.
  std::string idempotency_scope;
  std::string fingerprint;
  std::string alert;                         // marker to add (scanner events)
  std::optional<std::string> review_reason;  // replaces the reason if set
  absl::Time now;
};

struct Committed {
  v1::Case c;
  v1::CaseEvent event;  // with id
  bool replayed = false;
};

// A queue member found by ScanQueue.
struct QueueHit {
  std::string case_id;
  int64_t score = 0;  // deadline ms
  std::string member;
};

// A deadline alarm that fell due.
struct Alarm {
  int shard = 0;
  std::string case_id;
  bool overdue = false;  // false: warning
  int64_t score = 0;
};

// Dashboard counts.
struct Gauges {
  std::map<std::pair<v1::CaseState, std::string>, int64_t> open;  // state, town
  std::map<std::string, int64_t> overdue;  // department ("" none) → count
  // Redis memory (INFO memory): used_memory and maxmemory (0: no limit).
  int64_t redis_used_memory = 0;
  int64_t redis_maxmemory = 0;
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;
  // INVALID_ARGUMENT for a malformed id, NOT_FOUND for an unknown case.
  virtual absl::StatusOr<CaseRecord> Get(const std::string& case_id) = 0;
  virtual absl::StatusOr<std::vector<CaseRecord>> GetMany(
      const std::vector<std::string>& case_ids) = 0;
  virtual absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(
      const std::string& case_id) = 0;
  // True if `who` follows the case (a merged duplicate's reporter or a "me
  // too"; store::FollowersKey).
  virtual absl::StatusOr<bool> Follows(const std::string& case_id,
                                       const std::string& who) = 0;
  // The result of an earlier request under `scope` on this case, if any;
  // ALREADY_EXISTS if it had another fingerprint.
  virtual absl::StatusOr<std::optional<Committed>> Replay(
      const std::string& case_id, const std::string& scope,
      const std::string& fingerprint) = 0;
  // Commits atomically. ABORTED with message kConflict when the case's
  // version is no longer before.version (re-read and recompute); a replayed
  // result when the idempotency scope was committed meanwhile.
  virtual absl::StatusOr<Committed> Apply(const Commit& commit) = 0;
  // Puts `c` into the review queue with `reason`, unless its version moved.
  virtual absl::Status SetReview(const v1::Case& c,
                                 const std::string& reason) = 0;
  // Up to `count` members of the named queues (over every shard) strictly
  // after (after_score, after_member), in (score, member) order.
  virtual absl::StatusOr<std::vector<QueueHit>> ScanQueue(
      const std::vector<std::string>& names, int64_t after_score,
      const std::string& after_member, int count) = 0;
  // Alarms due at `now` on `shard`, oldest first.
  virtual absl::StatusOr<std::vector<Alarm>> DueAlarms(int shard,
                                                       absl::Time now,
                                                       int count) = 0;
  // Removes an alarm if it still has the score it was read with.
  virtual absl::Status DropAlarm(const Alarm& alarm) = 0;
  // Moves an alarm that is not due yet to its current score.
  virtual absl::Status MoveAlarm(const Alarm& alarm, int64_t score) = 0;
  // Holds a new report back from automatic routing until `until` (ms):
  // the grid manager who reported it may close it themselves meanwhile.
  virtual absl::Status Defer(const std::string& case_id, int64_t until) = 0;
  // Cases held back whose time came at `now` on `shard`, oldest first.
  virtual absl::StatusOr<std::vector<std::string>> DueDeferred(int shard,
                                                               absl::Time now,
                                                               int count) = 0;
  // Forgets a held-back case (routed, or no longer REPORTED).
  virtual absl::Status DropDeferred(const std::string& case_id) = 0;
  virtual absl::StatusOr<Gauges> ReadGauges() = 0;
  // The routing policy (version 0: never set).
  virtual absl::StatusOr<v1::RoutingPolicy> GetRouting() = 0;
  // ABORTED when expected_version (non-zero) differs from the stored one.
  // `audit` (a serialized v1::AuditRecord, empty: none) is appended to
  // store::kRoutingAuditKey in the same atomic step.
  virtual absl::StatusOr<v1::RoutingPolicy> PutRouting(
      const v1::RoutingPolicy& policy, int64_t expected_version,
      const std::string& audit) = 0;
};

inline constexpr char kConflict[] = "case version moved";

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_CASE_STORE_H_
