// The test fixtures themselves: they must clean up after themselves.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::testing {
namespace {

// Alive and not a zombie waiting to be reaped.
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() &&
         line[paren + 2] != 'Z';
}

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

TEST(Subprocess, DiesWithTheProcessThatStartedIt) {
  // A "test process" (a forked child) starts a sleeper, reports its pid and
  // is then killed with SIGKILL, so no destructor runs.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t test_process = fork();
  ASSERT_GE(test_process, 0);
  if (test_process == 0) {
    close(fds[0]);
    auto sleeper = Subprocess::Spawn({.argv = {"sleep", "60"}});
    pid_t pid = sleeper.ok() ? (*sleeper)->pid() : -1;
    if (write(fds[1], &pid, sizeof(pid)) != sizeof(pid)) _exit(1);
    pause();
    _exit(0);
  }
  close(fds[1]);
  pid_t sleeper = -1;
  ASSERT_EQ(read(fds[0], &sleeper, sizeof(sleeper)),
            static_cast<ssize_t>(sizeof(sleeper)));
  close(fds[0]);
  ASSERT_GT(sleeper, 0);
  kill(test_process, SIGKILL);
  int status = 0;
  waitpid(test_process, &status, 0);
  // Poll until the kernel has killed the orphan.
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (Alive(sleeper) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_FALSE(Alive(sleeper))
      << "sleeper " << sleeper << " outlived its parent";
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
  EXPECT_FALSE(Alive(pid)) << "redis-server " << pid << " still running";
}

// The faults of tests/fault: a hung server (SIGSTOP) answers nothing until
// SIGCONT; a crashed one (SIGKILL) comes back from its AOF with what it
// acknowledged.
TEST(RedisServer, HangsOnSigstopAndRestartsFromItsAofAfterSigkill) {
  ASSERT_OK_AND_ASSIGN(
      auto redis, RedisServer::Start({.extra_args = {"--appendonly", "yes"}}));
  ASSERT_OK_AND_ASSIGN(
      auto pool,
      redis::RedisPool::Create({.address = redis->address(),
                                .command_timeout = absl::Milliseconds(300)}));
  ASSERT_OK(pool->Command({"SET", "k", "v"}).status());
  ASSERT_OK(redis->Signal(SIGSTOP));
  EXPECT_FALSE(pool->Command({"PING"}).ok());
  ASSERT_OK(redis->Signal(SIGCONT));
  ASSERT_OK_AND_ASSIGN(redis::Reply pong, pool->Command({"PING"}));
  EXPECT_EQ(pong.str(), "PONG");
  EXPECT_TRUE(Exists(redis->aof_dir()));

  ASSERT_OK(redis->Signal(SIGKILL));
  ASSERT_OK(redis->Restart());
  ASSERT_OK_AND_ASSIGN(redis::Reply v, pool->Command({"GET", "k"}));
  EXPECT_EQ(v.str(), "v");
  ASSERT_OK(redis->Stop());
  EXPECT_FALSE(redis->Signal(SIGKILL).ok());
}

}  // namespace
}  // namespace gridcase::testing
