// Workers against a real redis-server with a fake case source and a fake
// HTTP poster: what one event becomes in the outbox, and what a send round
// puts on the wire (the idempotency header, a signature that verifies) and
// records (sent, retry at the backoff, dead at the limit).
#include "services/notify/workers.h"

#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "common/clock/fake_clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/case_id.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/notify/notify_fixture.h"
#include "services/notify/signer.h"

namespace gridcase::notify {
namespace {

using ::gridcase::testing::RedisServer;
using ::testing::SizeIs;

constexpr char kSecret[] = "workers-test-secret-0123456789";
constexpr int kShards = 4;

class FakeCases final : public CaseFacts {
 public:
  explicit FakeCases(v1::Case c) : case_(std::move(c)) {}
  absl::StatusOr<v1::Case> Case(int, const std::string& id) override {
    if (id != case_.id()) return absl::NotFoundError("no such case");
    return case_;
  }
  absl::StatusOr<std::vector<std::string>> Followers(
      int, const std::string&) override {
    return std::vector<std::string>{};
  }

 private:
  v1::Case case_;
};

class FakePoster final : public HttpPoster {
 public:
  struct Request {
    std::string url;
    Headers headers;
    std::string body;
  };
  HttpResult Post(const std::string& url, const Headers& headers,
                  const std::string& body, absl::Duration) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back({url, headers, body});
    HttpResult r = answers_.empty() ? HttpResult{.status = 200} : answers_[0];
    if (!answers_.empty()) answers_.erase(answers_.begin());
    return r;
  }
  void Answer(std::vector<HttpResult> answers) {
    absl::MutexLock lock(&mu_);
    answers_ = std::move(answers);
  }
  std::vector<Request> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  absl::Mutex mu_;
  std::vector<Request> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<HttpResult> answers_ ABSL_GUARDED_BY(mu_);
};

std::string Header(const Headers& headers, const std::string& name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

class WorkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = server_->address()}));
    outbox_ = std::make_unique<RedisOutbox>(
        pool_.get(), RedisOutboxOptions{.shards = kShards});
    case_ = testing::WeChatCase();
    ASSERT_OK_AND_ASSIGN(store::CaseId id,
                         store::ParseCaseId(case_.id(), kShards));
    shard_ = id.shard;
    cases_ = std::make_unique<FakeCases>(case_);
    metrics_ = std::make_unique<NotifyMetrics>(registry_);
    workers_ = std::make_unique<Workers>(
        outbox_.get(), cases_.get(), /*events=*/nullptr, &poster_, &routes_,
        kSecret, metrics_.get(), &clock_,
        WorkerOptions{.shards = kShards,
                      .lease = absl::Seconds(10),
                      .backoff = {.base = absl::Seconds(2),
                                  .cap = absl::Minutes(1),
                                  .jitter = 0,
                                  .max_attempts = 2}});
  }

  v1::CaseEvent Event(v1::CaseEventType type) {
    v1::CaseEvent e = testing::EventOf(case_, type);
    e.set_shard(shard_);
    return e;
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<RedisOutbox> outbox_;
  v1::Case case_;
  int shard_ = 0;
  std::unique_ptr<FakeCases> cases_;
  FakePoster poster_;
  Routes routes_ = testing::EverywhereRoutes();
  prometheus::Registry registry_;
  std::unique_ptr<NotifyMetrics> metrics_;
  FakeClock clock_{absl::FromUnixSeconds(1764900000)};
  std::unique_ptr<Workers> workers_;
};

TEST_F(WorkersTest, AnEventBecomesOneSignedRequestPerRecipient) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_OVERDUE);
  ASSERT_OK_AND_ASSIGN(std::vector<NewDelivery> batch, workers_->Deliveries(e));
  ASSERT_THAT(batch, SizeIs(2));  // the department and the duty chief
  ASSERT_OK(outbox_->Enqueue(e, batch, clock_.Now()).status());
  EXPECT_THAT(workers_->SendDue(shard_), ::gridcase::testing::IsOkAndHolds(2));
  std::vector<FakePoster::Request> sent = poster_.requests();
  ASSERT_THAT(sent, SizeIs(2));
  for (const FakePoster::Request& r : sent) {
    std::string id = Header(r.headers, kDeliveryHeader);
    EXPECT_TRUE(id == batch[0].target.delivery_id ||
                id == batch[1].target.delivery_id)
        << id;
    int64_t ts = 0;
    ASSERT_TRUE(absl::SimpleAtoi(Header(r.headers, kTimestampHeader), &ts));
    EXPECT_EQ(ts, 1764900000);
    EXPECT_TRUE(VerifySignatureV1(kSecret, ts, r.body,
                                  Header(r.headers, kSignatureHeader)));
    ASSERT_OK_AND_ASSIGN(v1::Delivery d, outbox_->Get(id));
    EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_SENT);
  }
  // Nothing is due any more.
  clock_.Advance(absl::Hours(1));
  EXPECT_THAT(workers_->SendDue(shard_), ::gridcase::testing::IsOkAndHolds(0));
}

TEST_F(WorkersTest, FailuresAreRetriedAtTheBackoffThenDeadLettered) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_DISPATCHED);
  ASSERT_OK_AND_ASSIGN(std::vector<NewDelivery> batch, workers_->Deliveries(e));
  ASSERT_THAT(batch, SizeIs(1));
  ASSERT_OK(outbox_->Enqueue(e, batch, clock_.Now()).status());
  const std::string& id = batch[0].target.delivery_id;
  poster_.Answer({{.status = 503}, {.error = "slow", .timed_out = true}});

  EXPECT_THAT(workers_->SendDue(shard_), ::gridcase::testing::IsOkAndHolds(1));
  ASSERT_OK_AND_ASSIGN(v1::Delivery d, outbox_->Get(id));
  EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_RETRYING);
  EXPECT_EQ(d.last_result(), "HTTP 503");
  EXPECT_EQ(d.next_attempt_at().seconds(), 1764900000 + 2);
  clock_.Advance(absl::Seconds(1));
  EXPECT_THAT(workers_->SendDue(shard_), ::gridcase::testing::IsOkAndHolds(0));
  clock_.Advance(absl::Seconds(1));
  EXPECT_THAT(workers_->SendDue(shard_), ::gridcase::testing::IsOkAndHolds(1));
  ASSERT_OK_AND_ASSIGN(d, outbox_->Get(id));
  EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_DEAD);  // max_attempts 2
  EXPECT_EQ(d.attempts(), 2);
  EXPECT_EQ(d.last_result(), "timeout: slow");
  // Every attempt carried the same id and the same body.
  std::vector<FakePoster::Request> sent = poster_.requests();
  ASSERT_THAT(sent, SizeIs(2));
  EXPECT_EQ(Header(sent[0].headers, kDeliveryHeader), id);
  EXPECT_EQ(Header(sent[1].headers, kDeliveryHeader), id);
  EXPECT_EQ(sent[0].body, sent[1].body);
  EXPECT_EQ(sent[0].url, "http://127.0.0.1:1/dept");
}

TEST_F(WorkersTest, ARefusalIsDeadAtOnce) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_DISPATCHED);
  ASSERT_OK_AND_ASSIGN(std::vector<NewDelivery> batch, workers_->Deliveries(e));
  ASSERT_OK(outbox_->Enqueue(e, batch, clock_.Now()).status());
  poster_.Answer({{.status = 404}});
  EXPECT_THAT(workers_->SendDue(shard_), ::gridcase::testing::IsOkAndHolds(1));
  ASSERT_OK_AND_ASSIGN(v1::Delivery d,
                       outbox_->Get(batch[0].target.delivery_id));
  EXPECT_EQ(d.status(), v1::DELIVERY_STATUS_DEAD);
  EXPECT_EQ(d.attempts(), 1);
}

TEST_F(WorkersTest, EventsOlderThanTheMaximumAgeAreNotNotified) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_DISPATCHED);
  clock_.Advance(absl::Hours(24));
  EXPECT_THAT(workers_->Deliveries(e),
              ::gridcase::testing::IsOkAndHolds(SizeIs(1)));
  clock_.Advance(absl::Seconds(1));
  EXPECT_THAT(workers_->Deliveries(e),
              ::gridcase::testing::IsOkAndHolds(SizeIs(0)));
}

TEST_F(WorkersTest, UnroutedEventsAndMissingCasesMakeNothing) {
  EXPECT_THAT(workers_->Deliveries(Event(v1::CASE_EVENT_TYPE_ACKNOWLEDGED)),
              ::gridcase::testing::IsOkAndHolds(SizeIs(0)));
  v1::CaseEvent gone = Event(v1::CASE_EVENT_TYPE_DISPATCHED);
  gone.set_case_id("330483-20261205-000099");
  EXPECT_THAT(
      workers_->Deliveries(gone).status(),
      ::gridcase::testing::StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

}  // namespace
}  // namespace gridcase::notify
