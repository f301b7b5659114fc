// CaseStore: where intake keeps cases. RedisCaseStore stores a report — the
// case, its indices, its geo entry, the idempotency key and its event — in
// one Lua script on the case's shard (after one that numbers it), so a
// crash can never leave a case without its event or an event without its
// case.
//
// A case is a hash {s:N}:case:<id> holding the serialized Case ("pb", written
// without the fields below) and the fields that change without rewriting it:
// state, version, report_count, follower_count, merged_into (the case-hash
// codec, common/store/case_hash.h). Events are stream entries with fields
// type, case, related and pb (the CaseEvent without id, case_id and
// related_case_id, which come from the entry), copied to the case's timeline
// list as "<stream id> <related case id or -> <pb>" (the stream-entry codec,
// common/store/stream_entry.h).
#ifndef GRIDCASE_SERVICES_INTAKE_CASE_STORE_H_
#define GRIDCASE_SERVICES_INTAKE_CASE_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::intake {

// Everything one report stores.
struct NewReport {
  int shard = 0;
  int shards = 1;
  // Idempotency scope "<caller subject>:<request_id>" and a fingerprint of
  // the request, to tell a retry from a different request with the same key.
  std::string idempotency_scope;
  std::string fingerprint;
  std::string division;          // 6 digits, first part of the id
  std::string date;              // YYYYMMDD (Asia/Shanghai), second part
  absl::Time day_start;          // when that date began
  v1::Case case_template;        // the case as REPORTED, without id
  v1::CaseEvent reported_event;  // "case.reported", without ids
  v1::CaseEvent merged_event;    // "case.merged", without ids
  double latitude = 0;
  double longitude = 0;
  std::string category_code;
  int duplicate_radius_m = 50;
  absl::Duration duplicate_window = absl::Hours(72);
  std::string reporter_id;
  // The report's external reference; none when system is empty.
  v1::ExternalRef external_ref;
  // Index entries (kind, value) (store::IndexKey): region codes (town,
  // community, grid), category, major category, source number, reporter
  // id, every case.
  std::vector<std::pair<std::string, std::string>> indices;
  absl::Time now;
};

struct ReportResult {
  std::string case_id;
  bool replayed = false;
  bool merged = false;
  std::string merged_into;
  // A case with the report's external reference existed already: case_id
  // is that case, and nothing was stored.
  bool existing = false;
  // The case as stored, when the store knows it without reading it back (a
  // newly created case: exactly what GetCase(case_id) returns until
  // someone changes it); otherwise unset, and the caller reads it.
  std::optional<v1::Case> stored;
};

// One index entry: a case id and its report time.
struct IndexEntry {
  std::string case_id;
  int64_t reported_ms = 0;
};

// A case found near a point, with its distance in metres.
struct NearbyEntry {
  std::string case_id;
  double distance_m = 0;
};

// A follow-up to store: the event is built by the caller for the case at
// `expected_version`; the store refuses (ABORTED) if the case moved on.
struct NewFollowUp {
  std::string case_id;
  int64_t expected_version = 0;
  std::string idempotency_scope;
  std::string fingerprint;
  std::string reporter_id;
  bool me_too = false;
  v1::CaseEvent event;  // without id and case_id
};

struct FollowUpResult {
  std::string event_id;
  bool replayed = false;
};

// One stream entry read for a watcher.
struct StreamEvent {
  int shard = 0;
  v1::CaseEvent event;  // with id, case_id, related_case_id and shard set
  // The entry does not parse: only event.id and event.shard are set.
  // Readers skip it (and say so) instead of stopping at it for ever.
  bool corrupt = false;
};

// Which case GetCaseAsync reads: by id, or by the reference another system
// gave it; with its timeline or without.
struct CaseQuery {
  std::string case_id;
  std::optional<v1::ExternalRef> external_ref;  // instead of case_id
  bool with_timeline = false;
};

// What GetCaseAsync read.
struct CaseRead {
  v1::Case c;
  std::vector<v1::CaseEvent> timeline;  // oldest first; when asked for
};
using CaseReadDone = absl::AnyInvocable<void(absl::StatusOr<CaseRead>) &&>;

class CaseStore {
 public:
  virtual ~CaseStore() = default;
  // ALREADY_EXISTS when the scope was used for a different request.
  virtual absl::StatusOr<ReportResult> Report(const NewReport& report) = 0;
  // NOT_FOUND when there is no such case.
  virtual absl::StatusOr<v1::Case> GetCase(const std::string& case_id) = 0;
  // The id of the case reported with `ref`; NOT_FOUND when there is none.
  virtual absl::StatusOr<std::string> CaseIdByExternalRef(
      const v1::ExternalRef& ref) = 0;
  // The case's events, oldest first.
  virtual absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(
      const std::string& case_id) = 0;
  // CaseIdByExternalRef, GetCase and Timeline as `query` asks, without
  // waiting: `done` gets the result, possibly later and on another thread.
  // The default runs them in turn and calls `done` before returning.
  virtual void GetCaseAsync(CaseQuery query, CaseReadDone done);
  // Up to `count` entries of index `kind:value` of `shard`, newest first,
  // strictly before (before_ms, before_id) in (reported_ms desc, id desc)
  // order; before_ms < 0 means from the newest.
  virtual absl::StatusOr<std::vector<IndexEntry>> ScanIndex(
      int shard, const std::string& kind, const std::string& value,
      int64_t before_ms, const std::string& before_id, int count) = 0;
  // Several cases at once (missing ones are skipped).
  virtual absl::StatusOr<std::vector<v1::Case>> GetCases(
      const std::vector<std::string>& case_ids) = 0;
  // Cases (not MERGED) within `radius_m` of the point on every shard,
  // nearest first.
  virtual absl::StatusOr<std::vector<NearbyEntry>> Nearby(double latitude,
                                                          double longitude,
                                                          int radius_m) = 0;
  // NOT_FOUND, FAILED_PRECONDITION (VOIDED or MERGED case), ABORTED (the
  // version moved), ALREADY_EXISTS (scope used for another request).
  virtual absl::StatusOr<FollowUpResult> FollowUp(const NewFollowUp& f) = 0;

  // The id of the newest entry of a shard's stream ("0-0" when empty).
  virtual absl::StatusOr<std::string> StreamTail(int shard) = 0;
  // StreamTail of each of `shards`, in one round trip.
  virtual absl::StatusOr<std::map<int, std::string>> StreamTails(
      const std::vector<int>& shards) = 0;
  // OUT_OF_RANGE if entries after `after_id` were already trimmed away.
  virtual absl::Status CheckRetained(int shard,
                                     const std::string& after_id) = 0;
  // Entries after each (shard, id) position, oldest first per shard, waiting
  // up to `block` for the first one; empty on timeout.
  virtual absl::StatusOr<std::vector<StreamEvent>> ReadEvents(
      const std::vector<std::pair<int, std::string>>& positions,
      absl::Duration block, int count) = 0;
  // Up to `count` entries of `shard` with after_id < id <= through_id,
  // oldest first, without waiting.
  virtual absl::StatusOr<std::vector<StreamEvent>> ReadRange(
      int shard, const std::string& after_id, const std::string& through_id,
      int count) = 0;
};

class RedisCaseStore final : public CaseStore {
 public:
  struct Options {
    int shards = 16;
    absl::Duration idempotency_ttl = absl::Hours(24);
    int64_t stream_max_length = 1000000;
    // Most that the clocks of intake and Redis may disagree by. A missing
    // case counter is new (starts at 1) only if Redis has been up since at
    // least this long before the counter's day began.
    absl::Duration clock_skew_margin = absl::Minutes(10);
    // Replicas that must hold a report or follow-up before it is
    // acknowledged; UNAVAILABLE (retry with the same request_id) if fewer
    // do in time.
    redis::WaitReplicas wait;
  };
  RedisCaseStore(redis::RedisClient* redis, Options options)
      : redis_(redis), options_(options) {}

  absl::StatusOr<ReportResult> Report(const NewReport& report) override;
  absl::StatusOr<v1::Case> GetCase(const std::string& case_id) override;
  absl::StatusOr<std::string> CaseIdByExternalRef(
      const v1::ExternalRef& ref) override;
  absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(
      const std::string& case_id) override;
  // One round trip for a case by id, with or without its timeline, live or
  // archived; one more to find an external reference first.
  void GetCaseAsync(CaseQuery query, CaseReadDone done) override;
  absl::StatusOr<std::vector<IndexEntry>> ScanIndex(
      int shard, const std::string& kind, const std::string& value,
      int64_t before_ms, const std::string& before_id, int count) override;
  absl::StatusOr<std::vector<v1::Case>> GetCases(
      const std::vector<std::string>& case_ids) override;
  absl::StatusOr<std::vector<NearbyEntry>> Nearby(double latitude,
                                                  double longitude,
                                                  int radius_m) override;
  absl::StatusOr<FollowUpResult> FollowUp(const NewFollowUp& f) override;
  absl::StatusOr<std::string> StreamTail(int shard) override;
  absl::StatusOr<std::map<int, std::string>> StreamTails(
      const std::vector<int>& shards) override;
  absl::Status CheckRetained(int shard, const std::string& after_id) override;
  absl::StatusOr<std::vector<StreamEvent>> ReadEvents(
      const std::vector<std::pair<int, std::string>>& positions,
      absl::Duration block, int count) override;
  absl::StatusOr<std::vector<StreamEvent>> ReadRange(
      int shard, const std::string& after_id, const std::string& through_id,
      int count) override;

 private:
  // The case of `ref` on any shard but `skip_shard`; empty when none.
  absl::StatusOr<std::string> FindExternalRef(const v1::ExternalRef& ref,
                                              int skip_shard);
  // The reads FindExternalRef makes, and the case id their replies name
  // (empty when none).
  std::vector<redis::Args> ExternalRefReads(const v1::ExternalRef& ref,
                                            int skip_shard) const;
  static absl::StatusOr<std::string> FoundExternalRef(
      const std::vector<redis::Reply>& replies);
  // GetCaseAsync of a query by case id.
  void ReadCaseAsync(CaseQuery query, CaseReadDone done);

  redis::RedisClient* redis_;
  Options options_;
};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_CASE_STORE_H_
