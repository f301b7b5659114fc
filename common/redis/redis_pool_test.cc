// RedisPool against a real redis-server on a unix socket.
#include "common/redis/redis_pool.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::redis {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::RedisServer;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

class RedisPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(pool_, NewPool(4, absl::Seconds(2)));
  }

  absl::StatusOr<std::unique_ptr<RedisPool>> NewPool(
      int size, absl::Duration command_timeout) {
    return RedisPool::Create({.address = server_->address(),
                              .max_connections = size,
                              .command_timeout = command_timeout});
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisPool> pool_;
};

TEST(Endpoint, ParsesEveryAddressForm) {
  ASSERT_OK_AND_ASSIGN(Endpoint u, ParseEndpoint("unix:///tmp/r.sock"));
  EXPECT_EQ(u.unix_path, "/tmp/r.sock");
  ASSERT_OK_AND_ASSIGN(Endpoint t, ParseEndpoint("tcp://redis:6380"));
  EXPECT_EQ(t.host, "redis");
  EXPECT_EQ(t.port, 6380);
  ASSERT_OK_AND_ASSIGN(Endpoint p, ParseEndpoint("127.0.0.1:6379"));
  EXPECT_EQ(p.ToString(), "127.0.0.1:6379");
  EXPECT_THAT(ParseEndpoint("redis"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must be host:port")));
  EXPECT_THAT(ParseEndpoint("redis:99999"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("port must be 1-65535")));
  EXPECT_THAT(
      ParseEndpoint("unix://relative.sock"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("absolute")));
}

TEST_F(RedisPoolTest, ManyThreadsShareASmallPool) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!pool_->Command({"INCR", "shared"}).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_OK_AND_ASSIGN(Reply total, pool_->Command({"GET", "shared"}));
  EXPECT_EQ(total.str(), absl::StrCat(kThreads * kPerThread));
  EXPECT_LE(pool_->connects(), 4);
}

TEST_F(RedisPoolTest, ReconnectsAfterClientKill) {
  // Warm every pooled connection, then kill them all from another client.
  std::vector<std::thread> warm;
  for (int i = 0; i < 4; ++i) {
    warm.emplace_back([&] { ASSERT_OK(pool_->Command({"PING"})); });
  }
  for (auto& t : warm) t.join();
  int64_t before = pool_->connects();

  ASSERT_OK_AND_ASSIGN(auto admin, NewPool(1, absl::Seconds(2)));
  ASSERT_OK(admin->Command({"CLIENT", "SETNAME", "admin"}));
  ASSERT_OK_AND_ASSIGN(Reply list, admin->Command({"CLIENT", "LIST"}));
  int killed = 0;
  for (absl::string_view line : absl::StrSplit(list.str(), '\n')) {
    if (line.empty() || absl::StrContains(line, "name=admin")) continue;
    std::string id(line.substr(3, line.find(' ') - 3));  // "id=N ..."
    ASSERT_OK(admin->Command({"CLIENT", "KILL", "ID", id}));
    ++killed;
  }
  ASSERT_EQ(killed, before);

  // Every call after the kill succeeds: stale connections are replaced.
  for (int i = 0; i < 10; ++i) {
    ASSERT_THAT(pool_->Command({"INCR", "after-kill"}), IsOk()) << "call " << i;
  }
  EXPECT_GT(pool_->connects(), before);
}

TEST_F(RedisPoolTest, SlowCommandTimesOutAndTheConnectionIsReplaced) {
  ASSERT_OK_AND_ASSIGN(auto pool, NewPool(1, absl::Milliseconds(200)));
  absl::Time start = absl::Now();
  EXPECT_THAT(
      pool->Command({"DEBUG", "SLEEP", "2"}),
      StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("no reply")));
  // The timeout fired well before the server answered.
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(1500));
  // Wait for the (single-threaded) server to finish sleeping.
  ASSERT_OK(pool_->Command({"PING"}));
  // The late reply to DEBUG SLEEP must not be read as the reply to these:
  // the timed-out connection was dropped, not returned to the pool.
  ASSERT_OK_AND_ASSIGN(Reply set, pool->Command({"SET", "k", "v"}));
  EXPECT_EQ(set.str(), "OK");
  ASSERT_OK_AND_ASSIGN(Reply got, pool->Command({"GET", "k"}));
  EXPECT_EQ(got.str(), "v");
  EXPECT_EQ(pool->connects(), 2);
}

TEST(RedisPoolNoServer, ConnectFailsFastWithUnavailable) {
  ASSERT_OK_AND_ASSIGN(
      auto pool, RedisPool::Create({.address = "unix:///nonexistent/r.sock"}));
  absl::Time start = absl::Now();
  EXPECT_THAT(pool->Command({"PING"}), StatusIs(absl::StatusCode::kUnavailable,
                                                HasSubstr("cannot connect")));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

}  // namespace
}  // namespace gridcase::redis
