// The test fixtures themselves: they must clean up after themselves.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <string>

#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::testing {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

TEST(TempDir, IsRemovedWithItsContents) {
  std::string path;
  {
    ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
    path = dir.path();
    ASSERT_TRUE(Exists(path));
    FILE* f = fopen(dir.File("x").c_str(), "w");
    ASSERT_NE(f, nullptr);
    fclose(f);
  }
  EXPECT_FALSE(Exists(path));
}

TEST(Subprocess, ReportsExitStatusAndStopsOnSigterm) {
  ASSERT_OK_AND_ASSIGN(auto ok,
                       Subprocess::Spawn({.argv = {"sh", "-c", "exit 3"}}));
  ASSERT_OK_AND_ASSIGN(int status, ok->Wait(absl::Seconds(10)));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);

  ASSERT_OK_AND_ASSIGN(auto sleeper,
                       Subprocess::Spawn({.argv = {"sleep", "60"}}));
  EXPECT_TRUE(sleeper->running());
  EXPECT_THAT(sleeper->Wait(absl::Milliseconds(50)),
              StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
  ASSERT_OK_AND_ASSIGN(status, sleeper->Stop(absl::Seconds(5)));
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_FALSE(sleeper->running());
}

TEST(RedisServer, ServesOnItsOwnSocketAndCleansUp) {
  std::string dir;
  pid_t pid = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto redis, RedisServer::Start());
    dir = redis->dir();
    ASSERT_OK_AND_ASSIGN(
        auto pool, redis::RedisPool::Create({.address = redis->address()}));
    ASSERT_OK_AND_ASSIGN(redis::Reply pong, pool->Command({"PING"}));
    EXPECT_EQ(pong.str(), "PONG");
    ASSERT_OK_AND_ASSIGN(redis::Reply port,
                         pool->Command({"CONFIG", "GET", "port"}));
    EXPECT_EQ(port.elements().at(1).str(), "0");  // no TCP listener
    ASSERT_OK_AND_ASSIGN(redis::Reply info, pool->Command({"INFO", "server"}));
    size_t at = info.str().find("process_id:");
    ASSERT_NE(at, std::string::npos);
    pid = std::stoi(info.str().substr(at + 11));
  }
  EXPECT_FALSE(Exists(dir));
  EXPECT_NE(kill(pid, 0), 0) << "redis-server " << pid << " still running";
}

}  // namespace
}  // namespace gridcase::testing
