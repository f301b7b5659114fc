// RedisCaseStore's case numbers over a real redis-server: where a day's
// counter starts, and how it jumps when Redis may have lost some of it
// (common/store/case_id.h, "Counters and restores").
#include "services/intake/case_store.h"

#include <signal.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::intake {
namespace {

using ::gridcase::testing::RedisServer;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int kShards = 16;
constexpr int kShard = 5;
constexpr char kDate[] = "20260630";

// A report of E0101 by citizen wx-1 in town 330483101 on kDate (the day that
// began at `day_start`), at (`latitude`, 120.5) on shard kShard.
NewReport SampleReport(std::string scope, absl::Time day_start,
                       double latitude) {
  NewReport r;
  r.shard = kShard;
  r.shards = kShards;
  r.idempotency_scope = std::move(scope);
  r.fingerprint = "f";
  r.division = "330483";
  r.date = kDate;
  r.day_start = day_start;
  r.case_template.set_town_code("330483101");
  r.latitude = latitude;
  r.longitude = 120.5;
  r.category_code = "E0101";
  r.reporter_id = "wx-1";
  r.now = absl::Now();
  return r;
}

class CaseNumberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = redis_->address()}));
    store_ = std::make_unique<RedisCaseStore>(
        pool_.get(), RedisCaseStore::Options{.shards = kShards});
  }

  // Reports a new case on the day that began at `day_start` (by Redis'
  // clock, which is the test's) and returns its counter value.
  int64_t Report(absl::Time day_start) {
    // Far apart, so that no report is a duplicate of another.
    NewReport r = SampleReport(absl::StrCat("wx-1:r-", next_), day_start,
                               30.0 + next_ * 0.01);
    ++next_;
    absl::StatusOr<ReportResult> result = store_->Report(r);
    EXPECT_OK(result.status());
    if (!result.ok()) return -1;
    EXPECT_FALSE(result->replayed);
    absl::StatusOr<store::CaseId> id =
        store::ParseCaseId(result->case_id, kShards);
    EXPECT_OK(id.status());
    if (!id.ok()) return -1;
    EXPECT_EQ(id->shard, kShard);
    return id->sequence / kShards;
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<RedisCaseStore> store_;
  int next_ = 0;
};

TEST_F(CaseNumberTest, StartsAtOneOnARedisThatWasUpBeforeTheDayBegan) {
  // The day begins in an hour: this Redis was up before it began.
  absl::Time tomorrow = absl::Now() + absl::Hours(1);
  EXPECT_EQ(Report(tomorrow), 1);
  EXPECT_EQ(Report(tomorrow), 2);
  EXPECT_EQ(Report(tomorrow), 3);
}

TEST_F(CaseNumberTest, OnARedisStartedDuringTheDayJumpsToTheClock) {
  // Redis started minutes ago, ten hours into the day: a restore may have
  // lost the day's counter, so it starts at the milliseconds since 00:00.
  absl::Time day_start = absl::Now() - absl::Hours(10);
  int64_t first = Report(day_start);
  EXPECT_GE(first, absl::ToInt64Milliseconds(absl::Hours(10)));
  EXPECT_EQ(Report(day_start), first + 1);
}

TEST_F(CaseNumberTest, MovedByAnotherRedisProcessJumpsByTheGap) {
  absl::Time tomorrow = absl::Now() + absl::Hours(1);
  EXPECT_EQ(Report(tomorrow), 1);
  EXPECT_EQ(Report(tomorrow), 2);
  // As if the counter came back from another process' AOF or replica.
  ASSERT_OK(pool_->Command(
      {"SET", store::SequenceRunKey(kShard, "330483", kDate), "another-run"}));
  EXPECT_EQ(Report(tomorrow), 2 + store::kCounterGapAfterRestart + 1);
  EXPECT_EQ(Report(tomorrow), 2 + store::kCounterGapAfterRestart + 2);
}

TEST_F(CaseNumberTest, RestartsThatLoseTheCounterNeverReissueANumber) {
  // No persistence: each restart loses the counter, its jump included.
  absl::Time day_start = absl::Now() - absl::Hours(10);
  std::set<int64_t> issued;
  for (int restart = 0; restart < 3; ++restart) {
    for (int i = 0; i < 5; ++i) {
      int64_t n = Report(day_start);
      EXPECT_TRUE(issued.insert(n).second)
          << n << " was issued again after restart " << restart;
    }
    ASSERT_OK(redis_->Restart());
  }
}

// A new case's ReportResult carries the case as stored, so intake need not
// read it back: it must be exactly what a read returns.
TEST_F(CaseNumberTest, ANewCaseComesBackAsItIsStored) {
  NewReport r =
      SampleReport("wx-1:r-stored", absl::Now() - absl::Hours(1), 30.5);
  r.case_template.set_category_code("E0101");
  r.case_template.set_description("路边暴露垃圾");
  r.case_template.mutable_reporter()->set_id("wx-1");
  r.case_template.mutable_reported_at()->set_seconds(1782800000);
  r.now = absl::FromUnixMillis(1782800000123);
  ASSERT_OK_AND_ASSIGN(ReportResult result, store_->Report(r));
  ASSERT_TRUE(result.stored.has_value());
  ASSERT_OK_AND_ASSIGN(v1::Case read, store_->GetCase(result.case_id));
  EXPECT_EQ(result.stored->DebugString(), read.DebugString());
  EXPECT_EQ(read.id(), result.case_id);
  EXPECT_EQ(read.state(), v1::CASE_STATE_REPORTED);

  // A replay is not known without a read.
  ASSERT_OK_AND_ASSIGN(ReportResult again, store_->Report(r));
  EXPECT_TRUE(again.replayed);
  EXPECT_FALSE(again.stored.has_value());
}

// Two intake replicas (two pools) in front of a primary whose one replica
// stops acknowledging: a report must not be acknowledged by a retry through
// the other intake either, until the replica holds it.
TEST(CaseStoreWaitTest, ARetryIsAcknowledgedOnlyOnceTheReplicaHoldsTheCase) {
  ASSERT_OK_AND_ASSIGN(auto primary, RedisServer::Start({.tcp = true}));
  ASSERT_OK_AND_ASSIGN(auto replica, RedisServer::StartReplicaOf(*primary));
  RedisCaseStore::Options options{
      .shards = kShards,
      // Long enough for an acknowledgement on a loaded machine (100 ms was
      // missed in a sanitizer run); a stopped replica costs this much. The
      // command timeout is longer, so that the WAIT is what times out.
      .wait = {.count = 1, .timeout = absl::Seconds(2)}};
  redis::PoolOptions pool_options{.address = primary->address(),
                                  .command_timeout = absl::Seconds(10)};
  ASSERT_OK_AND_ASSIGN(auto pool_a, redis::RedisPool::Create(pool_options));
  ASSERT_OK_AND_ASSIGN(auto pool_b, redis::RedisPool::Create(pool_options));
  RedisCaseStore intake_a(pool_a.get(), options);
  RedisCaseStore intake_b(pool_b.get(), options);
  NewReport r = SampleReport("wx-1:r-1", absl::Now() - absl::Hours(10), 30.68);
  ASSERT_OK_AND_ASSIGN(ReportResult first, intake_a.Report(r));
  EXPECT_FALSE(first.replayed);

  ASSERT_OK(replica->Signal(SIGSTOP));
  r.idempotency_scope = "wx-1:r-2";
  r.latitude = 30.70;
  EXPECT_THAT(intake_a.Report(r), StatusIs(absl::StatusCode::kUnavailable,
                                           HasSubstr("0 of 1 replicas")));
  // The retry reaches the other intake, whose connection wrote nothing yet.
  // (The replay rewrites the idempotency key's expiry so that WAIT covers
  // the first attempt's write even where WAIT counts only a connection's
  // own writes; Redis 7.0 counts every write before the connection's last
  // command, so this holds there either way.)
  EXPECT_THAT(intake_b.Report(r), StatusIs(absl::StatusCode::kUnavailable,
                                           HasSubstr("0 of 1 replicas")));
  ASSERT_OK(replica->Signal(SIGCONT));
  ASSERT_OK_AND_ASSIGN(ReportResult retried, intake_b.Report(r));
  EXPECT_TRUE(retried.replayed);
  ASSERT_OK_AND_ASSIGN(auto on_replica, redis::RedisPool::Create(
                                            {.address = replica->address()}));
  ASSERT_OK_AND_ASSIGN(store::CaseId id,
                       store::ParseCaseId(retried.case_id, kShards));
  ASSERT_OK_AND_ASSIGN(
      redis::Reply exists,
      on_replica->Command(
          {"EXISTS", store::CaseKey(id.shard, retried.case_id)}));
  EXPECT_EQ(exists.integer(), 1);
}

}  // namespace
}  // namespace gridcase::intake
