// RedisCaseStore: CaseStore on the shared Redis, under each case's shard tag.
// Its keys (all built by common/store/keys.h):
//   {s:N}:alarms          zset "<case>|w" / "<case>|d" → warn / due ms
//   {s:N}:deferred        zset case → ms until which automatic routing
//                         waits (a grid manager's own report, auto_router.h)
//   {s:N}:q:<queue>       work queues (queues.h)
//   {s:N}:open            hash "<state>|<town>" → open cases (with intake)
//   {s:N}:overdue         hash "<department or ->" → open overdue cases
//   {s:N}:idem:dispatch:<subject>:<request_id>
//                         hash fp, case, event, event_id (24 h)
//   {disp}:routing        the routing policy (pb), with its version
#ifndef GRIDCASE_SERVICES_DISPATCH_REDIS_CASE_STORE_H_
#define GRIDCASE_SERVICES_DISPATCH_REDIS_CASE_STORE_H_

#include "common/redis/redis_client.h"
#include "services/dispatch/case_store.h"

namespace gridcase::dispatch {

class RedisCaseStore final : public CaseStore {
 public:
  struct Options {
    int shards = 16;
    absl::Duration idempotency_ttl = absl::Hours(24);
    int64_t stream_max_length = 1000000;
  };
  RedisCaseStore(redis::RedisClient* redis, Options options)
      : redis_(redis), options_(options) {}

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
  absl::StatusOr<int> ShardOfCase(const std::string& case_id) const;

  redis::RedisClient* redis_;
  Options options_;
};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_REDIS_CASE_STORE_H_
