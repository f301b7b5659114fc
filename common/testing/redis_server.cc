#include "common/testing/redis_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_macros.h"

namespace gridcase::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start() {
  return Start(Options());
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(
    Options options) {
  ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("gridcase-redis"));
  std::unique_ptr<RedisServer> server(
      new RedisServer(std::move(dir), std::move(options)));
  RETURN_IF_ERROR(server->Launch());
  return server;
}

RedisServer::~RedisServer() {
  if (process_ != nullptr) process_->Stop(absl::Seconds(5)).IgnoreError();
}

absl::Status RedisServer::Launch() {
  SpawnOptions spawn;
  spawn.argv = {"redis-server",
                "--port",
                "0",
                "--unixsocket",
                socket_path(),
                "--unixsocketperm",
                "700",
                "--dir",
                dir(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--enable-debug-command",
                "local",
                "--logfile",
                dir_.File("redis.log")};
  spawn.argv.insert(spawn.argv.end(), options_.extra_args.begin(),
                    options_.extra_args.end());
  ASSIGN_OR_RETURN(process_, Subprocess::Spawn(std::move(spawn)));

  ASSIGN_OR_RETURN(auto pool, redis::RedisPool::Create({.address = address(),
                                                        .max_connections = 1}));
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  absl::Status last;
  while (absl::Now() < deadline) {
    if (!process_->running()) {
      return absl::InternalError(absl::StrCat(
          "redis-server exited at start; see ", dir_.File("redis.log")));
    }
    absl::StatusOr<redis::Reply> pong = pool->Command({"PING"});
    if (pong.ok()) return absl::OkStatus();
    last = pong.status();
    absl::SleepFor(absl::Milliseconds(10));  // waiting for readiness
  }
  return absl::DeadlineExceededError(
      absl::StrCat("redis-server not ready after 10s: ", last.message()));
}

absl::Status RedisServer::Signal(int signal) {
  if (process_ == nullptr) {
    return absl::FailedPreconditionError("redis-server is not running");
  }
  return process_->Signal(signal);
}

absl::Status RedisServer::Stop() {
  if (process_ == nullptr) return absl::OkStatus();
  absl::Status status = process_->Stop(absl::Seconds(5)).status();
  process_.reset();
  return status;
}

absl::Status RedisServer::Restart() {
  RETURN_IF_ERROR(Stop());
  return Launch();
}

}  // namespace gridcase::testing
