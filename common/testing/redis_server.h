// RedisServer: a real redis-server owned by one test. It listens on a unix
// socket in its own temporary directory (and on a free loopback TCP port
// only when asked, for replicas, which connect over TCP), and is stopped and
// its directory removed when the object goes away.
//
//   ASSERT_OK_AND_ASSIGN(auto redis, RedisServer::Start());
//   PoolOptions o{.address = redis->address()};
//
//   ASSERT_OK_AND_ASSIGN(auto primary, RedisServer::Start({.tcp = true}));
//   ASSERT_OK_AND_ASSIGN(auto replica, RedisServer::StartReplicaOf(*primary));
#ifndef GRIDCASE_COMMON_TESTING_REDIS_SERVER_H_
#define GRIDCASE_COMMON_TESTING_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"

namespace gridcase::testing {

// A loopback TCP port nobody listens on now (the kernel's choice for port 0).
absl::StatusOr<int> FreeLoopbackPort();

class RedisServer final {
 public:
  struct Options {
    // Extra redis-server arguments, e.g. {"--appendonly", "yes"}.
    std::vector<std::string> extra_args;
    // Also listen on a free 127.0.0.1 port (kept across Restart()).
    bool tcp = false;
  };

  static absl::StatusOr<std::unique_ptr<RedisServer>> Start();
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(Options options);
  // A replica of `primary` (started with tcp), returned once it is in sync.
  static absl::StatusOr<std::unique_ptr<RedisServer>> StartReplicaOf(
      const RedisServer& primary);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // "unix:///tmp/gridcase-redis-XXXXXX/redis.sock", for PoolOptions::address.
  std::string address() const { return "unix://" + socket_path(); }
  std::string socket_path() const { return dir_.File("redis.sock"); }
  const std::string& dir() const { return dir_.path(); }
  // The loopback TCP port with Options::tcp, else 0.
  int tcp_port() const { return tcp_port_; }
  bool running() const { return process_ != nullptr && process_->running(); }

  // The append-only directory (Redis 7's appenddirname, in dir()), where the
  // base and incremental files and their manifest are when started with
  // {"--appendonly", "yes"}.
  std::string aof_dir() const { return dir_.File("appendonlydir"); }

  // Sends `signal` to redis-server, for fault tests: SIGKILL (a crash; then
  // Restart() brings it back from its AOF), SIGSTOP and SIGCONT (a hung
  // server). FAILED_PRECONDITION if it is not running.
  absl::Status Signal(int signal);

  // Stops the server (SIGTERM); the socket goes away with it.
  absl::Status Stop();
  // Kills the server with SIGKILL, as a crash or a power loss would: what
  // survives is what it wrote to its files (and, for a power loss, what
  // the test leaves of them). Restart() starts it again.
  absl::Status Kill();
  // Starts it again on the same socket and directory (data survives only if
  // persistence was enabled through extra_args).
  absl::Status Restart();

 private:
  RedisServer(TempDir dir, Options options)
      : dir_(std::move(dir)), options_(std::move(options)) {}
  absl::Status Launch();

  TempDir dir_;
  Options options_;
  int tcp_port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace gridcase::testing

#endif  // GRIDCASE_COMMON_TESTING_REDIS_SERVER_H_
