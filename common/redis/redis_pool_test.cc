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

TEST_F(RedisPoolTest, CommandsAreBinarySafe) {
  std::string value("a b\0c\r\n\xff", 8);
  ASSERT_OK(pool_->Command({"SET", "bin key", value}));
  ASSERT_OK_AND_ASSIGN(Reply got, pool_->Command({"GET", "bin key"}));
  EXPECT_EQ(got.str(), value);
  ASSERT_OK_AND_ASSIGN(Reply missing, pool_->Command({"GET", "nope"}));
  EXPECT_TRUE(missing.is_nil());
}

TEST_F(RedisPoolTest, PipelineKeepsOrderAndPerCommandErrors) {
  std::vector<Args> cmds = {{"SET", "n", "1"},
                            {"INCR", "n"},
                            {"HSET", "n", "f", "v"},  // wrong type
                            {"INCRBY", "n", "10"}};
  ASSERT_OK_AND_ASSIGN(std::vector<Reply> replies, pool_->Pipeline(cmds));
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].str(), "OK");
  EXPECT_EQ(replies[1].integer(), 2);
  EXPECT_THAT(replies[2].ToStatus(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("WRONGTYPE")));
  EXPECT_EQ(replies[3].integer(), 12);
  // An error reply to a single command is a status.
  EXPECT_THAT(pool_->Command({"HSET", "n", "f", "v"}),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("WRONGTYPE")));
}

TEST_F(RedisPoolTest, ScriptsRunByShaAndReloadAfterFlush) {
  Script incr("incr_by", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
  ASSERT_OK_AND_ASSIGN(Reply r1, pool_->Eval(incr, {"counter"}, {"5"}));
  EXPECT_EQ(r1.integer(), 5);
  ASSERT_OK_AND_ASSIGN(Reply exists,
                       pool_->Command({"SCRIPT", "EXISTS", incr.sha1()}));
  EXPECT_EQ(exists.elements().at(0).integer(), 1);

  ASSERT_OK(pool_->Command({"SCRIPT", "FLUSH"}));
  ASSERT_OK_AND_ASSIGN(Reply r2, pool_->Eval(incr, {"counter"}, {"5"}));
  EXPECT_EQ(r2.integer(), 10);
  ASSERT_OK_AND_ASSIGN(exists,
                       pool_->Command({"SCRIPT", "EXISTS", incr.sha1()}));
  EXPECT_EQ(exists.elements().at(0).integer(), 1);
}

TEST_F(RedisPoolTest, ScriptErrorsCarryTheirCode) {
  Script cas("cas",
             "if redis.call('GET', KEYS[1]) ~= ARGV[1] then "
             "  return redis.error_reply('ABORTED version is ' .. "
             "    tostring(redis.call('GET', KEYS[1]))) end "
             "return redis.call('INCR', KEYS[1])");
  ASSERT_OK(pool_->Command({"SET", "v", "3"}));
  EXPECT_THAT(pool_->Eval(cas, {"v"}, {"2"}),
              StatusIs(absl::StatusCode::kAborted, "version is 3"));
  ASSERT_OK_AND_ASSIGN(Reply ok, pool_->Eval(cas, {"v"}, {"3"}));
  EXPECT_EQ(ok.integer(), 4);

  Script broken("broken", "return redis.call('NOSUCHCOMMAND')");
  EXPECT_THAT(pool_->Eval(broken, {}, {}),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("broken")));
}

TEST_F(RedisPoolTest, EvalThatWaitsForAReplicaIsUnavailableWithoutOne) {
  Script incr("incr_by", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
  EXPECT_THAT(
      pool_->Eval(incr, {"counter"}, {"5"},
                  {.count = 1, .timeout = absl::Milliseconds(50)}),
      StatusIs(absl::StatusCode::kUnavailable,
               HasSubstr("0 of 1 replicas acknowledged the writes of incr_by "
                         "within 50ms")));
  // The write is on the primary: running it again must be safe.
  ASSERT_OK_AND_ASSIGN(Reply value, pool_->Command({"GET", "counter"}));
  EXPECT_EQ(value.str(), "5");
  // Without a wait, as before; a script error is the script's.
  ASSERT_OK_AND_ASSIGN(Reply plain,
                       pool_->Eval(incr, {"counter"}, {"1"}, {.count = 0}));
  EXPECT_EQ(plain.integer(), 6);
  EXPECT_THAT(pool_->Eval(incr, {"counter"}, {"x"},
                          {.count = 1, .timeout = absl::Milliseconds(50)}),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("incr_by")));
}

TEST(RedisPoolReplicaTest, EvalReturnsOnceTheReplicaHoldsTheWrite) {
  ASSERT_OK_AND_ASSIGN(auto primary, RedisServer::Start({.tcp = true}));
  ASSERT_OK_AND_ASSIGN(auto replica, RedisServer::StartReplicaOf(*primary));
  ASSERT_OK_AND_ASSIGN(
      auto pool, RedisPool::Create({.address = primary->address(),
                                    .command_timeout = absl::Seconds(15)}));
  ASSERT_OK_AND_ASSIGN(auto on_replica,
                       RedisPool::Create({.address = replica->address()}));
  Script incr("incr_by", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
  for (int i = 1; i <= 3; ++i) {
    // The first call loads the script (NOSCRIPT, then EVAL and WAIT again).
    // The wait returns as soon as the replica acknowledges; the bound (and
    // the pool's longer command timeout) is only for a loaded machine (1 s
    // was missed in a sanitizer run).
    ASSERT_OK_AND_ASSIGN(
        Reply r, pool->Eval(incr, {"counter"}, {"5"},
                            {.count = 1, .timeout = absl::Seconds(10)}));
    EXPECT_EQ(r.integer(), 5 * i);
    ASSERT_OK_AND_ASSIGN(Reply copy, on_replica->Command({"GET", "counter"}));
    EXPECT_EQ(copy.str(), absl::StrCat(5 * i));
  }
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

TEST_F(RedisPoolTest, ServerDownIsUnavailableUntilItReturns) {
  ASSERT_OK(pool_->Command({"PING"}));
  ASSERT_OK(server_->Stop());
  EXPECT_THAT(pool_->Command({"PING"}),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr(server_->socket_path())));
  ASSERT_OK(server_->Restart());
  EXPECT_THAT(pool_->Command({"PING"}), IsOk());
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
