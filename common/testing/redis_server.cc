#include "common/testing/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_macros.h"

namespace gridcase::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start() {
  return Start(Options());
}

absl::StatusOr<int> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!ok) return absl::InternalError("cannot find a free loopback port");
  return static_cast<int>(ntohs(addr.sin_port));
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(
    Options options) {
  ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("gridcase-redis"));
  std::unique_ptr<RedisServer> server(
      new RedisServer(std::move(dir), std::move(options)));
  if (server->options_.tcp) {
    ASSIGN_OR_RETURN(server->tcp_port_, FreeLoopbackPort());
  }
  RETURN_IF_ERROR(server->Launch());
  return server;
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::StartReplicaOf(
    const RedisServer& primary) {
  if (primary.tcp_port() == 0) {
    return absl::FailedPreconditionError(
        "a replica needs a primary started with Options::tcp");
  }
  {
    // Sync at once (Redis 7 waits 5 s for more replicas by default).
    ASSIGN_OR_RETURN(auto pool,
                     redis::RedisPool::Create(
                         {.address = primary.address(), .max_connections = 1}));
    RETURN_IF_ERROR(
        pool->Command({"CONFIG", "SET", "repl-diskless-sync-delay", "0"})
            .status());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<RedisServer> replica,
                   Start({.extra_args = {"--replicaof", "127.0.0.1",
                                         absl::StrCat(primary.tcp_port())}}));
  ASSIGN_OR_RETURN(auto pool,
                   redis::RedisPool::Create(
                       {.address = replica->address(), .max_connections = 1}));
  ASSIGN_OR_RETURN(auto primary_pool,
                   redis::RedisPool::Create(
                       {.address = primary.address(), .max_connections = 1}));
  // Up on both sides: the replica loaded the first sync, and the primary
  // counts it as online (only then does WAIT count its acknowledgements;
  // after a diskless sync that takes the replica's first REPLCONF ACK).
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    ASSIGN_OR_RETURN(redis::Reply info, pool->Command({"INFO", "replication"}));
    ASSIGN_OR_RETURN(redis::Reply primary_info,
                     primary_pool->Command({"INFO", "replication"}));
    if (absl::StrContains(info.str(), "master_link_status:up") &&
        absl::StrContains(primary_info.str(), "state=online")) {
      return replica;
    }
    absl::SleepFor(absl::Milliseconds(10));  // waiting for the first sync
  }
  return absl::DeadlineExceededError("the replica did not sync within 10s");
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
  if (tcp_port_ != 0) {
    spawn.argv.insert(spawn.argv.end(), {"--port", absl::StrCat(tcp_port_),
                                         "--bind", "127.0.0.1"});
  }
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

absl::Status RedisServer::Kill() {
  if (process_ == nullptr) return absl::OkStatus();
  RETURN_IF_ERROR(process_->Signal(SIGKILL));
  absl::Status status = process_->Wait(absl::Seconds(5)).status();
  process_.reset();
  return status;
}

absl::Status RedisServer::Restart() {
  RETURN_IF_ERROR(Stop());
  return Launch();
}

}  // namespace gridcase::testing
