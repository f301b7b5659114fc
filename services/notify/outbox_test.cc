// RedisOutbox against a real redis-server: idempotent creation, leases that
// two replicas cannot share, a lease that runs out (a crashed sender), the
// retry schedule, dead letters and paging.
#include "services/notify/outbox.h"

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/recipients.h"

namespace gridcase::notify {
namespace {

using ::gridcase::testing::RedisServer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int kShards = 4;
constexpr char kCase[] = "330483-20261205-000042";
const absl::Time kT0 = absl::FromUnixSeconds(1764900000);

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = server_->address()}));
    ASSERT_OK_AND_ASSIGN(
        pool2_, redis::RedisPool::Create({.address = server_->address()}));
    outbox_ = std::make_unique<RedisOutbox>(
        pool_.get(), RedisOutboxOptions{.shards = kShards});
    replica_ = std::make_unique<RedisOutbox>(
        pool2_.get(), RedisOutboxOptions{.shards = kShards});
    ASSERT_OK_AND_ASSIGN(store::CaseId id, store::ParseCaseId(kCase, kShards));
    shard_ = id.shard;
  }

  v1::CaseEvent Event(const std::string& id) const {
    v1::CaseEvent e;
    e.set_id(id);
    e.set_shard(shard_);
    e.set_case_id(kCase);
    e.set_type(v1::CASE_EVENT_TYPE_DISPATCHED);
    return e;
  }

  static std::vector<NewDelivery> Batch(const v1::CaseEvent& e,
                                        std::vector<std::string> departments) {
    std::vector<NewDelivery> out;
    for (const std::string& d : departments) {
      Target t;
      t.recipient.set_kind(v1::RECIPIENT_KIND_DEPARTMENT);
      t.recipient.set_id(d);
      t.channel = v1::NOTIFY_CHANNEL_WEBHOOK;
      t.endpoint = "http://127.0.0.1:1/" + d;
      t.delivery_id = DeliveryId(e.shard(), e.id(), t.recipient, t.channel);
      out.push_back({t, absl::StrCat("{\"to\":\"", d, "\"}")});
    }
    return out;
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<redis::RedisPool> pool2_;
  std::unique_ptr<RedisOutbox> outbox_;
  std::unique_ptr<RedisOutbox> replica_;
  int shard_ = 0;
};

TEST_F(OutboxTest, EnqueueIsIdempotentAndNeverResetsADelivery) {
  v1::CaseEvent e = Event("1-0");
  EXPECT_THAT(outbox_->Enqueue(e, Batch(e, {"works", "water"}), kT0),
              ::gridcase::testing::IsOkAndHolds(2));
  ASSERT_OK_AND_ASSIGN(std::vector<Leased> leased,
                       outbox_->Lease(shard_, kT0, absl::Seconds(30), 10, 5));
  ASSERT_THAT(leased, SizeIs(2));
  ASSERT_OK_AND_ASSIGN(bool settled,
                       outbox_->Settle(leased[0], Outcome::kRetry, kT0,
                                       kT0 + absl::Seconds(2), "HTTP 500"));
  EXPECT_TRUE(settled);
  // The event comes again (a redelivery): nothing new, nothing reset.
  EXPECT_THAT(
      outbox_->Enqueue(e, Batch(e, {"works", "water"}), kT0 + absl::Seconds(1)),
      ::gridcase::testing::IsOkAndHolds(0));
  ASSERT_OK_AND_ASSIGN(v1::Delivery d, outbox_->Get(leased[0].id));
  EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_RETRYING);
  EXPECT_EQ(d.attempts(), 1);
  EXPECT_EQ(d.last_result(), "HTTP 500");
  ASSERT_OK_AND_ASSIGN(DeliveryPage page,
                       outbox_->List({.case_id = kCase}, "", 50));
  EXPECT_THAT(page.deliveries, SizeIs(2));
}

TEST_F(OutboxTest, TwoReplicasNeverLeaseTheSameDelivery) {
  constexpr int kEvents = 60;
  for (int i = 0; i < kEvents; ++i) {
    v1::CaseEvent e = Event(absl::StrCat(i + 1, "-0"));
    ASSERT_OK(outbox_->Enqueue(e, Batch(e, {"works"}), kT0).status());
  }
  std::vector<std::string> a, b;
  std::atomic<int> ready{0};
  auto run = [&](RedisOutbox* o, std::vector<std::string>* got) {
    ready.fetch_add(1);
    while (ready.load() < 2) std::this_thread::yield();
    for (int round = 0; round < 40; ++round) {
      absl::StatusOr<std::vector<Leased>> l =
          o->Lease(shard_, kT0, absl::Seconds(30), 3, 5);
      ASSERT_OK(l.status());
      for (const Leased& x : *l) got->push_back(x.id);
    }
  };
  std::thread ta(run, outbox_.get(), &a);
  std::thread tb(run, replica_.get(), &b);
  ta.join();
  tb.join();
  std::set<std::string> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), a.size() + b.size()) << "a delivery leased twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kEvents));
  // Which replica got how many depends on the scheduler; that none got
  // one twice does not.
}

TEST_F(OutboxTest, ALeaseThatRunsOutMakesItDueAgainAndTheLateSenderLoses) {
  v1::CaseEvent e = Event("1-0");
  ASSERT_OK(outbox_->Enqueue(e, Batch(e, {"works"}), kT0).status());
  ASSERT_OK_AND_ASSIGN(std::vector<Leased> first,
                       outbox_->Lease(shard_, kT0, absl::Seconds(10), 10, 5));
  ASSERT_THAT(first, SizeIs(1));
  EXPECT_EQ(first[0].attempt, 1);
  // The other replica finds nothing while the lease holds...
  EXPECT_THAT(
      replica_->Lease(shard_, kT0 + absl::Seconds(9), absl::Seconds(10), 10, 5),
      ::gridcase::testing::IsOkAndHolds(IsEmpty()));
  // ...and takes it once the lease has run out (the first one was killed).
  ASSERT_OK_AND_ASSIGN(std::vector<Leased> second,
                       replica_->Lease(shard_, kT0 + absl::Seconds(11),
                                       absl::Seconds(10), 10, 5));
  ASSERT_THAT(second, SizeIs(1));
  EXPECT_EQ(second[0].id, first[0].id);
  EXPECT_EQ(second[0].attempt, 2);
  EXPECT_EQ(second[0].body, "{\"to\":\"works\"}");
  EXPECT_THAT(replica_->Settle(second[0], Outcome::kSent,
                               kT0 + absl::Seconds(12), kT0, "HTTP 200"),
              ::gridcase::testing::IsOkAndHolds(true));
  // The first sender comes back late: it cannot overwrite, nor send twice.
  EXPECT_THAT(
      outbox_->Settle(first[0], Outcome::kRetry, kT0 + absl::Seconds(13),
                      kT0 + absl::Seconds(20), "HTTP 500"),
      ::gridcase::testing::IsOkAndHolds(false));
  EXPECT_THAT(replica_->Settle(second[0], Outcome::kSent,
                               kT0 + absl::Seconds(14), kT0, "HTTP 200"),
              ::gridcase::testing::IsOkAndHolds(false));
  ASSERT_OK_AND_ASSIGN(v1::Delivery d, outbox_->Get(first[0].id));
  EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_SENT);
  EXPECT_EQ(d.attempts(), 2);
  EXPECT_EQ(d.last_result(), "HTTP 200");
  EXPECT_FALSE(d.has_next_attempt_at());
  EXPECT_THAT(
      outbox_->Lease(shard_, kT0 + absl::Hours(1), absl::Seconds(10), 10, 5),
      ::gridcase::testing::IsOkAndHolds(IsEmpty()));
}

TEST_F(OutboxTest, RetriesFollowTheScheduleThenDeadLetter) {
  v1::CaseEvent e = Event("1-0");
  ASSERT_OK(outbox_->Enqueue(e, Batch(e, {"works"}), kT0).status());
  absl::Time now = kT0;
  std::string id;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_OK_AND_ASSIGN(std::vector<Leased> l,
                         outbox_->Lease(shard_, now, absl::Seconds(10), 10, 3));
    ASSERT_THAT(l, SizeIs(1)) << "attempt " << attempt;
    EXPECT_EQ(l[0].attempt, attempt);
    id = l[0].id;
    absl::Time next = now + absl::Seconds(2 << attempt);
    Outcome outcome = attempt < 3 ? Outcome::kRetry : Outcome::kDead;
    ASSERT_THAT(outbox_->Settle(l[0], outcome, now, next, "HTTP 500"),
                ::gridcase::testing::IsOkAndHolds(true));
    if (attempt < 3) {
      ASSERT_OK_AND_ASSIGN(v1::Delivery d, outbox_->Get(id));
      EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_RETRYING);
      EXPECT_EQ(absl::FromUnixMillis(d.next_attempt_at().seconds() * 1000 +
                                     d.next_attempt_at().nanos() / 1000000),
                next);
      // Not before it is due.
      EXPECT_THAT(outbox_->Lease(shard_, next - absl::Milliseconds(1),
                                 absl::Seconds(10), 10, 3),
                  ::gridcase::testing::IsOkAndHolds(IsEmpty()));
    }
    now = next;
  }
  ASSERT_OK_AND_ASSIGN(v1::Delivery d, outbox_->Get(id));
  EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_DEAD);
  EXPECT_EQ(d.attempts(), 3);
  ASSERT_OK_AND_ASSIGN(
      redis::Reply dead,
      pool_->Command({"ZRANGE", store::NotifyDeadKey(shard_), "0", "-1"}));
  ASSERT_THAT(dead.elements(), SizeIs(1));
  EXPECT_EQ(dead.elements()[0].str(), id);
  EXPECT_THAT(
      outbox_->Lease(shard_, now + absl::Hours(1), absl::Seconds(10), 10, 3),
      ::gridcase::testing::IsOkAndHolds(IsEmpty()));
}

TEST_F(OutboxTest, ALeaseRunningOutAfterTheLastAttemptDeadLetters) {
  v1::CaseEvent e = Event("1-0");
  ASSERT_OK(outbox_->Enqueue(e, Batch(e, {"works"}), kT0).status());
  ASSERT_OK_AND_ASSIGN(std::vector<Leased> l,
                       outbox_->Lease(shard_, kT0, absl::Seconds(10), 10, 1));
  ASSERT_THAT(l, SizeIs(1));
  // Its sender died; nobody may try a second time.
  EXPECT_THAT(replica_->Lease(shard_, kT0 + absl::Seconds(11),
                              absl::Seconds(10), 10, 1),
              ::gridcase::testing::IsOkAndHolds(IsEmpty()));
  ASSERT_OK_AND_ASSIGN(v1::Delivery d, outbox_->Get(l[0].id));
  EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_DEAD);
}

TEST_F(OutboxTest, DueCountIsTheBacklogNotTheLeased) {
  v1::CaseEvent e = Event("1-0");
  ASSERT_OK(outbox_->Enqueue(e, Batch(e, {"a", "b", "c"}), kT0).status());
  EXPECT_THAT(outbox_->DueCount(kT0), ::gridcase::testing::IsOkAndHolds(3));
  ASSERT_OK(outbox_->Lease(shard_, kT0, absl::Seconds(10), 2, 5).status());
  EXPECT_THAT(outbox_->DueCount(kT0), ::gridcase::testing::IsOkAndHolds(1));
}

TEST_F(OutboxTest, ListsPageNewestFirstByCaseAndByRecipientOverShards) {
  for (int i = 0; i < 5; ++i) {
    v1::CaseEvent e = Event(absl::StrCat(i + 1, "-0"));
    ASSERT_OK(outbox_
                  ->Enqueue(e, Batch(e, {"works"}),
                            kT0 + absl::Seconds(i / 2))  // ties on purpose
                  .status());
  }
  // Another case on another shard, to the same department.
  v1::CaseEvent other = Event("9-0");
  other.set_case_id("330483-20261205-000043");
  other.set_shard((shard_ + 1) % kShards);
  ASSERT_OK(
      outbox_->Enqueue(other, Batch(other, {"works"}), kT0 + absl::Seconds(10))
          .status());

  std::vector<std::string> seen;
  std::string after;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(DeliveryPage page,
                         outbox_->List({.case_id = kCase}, after, 2));
    for (const v1::Delivery& d : page.deliveries) seen.push_back(d.event_id());
    after = page.next_key;
    ++pages;
  } while (!after.empty() && pages < 10);
  EXPECT_THAT(seen, ElementsAre("5-0", "4-0", "3-0", "2-0", "1-0"));

  DeliveryFilter to_works;
  to_works.recipient.set_kind(v1::RECIPIENT_KIND_DEPARTMENT);
  to_works.recipient.set_id("works");
  ASSERT_OK_AND_ASSIGN(DeliveryPage all, outbox_->List(to_works, "", 50));
  ASSERT_THAT(all.deliveries, SizeIs(6));
  EXPECT_EQ(all.deliveries[0].event_id(), "9-0");
  EXPECT_EQ(all.deliveries[0].case_id(), "330483-20261205-000043");
  EXPECT_TRUE(all.next_key.empty());
}

}  // namespace
}  // namespace gridcase::notify
