// RedisAggregates: the statistics in Redis (keys in common/store/keys.h).
//
// Apply adds events exactly once. The case record remembers the versions
// of the events it holds, so an event found there is a duplicate; else one
// Lua script per event and generation compares the case record with the
// one the deltas were computed from (compare-and-set; a lost race is
// recomputed, and then finds a duplicate), adds every delta and stores the
// new record — all or nothing. While a rebuild runs, events go to the current
// generation and to the one being built.
#ifndef GRIDCASE_SERVICES_STATS_REDIS_AGGREGATES_H_
#define GRIDCASE_SERVICES_STATS_REDIS_AGGREGATES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/common.pb.h"
#include "services/stats/aggregates.h"

namespace gridcase::stats {

struct AggregateOptions {
  int shards = 16;
  absl::TimeZone zone;  // statistics days (Asia/Shanghai)
  // How long an applied event id is remembered after its last delivery;
  // must exceed any redelivery delay (XAUTOCLAIM idle time, outages).
  absl::Duration dedup_retention = absl::Hours(35 * 24);
};

struct ApplyResult {
  int applied = 0;
  int duplicates = 0;
  bool stale = false;  // some target generation was switched away
};

class RedisAggregates final : public AggregateReader {
 public:
  RedisAggregates(redis::RedisClient* redis, AggregateOptions options)
      : redis_(redis), options_(std::move(options)) {}

  // Applies events (ids, case ids and shards set) to the current generation
  // of their shard, and to the generation being rebuilt if there is one.
  absl::StatusOr<ApplyResult> Apply(const std::vector<v1::CaseEvent>& events);
  // Applies events to generation `generation` only (the rebuild).
  absl::StatusOr<ApplyResult> ApplyTo(const std::vector<v1::CaseEvent>& events,
                                      int64_t generation);

  // Current and building (0: none) generation of every shard.
  absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> Generations();

  absl::StatusOr<std::vector<std::map<std::string, Counts>>> Counters(
      absl::string_view kind, const std::optional<std::string>& value,
      const std::vector<Buckets>& groups) override;
  absl::StatusOr<std::map<std::string, NowCounts>> Now(
      absl::string_view kind, const std::optional<std::string>& value) override;
  absl::StatusOr<std::vector<HotspotCell>> Hotspots(
      const Buckets& buckets, const std::vector<std::string>& towns) override;

  const AggregateOptions& options() const { return options_; }

 private:
  struct Job;
  // Applies to the listed generations per shard.
  absl::StatusOr<ApplyResult> ApplyToTargets(
      const std::vector<v1::CaseEvent>& events,
      const std::vector<std::vector<int64_t>>& targets);
  // The current generation's key prefix of every shard that can hold `kind`
  // = `value` (all shards unless it is a town, community or grid).
  absl::StatusOr<std::vector<std::string>> Prefixes(
      absl::string_view kind, const std::optional<std::string>& value);
  absl::StatusOr<std::vector<redis::Reply>> RunScripts(
      const std::vector<redis::Args>& commands);
  redis::Args ScriptCommand(const Job& job) const;
  absl::Status Prepare(Job* job, const std::optional<std::string>& current);

  redis::RedisClient* redis_;
  AggregateOptions options_;
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_REDIS_AGGREGATES_H_
