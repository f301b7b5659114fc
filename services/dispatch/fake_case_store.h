// FakeCaseStore: CaseStore in memory for unit tests, with the same
// compare-and-set, idempotency, queue and alarm semantics as the Redis one.
#ifndef GRIDCASE_SERVICES_DISPATCH_FAKE_CASE_STORE_H_
#define GRIDCASE_SERVICES_DISPATCH_FAKE_CASE_STORE_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/dispatch/case_store.h"

namespace gridcase::dispatch {

class FakeCaseStore final : public CaseStore {
 public:
  // Stores `c` as intake would (version 1 unless set).
  void Put(v1::Case c);
  // The queue names the case is in now.
  std::set<std::string> QueuesOfCase(const std::string& case_id);
  // Makes `who` a follower of the case.
  void AddFollower(const std::string& case_id, const std::string& who);

  absl::StatusOr<CaseRecord> Get(const std::string& case_id) override;
  absl::StatusOr<std::vector<CaseRecord>> GetMany(
      const std::vector<std::string>& case_ids) override;
  absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(
      const std::string& case_id) override;
  absl::StatusOr<bool> Follows(const std::string& case_id,
                               const std::string& who) override;
  absl::StatusOr<std::optional<Committed>> Replay(
      const std::string& case_id, const std::string& scope,
      const std::string& fingerprint) override;
  absl::StatusOr<Committed> Apply(const Commit& commit) override;
  absl::Status SetReview(const v1::Case& c, const std::string& reason) override;
  absl::StatusOr<std::vector<QueueHit>> ScanQueue(
      const std::vector<std::string>& names, int64_t after_score,
      const std::string& after_member, int count) override;
  absl::StatusOr<std::vector<Alarm>> DueAlarms(int shard, absl::Time now,
                                               int count) override;
  absl::Status DropAlarm(const Alarm& alarm) override;
  absl::Status MoveAlarm(const Alarm& alarm, int64_t score) override;
  absl::Status Defer(const std::string& case_id, int64_t until) override;
  absl::StatusOr<std::vector<std::string>> DueDeferred(int shard,
                                                       absl::Time now,
                                                       int count) override;
  absl::Status DropDeferred(const std::string& case_id) override;
  absl::StatusOr<Gauges> ReadGauges() override;
  absl::StatusOr<v1::RoutingPolicy> GetRouting() override;
  absl::StatusOr<v1::RoutingPolicy> PutRouting(
      const v1::RoutingPolicy& policy, int64_t expected_version,
      const std::string& audit) override;

 private:
  struct Idem {
    std::string fingerprint;
    Committed result;
  };
  absl::Mutex mu_;
  std::map<std::string, CaseRecord> cases_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<v1::CaseEvent>> timelines_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, Idem> idem_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::set<std::string>> followers_ ABSL_GUARDED_BY(mu_);
  // queue name → member → score
  std::map<std::string, std::map<std::string, int64_t>> queues_
      ABSL_GUARDED_BY(mu_);
  // "<case>|w" / "<case>|d" → ms
  std::map<std::string, int64_t> alarms_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> deferred_ ABSL_GUARDED_BY(mu_);
  v1::RoutingPolicy routing_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> routing_audit_ ABSL_GUARDED_BY(mu_);
  int64_t next_event_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_FAKE_CASE_STORE_H_
