// The quarantine against a real redis-server: what a consumer group does
// with entries its handler cannot handle — dead-letter at once, retry up to
// max_deliveries, retry without counting, or dead-letter unhandled entries
// whose consumers died — and the consume loop flowing past a poison entry.
#include "common/events/quarantine.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/events/consumer.h"
#include "common/events/event_source.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace gridcase::events {
namespace {

using ::gridcase::testing::RedisServer;
using ::testing::IsEmpty;

constexpr int kShards = 2;
constexpr char kGroup[] = "stats";

// Bytes that broke a separator-joined encoding, in the event's payload.
const std::string kHostilePb("pb\x1f\0|:\xff", 7);

class QuarantineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = server_->address()}));
    source_ = std::make_unique<RedisEventSource>(pool_.get(), kShards, kGroup);
    ASSERT_OK(source_->EnsureGroups());
  }

  // XADDs an entry as intake's and dispatch's scripts do; returns its id.
  std::string Add(int shard, const std::string& case_id,
                  const std::string& pb = "pb") {
    absl::StatusOr<redis::Reply> r = pool_->Command(
        {"XADD", store::EventsKey(shard), "*", "type", "case.reported", "case",
         case_id, "related", "", "pb", pb});
    EXPECT_OK(r.status());
    return r.ok() ? r->str() : "";
  }

  std::vector<StreamEntry> Read(const std::string& consumer) {
    absl::StatusOr<std::vector<StreamEntry>> r =
        source_->Read(consumer, 100, absl::Milliseconds(10));
    EXPECT_OK(r.status());
    return r.ok() ? *r : std::vector<StreamEntry>{};
  }

  // Every pending entry, now `consumer`'s (min idle 0).
  std::vector<StreamEntry> ClaimAll(const std::string& consumer) {
    absl::StatusOr<std::vector<StreamEntry>> r =
        source_->Claim(consumer, absl::ZeroDuration(), 100);
    EXPECT_OK(r.status());
    return r.ok() ? *r : std::vector<StreamEntry>{};
  }

  int64_t Pending(int shard) {
    absl::StatusOr<redis::Reply> r =
        pool_->Command({"XPENDING", store::EventsKey(shard), kGroup});
    EXPECT_OK(r.status());
    return r.ok() ? r->elements()[0].integer() : -1;
  }

  // The dead letters of `shard`, each as field → value.
  std::vector<std::map<std::string, std::string>> DeadLetters(int shard) {
    std::vector<std::map<std::string, std::string>> out;
    absl::StatusOr<redis::Reply> r =
        pool_->Command({"XRANGE", store::DeadEventsKey(shard), "-", "+"});
    EXPECT_OK(r.status());
    if (!r.ok()) return out;
    for (const redis::Reply& entry : r->elements()) {
      auto& fields = out.emplace_back();
      const auto& kv = entry.elements()[1].elements();
      for (size_t i = 0; i + 1 < kv.size(); i += 2) {
        fields[kv[i].str()] = kv[i + 1].str();
      }
    }
    return out;
  }

  double DeadLettered(const std::string& reason) {
    for (const auto& family : registry_.Collect()) {
      if (family.name != "gridcase_events_dead_lettered_total") continue;
      for (const auto& m : family.metric) {
        std::map<std::string, std::string> labels;
        for (const auto& l : m.label) labels[l.name] = l.value;
        if (labels["group"] == kGroup && labels["reason"] == reason) {
          return m.counter.value;
        }
      }
    }
    return -1;
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<RedisEventSource> source_;
  prometheus::Registry registry_;
  DeadLetterMetrics metrics_{registry_, kGroup};
};

TEST(Classify, PermanentTransientOrRetriedByCode) {
  EXPECT_EQ(Classify(absl::DataLossError("")), Failure::kPermanent);
  EXPECT_EQ(Classify(absl::InvalidArgumentError("")), Failure::kPermanent);
  EXPECT_EQ(Classify(absl::OutOfRangeError("")), Failure::kPermanent);
  EXPECT_EQ(Classify(absl::UnavailableError("")), Failure::kTransient);
  EXPECT_EQ(Classify(absl::DeadlineExceededError("")), Failure::kTransient);
  EXPECT_EQ(Classify(absl::AbortedError("")), Failure::kTransient);
  EXPECT_EQ(Classify(absl::ResourceExhaustedError("")), Failure::kTransient);
  EXPECT_EQ(Classify(absl::InternalError("")), Failure::kRetry);
  EXPECT_EQ(Classify(absl::FailedPreconditionError("")), Failure::kRetry);
  EXPECT_EQ(Classify(absl::UnknownError("")), Failure::kRetry);
}

TEST_F(QuarantineTest, PermanentErrorIsDeadLetteredAndTheRestAcknowledged) {
  std::string good = Add(1, "330483-20260630-000001");
  std::string poison = Add(1, "330483-20260630-000003", kHostilePb);
  std::string after = Add(1, "330483-20260630-000005");
  Quarantine q(source_.get(), &metrics_, {.consumer = "c1"});
  std::vector<StreamEntry> batch = Read("c1");
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[1].deliveries, 1);
  Quarantine::Settled settled = q.Settle(
      batch, {absl::OkStatus(), absl::DataLossError("record is malformed"),
              absl::OkStatus()});
  EXPECT_EQ(settled.acked, 2);
  EXPECT_EQ(settled.dead_lettered, 1);
  EXPECT_EQ(settled.pending, 0);
  EXPECT_EQ(Pending(1), 0);
  auto dead = DeadLetters(1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["group"], kGroup);
  EXPECT_EQ(dead[0]["entry"], poison);
  EXPECT_EQ(dead[0]["consumer"], "c1");
  EXPECT_EQ(dead[0]["deliveries"], "1");
  EXPECT_EQ(dead[0]["code"], "DATA_LOSS");
  EXPECT_EQ(dead[0]["error"], "record is malformed");
  // The original fields, byte for byte.
  EXPECT_EQ(dead[0]["type"], "case.reported");
  EXPECT_EQ(dead[0]["case"], "330483-20260630-000003");
  EXPECT_EQ(dead[0]["pb"], kHostilePb);
  EXPECT_THAT(DeadLetters(0), IsEmpty());
  EXPECT_EQ(DeadLettered("permanent_error"), 1);
  EXPECT_EQ(DeadLettered("max_deliveries"), 0);
}

TEST_F(QuarantineTest, OtherErrorsAreRetriedUpToMaxDeliveries) {
  std::string id = Add(0, "330483-20260630-000002");
  Quarantine q(source_.get(), &metrics_,
               {.consumer = "c1", .max_deliveries = 3});
  std::vector<StreamEntry> batch = Read("c1");
  for (int delivery = 1; delivery <= 3; ++delivery) {
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch[0].deliveries, delivery);
    Quarantine::Settled s =
        q.Settle(batch, {absl::InternalError("redis: ERR script failed")});
    EXPECT_EQ(s.dead_lettered, delivery == 3 ? 1 : 0);
    EXPECT_EQ(s.pending, delivery == 3 ? 0 : 1);
    batch = ClaimAll("c1");
  }
  EXPECT_THAT(batch, IsEmpty());
  EXPECT_EQ(Pending(0), 0);
  auto dead = DeadLetters(0);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["entry"], id);
  EXPECT_EQ(dead[0]["deliveries"], "3");
  EXPECT_EQ(dead[0]["code"], "INTERNAL");
  EXPECT_EQ(DeadLettered("max_deliveries"), 1);
}

// An outage is nobody's fault: its failed deliveries do not count, however
// many there are, and the entry is handled once the outage ends.
TEST_F(QuarantineTest, TransientErrorsAreRetriedWithoutLimit) {
  Add(0, "330483-20260630-000002");
  Quarantine q(source_.get(), &metrics_,
               {.consumer = "c1", .max_deliveries = 2});
  std::vector<StreamEntry> batch = Read("c1");
  for (int attempt = 0; attempt < 6; ++attempt) {
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch[0].deliveries, 1) << "attempt " << attempt;
    EXPECT_EQ(
        q.Settle(batch, {absl::UnavailableError("registry down")}).pending, 1);
    batch = ClaimAll("c1");
  }
  EXPECT_EQ(q.Settle(batch, {absl::OkStatus()}).acked, 1);
  EXPECT_EQ(Pending(0), 0);
  EXPECT_THAT(DeadLetters(0), IsEmpty());
  EXPECT_EQ(DeadLettered("max_deliveries"), 0);
}

// A poison entry that kills its consumer leaves no status behind; the
// delivery counter still grows with every claim.
TEST_F(QuarantineTest, EntriesThatKillTheirConsumersAreDeadLetteredUnhandled) {
  std::string id = Add(1, "330483-20260630-000001");
  ASSERT_EQ(Read("dies-1").size(), 1u);      // delivery 1: crash
  ASSERT_EQ(ClaimAll("dies-2").size(), 1u);  // delivery 2: crash
  std::vector<StreamEntry> third = ClaimAll("c3");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].deliveries, 3);
  Quarantine q(source_.get(), &metrics_,
               {.consumer = "c3", .max_deliveries = 2});
  EXPECT_THAT(q.Screen(third), IsEmpty());
  EXPECT_EQ(Pending(1), 0);
  auto dead = DeadLetters(1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["entry"], id);
  EXPECT_EQ(dead[0]["deliveries"], "3");
  EXPECT_EQ(dead[0]["code"], "ABORTED");
  EXPECT_EQ(DeadLettered("max_deliveries"), 1);
}

// Only the consumer an entry is pending on decides its fate.
TEST_F(QuarantineTest, AnEntryClaimedByAnotherConsumerIsLeftToIt) {
  Add(0, "330483-20260630-000002");
  std::vector<StreamEntry> mine = Read("slow");
  ASSERT_EQ(ClaimAll("fast").size(), 1u);
  Quarantine q(source_.get(), &metrics_, {.consumer = "slow"});
  Quarantine::Settled s = q.Settle(mine, {absl::DataLossError("corrupt")});
  EXPECT_EQ(s.dead_lettered, 0);
  EXPECT_EQ(Pending(0), 1);
  EXPECT_THAT(DeadLetters(0), IsEmpty());
  EXPECT_EQ(DeadLettered("permanent_error"), 0);
}

// The consume loop: a poison entry in the middle of the stream is
// quarantined and every other entry is handled; nothing stays pending.
TEST_F(QuarantineTest, ConsumeFlowsPastAPoisonEntry) {
  std::set<std::string> innocent;
  std::string poison;
  for (int i = 0; i < 40; ++i) {
    std::string case_id = absl::StrCat("330483-20260630-", 100000 + i);
    if (i == 17) {
      poison = Add(i % kShards, case_id, kHostilePb);
    } else {
      innocent.insert(Add(i % kShards, case_id));
    }
  }
  absl::Mutex mu;
  std::set<std::string> handled;
  Loops loops;
  loops.Run([&] {
    Consume(source_.get(),
            {.consumer = "c1",
             .batch = 8,
             .block = absl::Milliseconds(50),
             .claim_idle = absl::Milliseconds(200)},
            &metrics_, loops, [&](const std::vector<StreamEntry>& batch) {
              std::vector<absl::Status> out;
              absl::MutexLock lock(&mu);
              for (const StreamEntry& e : batch) {
                if (e.pb == kHostilePb) {
                  out.push_back(absl::DataLossError("corrupt event"));
                } else {
                  handled.insert(e.id);
                  out.push_back(absl::OkStatus());
                }
              }
              return out;
            });
  });
  absl::Time until = absl::Now() + absl::Seconds(20);
  while (absl::Now() < until) {
    absl::StatusOr<std::pair<int64_t, int64_t>> backlog = source_->Backlog();
    if (backlog.ok() && *backlog == std::make_pair(int64_t{0}, int64_t{0}) &&
        DeadLetters(17 % kShards).size() == 1) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  loops.Stop();
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(handled, innocent);
  }
  EXPECT_EQ(Pending(0), 0);
  EXPECT_EQ(Pending(1), 0);
  auto dead = DeadLetters(17 % kShards);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["entry"], poison);
  EXPECT_EQ(DeadLettered("permanent_error"), 1);
}

}  // namespace
}  // namespace gridcase::events
