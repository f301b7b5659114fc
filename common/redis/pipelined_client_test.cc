// PipelinedClient against a real redis-server on a unix socket.
#include "common/redis/pipelined_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
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

class PipelinedClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(client_, New(2, absl::Seconds(2)));
    // A connection of its own, to act on the server from outside.
    ASSERT_OK_AND_ASSIGN(
        admin_, RedisPool::Create(
                    {.address = server_->address(), .max_connections = 1}));
  }

  absl::StatusOr<std::unique_ptr<PipelinedClient>> New(
      int lanes, absl::Duration command_timeout) {
    return PipelinedClient::Create({.address = server_->address(),
                                    .max_connections = 4,
                                    .command_timeout = command_timeout},
                                   lanes);
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<PipelinedClient> client_;
  std::unique_ptr<RedisPool> admin_;
};

TEST(PipelinedClientOptions, LanesMustBeOneToSixteen) {
  EXPECT_THAT(PipelinedClient::Create({.address = "127.0.0.1:6379"}, 0),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("pipelined connections must be 1-16, got 0")));
  EXPECT_THAT(PipelinedClient::Create({.address = "nowhere"}, 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must be host:port")));
}

TEST(PipelinedClientCommands, ThoseThatHoldAConnectionAreKnown) {
  EXPECT_TRUE(PipelinedClient::HoldsConnection({"blpop", "q", "0"}));
  EXPECT_TRUE(PipelinedClient::HoldsConnection({"WAIT", "1", "100"}));
  EXPECT_TRUE(PipelinedClient::HoldsConnection({"MULTI"}));
  EXPECT_TRUE(PipelinedClient::HoldsConnection(
      {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "100", "STREAMS", "s", ">"}));
  EXPECT_FALSE(PipelinedClient::HoldsConnection(
      {"XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "STREAMS", "s", ">"}));
  EXPECT_FALSE(PipelinedClient::HoldsConnection({"GET", "BLOCK"}));
  EXPECT_FALSE(PipelinedClient::HoldsConnection({"EVALSHA", "abc", "0"}));
}

TEST_F(PipelinedClientTest, ConcurrentCallersEachGetTheirOwnReplies) {
  constexpr int kThreads = 16;
  constexpr int kCalls = 200;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        std::string key = absl::StrCat("k", t, ":", i);
        std::string value = absl::StrCat("v", t, ":", i);
        std::vector<Args> cmds = {
            {"SET", key, value}, {"GET", key}, {"STRLEN", key}};
        absl::StatusOr<std::vector<Reply>> r = client_->Pipeline(cmds);
        if (!r.ok() || r->size() != 3 || (*r)[1].str() != value ||
            (*r)[2].integer() != static_cast<int64_t>(value.size())) {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  // Two lanes served every caller.
  EXPECT_EQ(client_->connects(), 2);
}

TEST_F(PipelinedClientTest, AsyncCallersAreAnsweredInOrderOnce) {
  constexpr int kCalls = 1000;
  absl::Mutex mu;
  std::vector<int64_t> seen;
  int errors = 0;
  absl::Notification all;
  for (int i = 0; i < kCalls; ++i) {
    std::vector<Args> cmds = {{"INCR", "counter"}};
    client_->PipelineAsync(cmds, [&](absl::StatusOr<std::vector<Reply>> r) {
      absl::MutexLock lock(&mu);
      if (r.ok()) {
        seen.push_back(r->front().integer());
      } else {
        ++errors;
      }
      if (seen.size() + errors == kCalls) all.Notify();
    });
  }
  all.WaitForNotification();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(errors, 0);
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), static_cast<size_t>(kCalls));
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(seen[i], i + 1);
}

TEST_F(PipelinedClientTest, BlockingReadsDoNotStallSharedConnections) {
  ASSERT_OK_AND_ASSIGN(client_, New(1, absl::Milliseconds(1500)));
  absl::StatusOr<Reply> read;
  std::thread reader([&] {
    read =
        client_->Command({"XREAD", "BLOCK", "5000", "STREAMS", "events", "$"});
  });
  // Give the blocking read time to reach Redis first; on the one shared
  // connection it would hold up the calls below past their timeout.
  absl::SleepFor(absl::Milliseconds(200));
  ASSERT_OK(client_->Command({"SET", "a", "1"}));
  ASSERT_OK(client_->Command({"XADD", "events", "*", "f", "v"}));
  reader.join();
  ASSERT_OK(read.status());
  EXPECT_FALSE(read->is_nil());
  // Only the pool's connection was opened for the read.
  EXPECT_EQ(client_->connects(), 2);
  EXPECT_THAT(client_->Command({"WAIT", "0", "10"}), IsOk());
  std::vector<Args> wait = {{"WAIT", "0", "10"}};
  absl::Notification refused;
  client_->PipelineAsync(wait, [&](absl::StatusOr<std::vector<Reply>> r) {
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                            HasSubstr("WAIT holds a connection")));
    refused.Notify();
  });
  refused.WaitForNotification();
}

TEST_F(PipelinedClientTest, SlowServerFailsWaitingCallersThenRecovers) {
  ASSERT_OK_AND_ASSIGN(client_, New(1, absl::Milliseconds(300)));
  ASSERT_OK(client_->Command({"SET", "a", "1"}));
  std::thread sleeper([&] {
    EXPECT_OK(admin_->Command({"DEBUG", "SLEEP", "1"}));
  });
  absl::SleepFor(absl::Milliseconds(100));
  constexpr int kCalls = 5;
  absl::Mutex mu;
  std::vector<absl::Status> results;
  absl::Notification all;
  for (int i = 0; i < kCalls; ++i) {
    std::vector<Args> get = {{"GET", "a"}};
    client_->PipelineAsync(get, [&](absl::StatusOr<std::vector<Reply>> r) {
      absl::MutexLock lock(&mu);
      results.push_back(r.status());
      if (results.size() == kCalls) all.Notify();
    });
  }
  all.WaitForNotification();
  for (const absl::Status& s : results) {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kDeadlineExceeded,
                            HasSubstr("no reply from")));
  }
  sleeper.join();
  // The late replies went with the closed connection; a new one answers.
  ASSERT_OK_AND_ASSIGN(Reply a, client_->Command({"GET", "a"}));
  EXPECT_EQ(a.str(), "1");
  EXPECT_EQ(client_->connects(), 2);  // the lane, twice
}

// A listener that never accepts, with its one-connection queue full: a
// connect to it hangs until the client's connect timeout.
class BlackHole {
 public:
  BlackHole() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    listen(listener_, 0);
    socklen_t len = sizeof(a);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    filler_ = socket(AF_INET, SOCK_STREAM, 0);
    connect(filler_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  }
  ~BlackHole() {
    close(filler_);
    close(listener_);
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int listener_ = -1;
  int filler_ = -1;
  int port_ = 0;
};

TEST(PipelinedClientUnreachable, CallersWaitForOneConnectAttemptNotOneEach) {
  BlackHole hole;
  constexpr absl::Duration kConnectTimeout = absl::Milliseconds(300);
  ASSERT_OK_AND_ASSIGN(
      auto client, PipelinedClient::Create({.address = hole.address(),
                                            .connect_timeout = kConnectTimeout},
                                           /*lanes=*/1));
  constexpr int kCallers = 8;
  std::vector<absl::Status> results(kCallers);
  std::vector<std::thread> callers;
  absl::Time start = absl::Now();
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      results[i] = client->Command({"GET", "a"}).status();
    });
  }
  for (auto& t : callers) t.join();
  absl::Duration took = absl::Now() - start;
  for (const absl::Status& s : results) {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                            HasSubstr("cannot connect")));
  }
  // One attempt at a time per caller would take kCallers connect timeouts
  // (2.4 s); callers that arrive during an attempt share its outcome, so
  // it takes one or two (a caller may start the next attempt).
  EXPECT_LT(took, 4 * kConnectTimeout);
}

TEST_F(PipelinedClientTest, AConnectionTheServerClosedIsReplaced) {
  ASSERT_OK(client_->Command({"SET", "a", "1"}));
  ASSERT_OK(client_->Command({"SET", "b", "2"}));
  ASSERT_OK_AND_ASSIGN(
      Reply killed,
      admin_->Command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}));
  EXPECT_EQ(killed.integer(), 2);
  // The reader notices the close at once; a call that raced it fails as
  // UNAVAILABLE and the next one reconnects.
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<Reply> a = client_->Command({"GET", "a"});
    if (a.ok()) {
      EXPECT_EQ(a->str(), "1");
      break;
    }
    EXPECT_EQ(a.status().code(), absl::StatusCode::kUnavailable) << a.status();
    ASSERT_LT(attempt, 2);
  }
}

}  // namespace
}  // namespace gridcase::redis
