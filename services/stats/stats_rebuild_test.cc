// Rebuild equals incremental: histories stored as the services store them
// (shard streams, timelines, state indices) are consumed by two real
// consumers through the "stats" group, with a share of events delivered a
// second time; `Rebuild` then recomputes everything from the timelines into
// a new generation, and every aggregate key and field must be equal. A
// second test rebuilds while events are still arriving and being consumed.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/clock/clock.h"
#include "common/events/event_source.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/redis_server.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/stats/contributions.h"
#include "services/stats/history_for_test.h"
#include "services/stats/rebuild.h"
#include "services/stats/redis_aggregates.h"
#include "services/stats/workers.h"

namespace gridcase::stats {
namespace {

using ::gridcase::testing::RedisServer;

constexpr int kShards = 4;

absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  absl::LoadTimeZone("Asia/Shanghai", &tz);
  return tz;
}

// suffix → field → value, for every aggregate and record of a generation
// (the dedup sets are left out: they only remember ids).
using Snapshot = std::map<std::string, std::map<std::string, std::string>>;

absl::StatusOr<Snapshot> Dump(redis::RedisClient* redis, int64_t generation) {
  Snapshot out;
  for (int shard = 0; shard < kShards; ++shard) {
    std::string prefix = store::StatsGenerationPrefix(shard, generation);
    std::string cursor = "0";
    do {
      auto r = redis->Command({"SCAN", cursor, "MATCH",
                               absl::StrCat(prefix, "*"), "COUNT", "1000"});
      if (!r.ok()) return r.status();
      cursor = r->elements()[0].str();
      for (const redis::Reply& key : r->elements()[1].elements()) {
        std::string suffix = key.str().substr(prefix.size());
        if (absl::StartsWith(suffix, "seen:")) continue;
        auto all = redis->Command({"HGETALL", key.str()});
        if (!all.ok()) return all.status();
        auto& fields = out[absl::StrCat(shard, "/", suffix)];
        const auto& el = all->elements();
        for (size_t i = 0; i + 1 < el.size(); i += 2) {
          fields[el[i].str()] = el[i + 1].str();
        }
      }
    } while (cursor != "0");
  }
  return out;
}

class StatsRebuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(pool_, redis::RedisPool::Create(
                                    {.address = server_->address(),
                                     .command_timeout = absl::Seconds(10)}));
    aggregates_ = std::make_unique<RedisAggregates>(
        pool_.get(), AggregateOptions{.shards = kShards, .zone = Shanghai()});
  }

  // Two consumers of the "stats" group, as two replicas would be.
  void StartConsumers() {
    // The group exists before Drain() looks at its backlog.
    events::RedisEventSource group(pool_.get(), kShards, "stats");
    ASSERT_OK(group.EnsureGroups());
    for (int i = 0; i < 2; ++i) {
      sources_.push_back(std::make_unique<events::RedisEventSource>(
          pool_.get(), kShards, "stats"));
      workers_.push_back(std::make_unique<Workers>(
          aggregates_.get(), sources_.back().get(), &metrics_, RealClock::Get(),
          WorkerOptions{.consumer = absl::StrCat("replica-", i),
                        .batch = 100,
                        .block = absl::Milliseconds(100),
                        .claim_idle = absl::Seconds(1),
                        .gauge_interval = absl::Seconds(1)}));
      workers_.back()->Start();
    }
  }

  // Waits until the group has nothing undelivered or unacknowledged.
  void Drain() {
    events::RedisEventSource probe(pool_.get(), kShards, "stats");
    absl::Time until = absl::Now() + absl::Seconds(60);
    while (absl::Now() < until) {
      auto backlog = probe.Backlog();
      if (backlog.ok() && backlog->first == 0 && backlog->second == 0) return;
      absl::SleepFor(absl::Milliseconds(100));
    }
    FAIL() << "consumers did not drain the streams";
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<RedisAggregates> aggregates_;
  prometheus::Registry registry_;
  StatsMetrics metrics_{registry_};
  std::vector<std::unique_ptr<events::RedisEventSource>> sources_;
  std::vector<std::unique_ptr<Workers>> workers_;
};

TEST_F(StatsRebuildTest, RebuildEqualsIncremental) {
  std::vector<GeneratedCase> cases =
      GenerateHistory({.cases = 1000, .seed = 42, .shards = kShards});
  ASSERT_OK(StoreHistory(pool_.get(), &cases));
  int64_t events = 0;
  std::vector<v1::CaseEvent> again;
  std::mt19937 rng(3);
  for (const GeneratedCase& c : cases) {
    events += static_cast<int64_t>(c.events.size());
    for (const v1::CaseEvent& e : c.events) {
      if (rng() % 5 == 0) again.push_back(e);
    }
  }
  StartConsumers();
  Drain();
  // Redelivered events change nothing.
  ASSERT_OK_AND_ASSIGN(ApplyResult r, aggregates_->Apply(again));
  EXPECT_EQ(r.applied, 0);
  EXPECT_EQ(r.duplicates, static_cast<int>(again.size()));
  // Found by the case records: no dedup set of event ids is kept (issue
  // #17: they took about 440 bytes per case).
  ASSERT_OK_AND_ASSIGN(redis::Reply seen, pool_->Command({"KEYS", "*:seen:*"}));
  EXPECT_TRUE(seen.elements().empty());
  workers_.clear();

  ASSERT_OK_AND_ASSIGN(Snapshot incremental, Dump(pool_.get(), 1));
  ASSERT_GT(incremental.size(), 100u);
  ASSERT_OK_AND_ASSIGN(RebuildResult rebuilt,
                       Rebuild(pool_.get(), aggregates_.get()));
  EXPECT_EQ(rebuilt.generation, 2);
  EXPECT_EQ(rebuilt.cases, static_cast<int64_t>(cases.size()));
  EXPECT_EQ(rebuilt.events, events);
  EXPECT_GT(rebuilt.deleted_keys, 0);
  ASSERT_OK_AND_ASSIGN(Snapshot fresh, Dump(pool_.get(), 2));
  EXPECT_TRUE(fresh == incremental);
  size_t differing = 0;
  for (const auto& [key, fields] : incremental) {
    if (fresh[key] != fields) ++differing;
  }
  EXPECT_EQ(differing, 0u);
  ASSERT_OK_AND_ASSIGN(Snapshot old, Dump(pool_.get(), 1));
  EXPECT_TRUE(old.empty()) << "generation 1 was not deleted";
  ASSERT_OK_AND_ASSIGN(auto gens, aggregates_->Generations());
  for (const auto& [cur, build] : gens) {
    EXPECT_EQ(cur, 2);
    EXPECT_EQ(build, 0);
  }
}

// A rebuild while reports keep arriving: every event ends up in the new
// generation exactly once, whether the rebuild or a consumer applied it; a
// second rebuild, with nothing moving, gives the same aggregates.
TEST_F(StatsRebuildTest, RebuildWhileConsumingLosesAndDoublesNothing) {
  std::vector<GeneratedCase> first =
      GenerateHistory({.cases = 600, .seed = 5, .shards = kShards});
  std::vector<GeneratedCase> second =
      GenerateHistory({.cases = 600, .seed = 6, .shards = kShards});
  for (GeneratedCase& c : second) {  // distinct ids
    c.id = absl::StrCat(c.id, "9");
    for (v1::CaseEvent& e : c.events) e.set_case_id(c.id);
  }
  ASSERT_OK(StoreHistory(pool_.get(), &first));
  StartConsumers();
  std::thread writer([&] { ASSERT_OK(StoreHistory(pool_.get(), &second)); });
  ASSERT_OK_AND_ASSIGN(RebuildResult during,
                       Rebuild(pool_.get(), aggregates_.get()));
  writer.join();
  Drain();
  workers_.clear();
  ASSERT_OK_AND_ASSIGN(Snapshot live, Dump(pool_.get(), during.generation));
  ASSERT_OK_AND_ASSIGN(RebuildResult after,
                       Rebuild(pool_.get(), aggregates_.get()));
  EXPECT_EQ(after.cases, 1200);
  ASSERT_OK_AND_ASSIGN(Snapshot quiet, Dump(pool_.get(), after.generation));
  EXPECT_TRUE(live == quiet);
  size_t differing = 0;
  for (const auto& [key, fields] : quiet) {
    if (live[key] != fields) ++differing;
  }
  EXPECT_EQ(differing, 0u) << "of " << quiet.size() << " keys";
}

// One case whose stored record cannot be read (as an older release left
// records whose reporter id held \x1f): its events are quarantined, every
// other event is applied and acknowledged, nothing stays pending, and a
// rebuild recomputes the case from its timeline.
TEST_F(StatsRebuildTest, AnUnreadableRecordHoldsBackOnlyItsOwnEvents) {
  std::vector<GeneratedCase> cases =
      GenerateHistory({.cases = 200, .seed = 7, .shards = kShards});
  const GeneratedCase& victim = cases[0];
  const std::string old_record = absl::StrJoin(
      {"1", "1", "0", "1", "", "330483101002002", "330483101002", "330483101",
       "330483", "E0102", "E01", "4", "", "hot", "line", "3", "2026-03-01"},
      "\x1f");
  ASSERT_OK(
      pool_
          ->Command({"HSET",
                     absl::StrCat(store::StatsGenerationPrefix(victim.shard, 1),
                                  store::kStatsCasesSuffix),
                     victim.id, old_record})
          .status());
  ASSERT_OK(StoreHistory(pool_.get(), &cases));
  StartConsumers();
  Drain();
  workers_.clear();

  ASSERT_OK_AND_ASSIGN(
      redis::Reply dead,
      pool_->Command({"XRANGE", store::DeadEventsKey(victim.shard), "-", "+"}));
  ASSERT_EQ(dead.elements().size(), victim.events.size());
  std::set<std::string> quarantined;
  for (const redis::Reply& entry : dead.elements()) {
    std::map<std::string, std::string> f;
    const auto& kv = entry.elements()[1].elements();
    for (size_t i = 0; i + 1 < kv.size(); i += 2)
      f[kv[i].str()] = kv[i + 1].str();
    EXPECT_EQ(f["group"], "stats");
    EXPECT_EQ(f["code"], "DATA_LOSS");
    EXPECT_EQ(f["case"], victim.id);
    quarantined.insert(f["entry"]);
  }
  std::set<std::string> victims;
  for (const v1::CaseEvent& e : victim.events) victims.insert(e.id());
  EXPECT_EQ(quarantined, victims);
  double counted = 0;
  for (const auto& family : registry_.Collect()) {
    if (family.name != "gridcase_events_dead_lettered_total") continue;
    for (const auto& m : family.metric) counted += m.counter.value;
  }
  EXPECT_EQ(counted, static_cast<double>(victim.events.size()));

  // Every other case's record is what a rebuild computes; the victim's is
  // repaired by it.
  ASSERT_OK_AND_ASSIGN(Snapshot incremental, Dump(pool_.get(), 1));
  ASSERT_OK_AND_ASSIGN(RebuildResult rebuilt,
                       Rebuild(pool_.get(), aggregates_.get()));
  EXPECT_EQ(rebuilt.skipped_entries, 0);
  EXPECT_EQ(rebuilt.skipped_cases, 0);
  ASSERT_OK_AND_ASSIGN(Snapshot fresh, Dump(pool_.get(), rebuilt.generation));
  size_t records = 0;
  for (int shard = 0; shard < kShards; ++shard) {
    std::string key = absl::StrCat(shard, "/", store::kStatsCasesSuffix);
    for (const auto& [id, record] : fresh[key]) {
      ++records;
      if (id == victim.id) {
        EXPECT_EQ(incremental[key][id], old_record);
        ASSERT_OK(DecodeRecord(record).status());
      } else {
        EXPECT_EQ(incremental[key][id], record) << id;
      }
    }
  }
  EXPECT_EQ(records, cases.size());
}

// What the rebuild cannot read it skips, logs and counts; it still
// finishes: a timeline entry that does not parse, and a case whose record in
// the new generation is unreadable. A reporter id holding \x1f (which once
// made every later event of its case fail) is no trouble at all.
TEST_F(StatsRebuildTest, RebuildSkipsAndCountsWhatItCannotRead) {
  std::vector<GeneratedCase> cases =
      GenerateHistory({.cases = 100, .seed = 11, .shards = kShards});
  GeneratedCase& hotline = cases[1];
  for (v1::CaseEvent& e : hotline.events) {
    e.mutable_dimensions()->set_reporter_id("hot\x1fline");
    e.mutable_dimensions()->set_reporter_kind(v1::REPORTER_KIND_STAFF);
  }
  ASSERT_OK(StoreHistory(pool_.get(), &cases));
  int64_t events = 0;
  for (const GeneratedCase& c : cases) {
    events += static_cast<int64_t>(c.events.size());
  }
  const GeneratedCase& torn = cases[2];
  ASSERT_OK(pool_
                ->Command({"RPUSH", store::TimelineKey(torn.shard, torn.id),
                           "not-a-timeline-entry"})
                .status());
  // The first rebuild builds generation 2; an older replica left a record
  // there that this release cannot read.
  const GeneratedCase& unreadable = cases[3];
  ASSERT_OK(pool_
                ->Command({"HSET",
                           absl::StrCat(store::StatsGenerationPrefix(
                                            unreadable.shard, 2),
                                        store::kStatsCasesSuffix),
                           unreadable.id,
                           "7\x1f"
                           "broken"})
                .status());

  ASSERT_OK_AND_ASSIGN(RebuildResult r,
                       Rebuild(pool_.get(), aggregates_.get()));
  EXPECT_EQ(r.generation, 2);
  EXPECT_EQ(r.cases, 100);
  EXPECT_EQ(r.skipped_entries, 1);
  EXPECT_EQ(r.skipped_cases, 1);
  EXPECT_EQ(r.events, events - static_cast<int64_t>(unreadable.events.size()));
  auto record = [&](const GeneratedCase& c) -> absl::StatusOr<CaseRecord> {
    ASSIGN_OR_RETURN(
        redis::Reply raw,
        pool_->Command({"HGET",
                        absl::StrCat(store::StatsGenerationPrefix(c.shard, 2),
                                     store::kStatsCasesSuffix),
                        c.id}));
    return DecodeRecord(raw.str());
  };
  auto latest = [](const GeneratedCase& c) {
    int64_t v = 0;
    for (const v1::CaseEvent& e : c.events) v = std::max(v, e.case_version());
    return v;
  };
  ASSERT_OK_AND_ASSIGN(CaseRecord hot, record(hotline));
  EXPECT_EQ(hot.dims.reporter_id(), "hot\x1fline");
  EXPECT_EQ(hot.version, latest(hotline));
  ASSERT_OK_AND_ASSIGN(CaseRecord rest, record(torn));
  EXPECT_EQ(rest.version, latest(torn));
  ASSERT_OK_AND_ASSIGN(auto gens, aggregates_->Generations());
  for (const auto& [cur, build] : gens) {
    EXPECT_EQ(cur, 2);
    EXPECT_EQ(build, 0);
  }
}

}  // namespace
}  // namespace gridcase::stats
