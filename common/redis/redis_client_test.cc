// The RedisClient contract (redis_client.h), held by both clients of one
// Redis: RedisPool and PipelinedClient, against a real redis-server.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/redis/pipelined_client.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_macros.h"
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

enum class Kind { kPool, kPipelined };

class RedisClientContract : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(client_, New(server_->address(), absl::Seconds(2)));
  }

  static absl::StatusOr<std::unique_ptr<RedisClient>> New(
      const std::string& address, absl::Duration command_timeout) {
    PoolOptions options{.address = address,
                        .max_connections = 4,
                        .command_timeout = command_timeout};
    if (GetParam() == Kind::kPool) {
      ASSIGN_OR_RETURN(auto pool, RedisPool::Create(options));
      return std::unique_ptr<RedisClient>(std::move(pool));
    }
    ASSIGN_OR_RETURN(auto shared, PipelinedClient::Create(options, 2));
    return std::unique_ptr<RedisClient>(std::move(shared));
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisClient> client_;
};

INSTANTIATE_TEST_SUITE_P(Clients, RedisClientContract,
                         ::testing::Values(Kind::kPool, Kind::kPipelined),
                         [](const auto& info) {
                           return info.param == Kind::kPool ? "Pool"
                                                            : "Pipelined";
                         });

TEST_P(RedisClientContract, CommandsAreBinarySafe) {
  std::string value("a b\0c\r\n\xff", 8);
  ASSERT_OK(client_->Command({"SET", "bin key", value}));
  ASSERT_OK_AND_ASSIGN(Reply got, client_->Command({"GET", "bin key"}));
  EXPECT_EQ(got.str(), value);
  ASSERT_OK_AND_ASSIGN(Reply missing, client_->Command({"GET", "nope"}));
  EXPECT_TRUE(missing.is_nil());
}

TEST_P(RedisClientContract, PipelineKeepsOrderAndPerCommandErrors) {
  std::vector<Args> cmds = {{"SET", "n", "1"},
                            {"INCR", "n"},
                            {"HSET", "n", "f", "v"},  // wrong type
                            {"INCRBY", "n", "10"}};
  ASSERT_OK_AND_ASSIGN(std::vector<Reply> replies, client_->Pipeline(cmds));
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].str(), "OK");
  EXPECT_EQ(replies[1].integer(), 2);
  EXPECT_THAT(replies[2].ToStatus(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("WRONGTYPE")));
  EXPECT_EQ(replies[3].integer(), 12);
  // An error reply to a single command is a status.
  EXPECT_THAT(client_->Command({"HSET", "n", "f", "v"}),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("WRONGTYPE")));
}

TEST_P(RedisClientContract, ScriptsRunByShaAndReloadAfterFlush) {
  Script incr("incr_by", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
  ASSERT_OK_AND_ASSIGN(Reply r1, client_->Eval(incr, {"counter"}, {"5"}));
  EXPECT_EQ(r1.integer(), 5);
  ASSERT_OK_AND_ASSIGN(Reply exists,
                       client_->Command({"SCRIPT", "EXISTS", incr.sha1()}));
  EXPECT_EQ(exists.elements().at(0).integer(), 1);

  ASSERT_OK(client_->Command({"SCRIPT", "FLUSH"}));
  ASSERT_OK_AND_ASSIGN(Reply r2, client_->Eval(incr, {"counter"}, {"5"}));
  EXPECT_EQ(r2.integer(), 10);
  ASSERT_OK_AND_ASSIGN(exists,
                       client_->Command({"SCRIPT", "EXISTS", incr.sha1()}));
  EXPECT_EQ(exists.elements().at(0).integer(), 1);
}

TEST_P(RedisClientContract, ScriptErrorsCarryTheirCode) {
  Script cas("cas",
             "if redis.call('GET', KEYS[1]) ~= ARGV[1] then "
             "  return redis.error_reply('ABORTED version is ' .. "
             "    tostring(redis.call('GET', KEYS[1]))) end "
             "return redis.call('INCR', KEYS[1])");
  ASSERT_OK(client_->Command({"SET", "v", "3"}));
  EXPECT_THAT(client_->Eval(cas, {"v"}, {"2"}),
              StatusIs(absl::StatusCode::kAborted, "version is 3"));
  ASSERT_OK_AND_ASSIGN(Reply ok, client_->Eval(cas, {"v"}, {"3"}));
  EXPECT_EQ(ok.integer(), 4);

  Script broken("broken", "return redis.call('NOSUCHCOMMAND')");
  EXPECT_THAT(client_->Eval(broken, {}, {}),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("broken")));
}

TEST_P(RedisClientContract, EvalThatWaitsForAReplicaIsUnavailableWithoutOne) {
  Script incr("incr_by", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
  EXPECT_THAT(
      client_->Eval(incr, {"counter"}, {"5"},
                    {.count = 1, .timeout = absl::Milliseconds(50)}),
      StatusIs(absl::StatusCode::kUnavailable,
               HasSubstr("0 of 1 replicas acknowledged the writes of incr_by "
                         "within 50ms")));
  // The write is on the primary: running it again must be safe.
  ASSERT_OK_AND_ASSIGN(Reply value, client_->Command({"GET", "counter"}));
  EXPECT_EQ(value.str(), "5");
  // Without a wait, as before; a script error is the script's.
  ASSERT_OK_AND_ASSIGN(Reply plain,
                       client_->Eval(incr, {"counter"}, {"1"}, {.count = 0}));
  EXPECT_EQ(plain.integer(), 6);
  EXPECT_THAT(client_->Eval(incr, {"counter"}, {"x"},
                            {.count = 1, .timeout = absl::Milliseconds(50)}),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("incr_by")));
}

TEST_P(RedisClientContract, ServerDownIsUnavailableUntilItReturns) {
  ASSERT_OK(client_->Command({"PING"}));
  ASSERT_OK(server_->Stop());
  EXPECT_THAT(client_->Command({"PING"}),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr(server_->socket_path())));
  ASSERT_OK(server_->Restart());
  EXPECT_THAT(client_->Command({"PING"}), IsOk());
}

TEST_P(RedisClientContract, EvalReturnsOnceTheReplicaHoldsTheWrite) {
  ASSERT_OK_AND_ASSIGN(auto primary, RedisServer::Start({.tcp = true}));
  ASSERT_OK_AND_ASSIGN(auto replica, RedisServer::StartReplicaOf(*primary));
  ASSERT_OK_AND_ASSIGN(auto client, New(primary->address(), absl::Seconds(15)));
  ASSERT_OK_AND_ASSIGN(auto on_replica,
                       RedisPool::Create({.address = replica->address()}));
  Script incr("incr_by", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
  for (int i = 1; i <= 3; ++i) {
    // The first call loads the script (NOSCRIPT, then EVAL and WAIT again).
    // The wait returns as soon as the replica acknowledges; the bound (and
    // the client's longer command timeout) is only for a loaded machine (1 s
    // was missed in a sanitizer run).
    ASSERT_OK_AND_ASSIGN(
        Reply r, client->Eval(incr, {"counter"}, {"5"},
                              {.count = 1, .timeout = absl::Seconds(10)}));
    EXPECT_EQ(r.integer(), 5 * i);
    ASSERT_OK_AND_ASSIGN(Reply copy, on_replica->Command({"GET", "counter"}));
    EXPECT_EQ(copy.str(), absl::StrCat(5 * i));
  }
}

}  // namespace
}  // namespace gridcase::redis
