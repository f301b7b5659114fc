#include "services/stats/rebuild.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/events/quarantine.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "common/store/case_reader.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
#include "common/store/stream_entry.h"

namespace gridcase::stats {
namespace {

constexpr size_t kCasesPerBatch = 200;

// A generation number above every shard's current one.
absl::StatusOr<int64_t> NewGeneration(redis::RedisClient* redis,
                                      RedisAggregates* aggregates) {
  ASSIGN_OR_RETURN(auto gens, aggregates->Generations());
  int64_t floor = 0;
  for (const auto& [cur, build] : gens) floor = std::max({floor, cur, build});
  while (true) {
    ASSIGN_OR_RETURN(
        redis::Reply r,
        redis->Command({"INCR", std::string(store::kStatsGenerationKey)}));
    if (r.integer() > floor) return r.integer();
  }
}

// Every case of the shard, merged ones included: intake adds each new case
// to this index in its report script, and nothing removes it.
absl::StatusOr<std::vector<std::string>> CasesOf(redis::RedisClient* redis,
                                                 int shard) {
  ASSIGN_OR_RETURN(
      redis::Reply r,
      redis->Command({"ZRANGE", store::AllCasesIndexKey(shard), "0", "-1"}));
  std::vector<std::string> ids;
  for (const redis::Reply& id : r.elements()) ids.push_back(id.str());
  return ids;
}

// Clears `field` of the shard's meta if it still holds `generation`.
absl::Status ClearIf(redis::RedisClient* redis, int shard,
                     absl::string_view field, const std::string& generation) {
  return store::ScriptCall(store::scripts::StatsClearIf())
      .Key("meta", store::StatsMetaKey(shard))
      .Arg("field", field)
      .Arg("value", generation)
      .Run(*redis)
      .status();
}

// Only what is wrong with the data itself (DATA_LOSS, INVALID_ARGUMENT,
// OUT_OF_RANGE) skips a case; any other error (Redis down, out of memory,
// another rebuild took over) fails the rebuild, to be run again.
bool Fatal(const absl::Status& s) {
  return events::Classify(s) != events::Failure::kPermanent;
}

// Applies `events` to `generation`; when that fails for one bad case, each
// case on its own, skipping (logging and counting) those that fail.
absl::Status ApplyOrSkip(RedisAggregates* aggregates,
                         const std::vector<v1::CaseEvent>& events,
                         int64_t generation, RebuildResult* result) {
  absl::StatusOr<ApplyResult> all = aggregates->ApplyTo(events, generation);
  if (all.ok()) {
    result->events += static_cast<int64_t>(events.size());
    return absl::OkStatus();
  }
  if (Fatal(all.status())) return all.status();
  std::map<std::string, std::vector<v1::CaseEvent>> by_case;
  for (const v1::CaseEvent& e : events) by_case[e.case_id()].push_back(e);
  for (const auto& [id, mine] : by_case) {
    absl::StatusOr<ApplyResult> one = aggregates->ApplyTo(mine, generation);
    if (one.ok()) {
      result->events += static_cast<int64_t>(mine.size());
      continue;
    }
    if (Fatal(one.status())) return one.status();
    ++result->skipped_cases;
    log::Error("rebuild skips a case whose events cannot be applied",
               {{"case_id", id},
                {"shard", mine.front().shard()},
                {"events", mine.size()},
                {"error", one.status().ToString()}});
  }
  return absl::OkStatus();
}

// Replays the timelines of `ids` into `generation`.
absl::Status Replay(redis::RedisClient* redis, RedisAggregates* aggregates,
                    int shard, const std::vector<std::string>& ids,
                    int64_t generation, RebuildResult* result) {
  std::vector<store::CaseRef> cases;
  for (const std::string& id : ids) cases.emplace_back(shard, id);
  ASSIGN_OR_RETURN(std::vector<std::vector<std::string>> timelines,
                   store::ReadTimelineEntries(*redis, cases));
  std::vector<v1::CaseEvent> events;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::vector<std::string>& entries = timelines[i];
    for (size_t k = 0; k < entries.size(); ++k) {
      absl::StatusOr<v1::CaseEvent> e =
          store::ParseTimelineEntry(entries[k], ids[i], shard);
      if (!e.ok()) {
        ++result->skipped_entries;
        log::Error("rebuild skips a timeline entry that does not parse",
                   {{"case_id", ids[i]},
                    {"shard", shard},
                    {"index", k},
                    {"error", e.status().ToString()}});
        continue;
      }
      events.push_back(*std::move(e));
    }
  }
  return ApplyOrSkip(aggregates, events, generation, result);
}

// Deletes the keys of every generation of `shard` other than `keep`.
absl::StatusOr<int64_t> DeleteOthers(redis::RedisClient* redis, int shard,
                                     int64_t keep) {
  std::string prefix = store::StatsShardPrefix(shard);
  std::string cursor = "0";
  int64_t deleted = 0;
  do {
    ASSIGN_OR_RETURN(redis::Reply r, redis->Command({"SCAN", cursor, "MATCH",
                                                     absl::StrCat(prefix, "*"),
                                                     "COUNT", "1000"}));
    if (r.elements().size() != 2) break;
    cursor = r.elements()[0].str();
    redis::Args unlink = {"UNLINK"};
    for (const redis::Reply& key : r.elements()[1].elements()) {
      std::optional<int64_t> gen =
          store::StatsGenerationOfKey(shard, key.str());
      if (gen.has_value() && *gen != keep) unlink.push_back(key.str());
    }
    if (unlink.size() > 1) {
      deleted += static_cast<int64_t>(unlink.size() - 1);
      RETURN_IF_ERROR(redis->Command(std::move(unlink)).status());
    }
  } while (cursor != "0");
  return deleted;
}

// Fills generation `gen` from every timeline.
absl::Status Build(redis::RedisClient* redis, RedisAggregates* aggregates,
                   int64_t gen, RebuildResult* result) {
  const int shards = aggregates->options().shards;
  for (int shard = 0; shard < shards; ++shard) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids, CasesOf(redis, shard));
    result->cases += static_cast<int64_t>(ids.size());
    for (size_t i = 0; i < ids.size(); i += kCasesPerBatch) {
      std::vector<std::string> batch(
          ids.begin() + i,
          ids.begin() + std::min(ids.size(), i + kCasesPerBatch));
      RETURN_IF_ERROR(Replay(redis, aggregates, shard, batch, gen, result));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RebuildResult> Rebuild(redis::RedisClient* redis,
                                      RedisAggregates* aggregates) {
  const int shards = aggregates->options().shards;
  RebuildResult result;
  ASSIGN_OR_RETURN(result.generation, NewGeneration(redis, aggregates));
  const std::string gen = absl::StrCat(result.generation);
  for (int shard = 0; shard < shards; ++shard) {
    RETURN_IF_ERROR(
        redis->Command({"HSET", store::StatsMetaKey(shard), "build", gen})
            .status());
  }
  if (absl::Status s = Build(redis, aggregates, result.generation, &result);
      !s.ok()) {
    // Consumers stop feeding the abandoned generation; the next rebuild
    // deletes its keys.
    for (int shard = 0; shard < shards; ++shard) {
      // Best effort on the way out: the build already failed with `s`.
      ClearIf(redis, shard, "build", gen).IgnoreError();
    }
    return s;
  }
  for (int shard = 0; shard < shards; ++shard) {
    RETURN_IF_ERROR(
        redis->Command({"HSET", store::StatsMetaKey(shard), "cur", gen})
            .status());
    RETURN_IF_ERROR(ClearIf(redis, shard, "build", gen));
  }
  for (int shard = 0; shard < shards; ++shard) {
    ASSIGN_OR_RETURN(int64_t n, DeleteOthers(redis, shard, result.generation));
    result.deleted_keys += n;
  }
  return result;
}

}  // namespace gridcase::stats
