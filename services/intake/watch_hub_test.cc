// WatchHub over a real redis-server: fan-out, the join position, the
// per-stream buffer and the caps.
#include "services/intake/watch_hub.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/case_store.h"

namespace gridcase::intake {
namespace {

using ::gridcase::testing::RedisServer;
using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kShards = 2;

bool Everything(const v1::CaseEvent&) { return true; }

class WatchHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = redis_->address(),
                                         .max_connections = 8,
                                         .command_timeout = absl::Seconds(3)}));
    store_ = std::make_unique<RedisCaseStore>(
        pool_.get(), RedisCaseStore::Options{.shards = kShards});
  }

  void StartHub(WatchLimits limits) {
    limits.block = absl::Milliseconds(200);
    hub_ = std::make_unique<WatchHub>(
        std::vector<CaseStore*>(kShards, store_.get()), limits, nullptr);
    hub_->Start();
  }

  // Subscribes, retrying while the readers have not read their tails yet.
  std::unique_ptr<WatchSubscription> Join(
      const std::string& subject, std::vector<int> shards,
      std::function<bool(const v1::CaseEvent&)> wanted = Everything) {
    absl::Time until = absl::Now() + absl::Seconds(10);
    while (true) {
      absl::StatusOr<std::unique_ptr<WatchSubscription>> s =
          hub_->Subscribe(subject, shards, wanted);
      if (s.ok() || s.status().code() != absl::StatusCode::kUnavailable ||
          absl::Now() > until) {
        EXPECT_OK(s.status());
        return s.ok() ? *std::move(s) : nullptr;
      }
      absl::SleepFor(absl::Milliseconds(20));  // readers starting
    }
  }

  // XADDs an event for `case_id` on `shard`; returns its id.
  std::string Add(int shard, const std::string& case_id,
                  const std::string& note = "") {
    v1::CaseEvent e;
    e.set_type(v1::CASE_EVENT_TYPE_FOLLOWED_UP);
    e.set_note(note);
    absl::StatusOr<redis::Reply> id = pool_->Command(
        {"XADD", store::EventsKey(shard), "*", "type", "x", "case", case_id,
         "related", "", "pb", e.SerializeAsString()});
    EXPECT_OK(id.status());
    return id.ok() ? id->str() : "";
  }

  // Event ids `s` delivers within 10 s until it has `n` (or ends otherwise).
  std::vector<std::string> Collect(WatchSubscription& s, size_t n,
                                   WatchSubscription::Next* last = nullptr) {
    std::vector<std::string> ids;
    absl::Time until = absl::Now() + absl::Seconds(10);
    while (ids.size() < n && absl::Now() < until) {
      std::vector<std::shared_ptr<const StreamEvent>> events;
      WatchSubscription::Positions latest;
      WatchSubscription::Next next =
          s.Wait(absl::Milliseconds(100), &events, &latest);
      if (last != nullptr) *last = next;
      if (next == WatchSubscription::Next::kOverflowed ||
          next == WatchSubscription::Next::kClosed) {
        break;
      }
      for (const auto& e : events) ids.push_back(e->event.id());
    }
    return ids;
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<redis::RedisPool> pool_;
  std::unique_ptr<RedisCaseStore> store_;
  std::unique_ptr<WatchHub> hub_;
};

TEST_F(WatchHubTest, EveryNewEntryReachesEverySubscriberOfItsShardOnce) {
  std::string before = Add(0, "c-0");
  StartHub({});
  auto a = Join("a", {0});
  auto b = Join("b", {0, 1});
  auto c = Join("c", {1});
  // The join position is the newest entry: what came before is not queued.
  EXPECT_EQ(a->joined_at().at(0), before);
  EXPECT_EQ(c->joined_at().at(1), "0-0");
  std::string x = Add(0, "c-1");
  std::string y = Add(1, "c-2");
  std::string z = Add(0, "c-3");
  EXPECT_THAT(Collect(*a, 2), ElementsAre(x, z));
  std::vector<std::string> both = Collect(*b, 3);
  EXPECT_THAT(both, ::testing::UnorderedElementsAre(x, y, z));
  EXPECT_THAT(Collect(*c, 1), ElementsAre(y));
}

TEST_F(WatchHubTest, UnwantedEntriesAreNotQueuedButMoveLatest) {
  StartHub({});
  auto s = Join("a", {0},
                [](const v1::CaseEvent& e) { return e.case_id() == "wanted"; });
  Add(0, "other");
  std::string wanted = Add(0, "wanted");
  std::string last = Add(0, "other");
  EXPECT_THAT(Collect(*s, 1), ElementsAre(wanted));
  // Once the hub has read `last`, an idle wait reports it as latest.
  absl::Time until = absl::Now() + absl::Seconds(10);
  WatchSubscription::Positions latest;
  while (latest[0] != last && absl::Now() < until) {
    std::vector<std::shared_ptr<const StreamEvent>> events;
    EXPECT_EQ(s->Wait(absl::Milliseconds(100), &events, &latest),
              WatchSubscription::Next::kIdle);
    EXPECT_TRUE(events.empty());
  }
  EXPECT_EQ(latest[0], last);
}

TEST_F(WatchHubTest, ASlowSubscriberOverflowsWithoutHoldingUpOthers) {
  StartHub({.buffer_events = 3});
  auto slow = Join("slow", {0});
  auto fast = Join("fast", {0});
  std::vector<std::string> added;
  std::vector<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    added.push_back(Add(0, "c"));
    // `fast` keeps up; `slow` never reads.
    std::vector<std::string> got = Collect(*fast, 1);
    seen.insert(seen.end(), got.begin(), got.end());
  }
  EXPECT_EQ(seen, added);
  WatchSubscription::Next last;
  Collect(*slow, 100, &last);
  EXPECT_EQ(last, WatchSubscription::Next::kOverflowed);
}

TEST_F(WatchHubTest, CapsStreamsPerCallerAndOverall) {
  StartHub({.max_streams = 3, .max_per_caller = 2});
  auto a1 = Join("a", {0});
  auto a2 = Join("a", {1});
  EXPECT_THAT(hub_->Subscribe("a", {0}, Everything),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("watch_max_streams_per_caller = 2")));
  auto b1 = Join("b", {0});
  EXPECT_THAT(hub_->Subscribe("c", {0}, Everything),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("watch_max_streams = 3")));
  EXPECT_EQ(hub_->open_streams(), 3);
  a1.reset();  // a stream ends: its caller may open another
  auto a3 = Join("a", {0});
  EXPECT_NE(a3, nullptr);
}

TEST_F(WatchHubTest, StopClosesSubscriptions) {
  StartHub({});
  auto s = Join("a", {0});
  hub_->Stop();
  WatchSubscription::Next last;
  Collect(*s, 1, &last);
  EXPECT_EQ(last, WatchSubscription::Next::kClosed);
  EXPECT_THAT(hub_->Subscribe("a", {0}, Everything),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
}

TEST(WatchLimitsTest, NamesTheFlagOfABadLimit) {
  EXPECT_THAT(ValidateWatchLimits({.max_streams = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--watch_max_streams:")));
  EXPECT_THAT(ValidateWatchLimits({.max_per_caller = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--watch_max_streams_per_caller:")));
  EXPECT_THAT(ValidateWatchLimits({.buffer_events = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--watch_buffer_events:")));
}

}  // namespace
}  // namespace gridcase::intake
