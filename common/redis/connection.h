// One blocking hiredis connection: where Redis listens, how a connection is
// opened (connect timeout, command timeout, AUTH), and how a pipeline is
// written and its replies read on it. RedisPool keeps a pool of these;
// PipelinedClient shares a few among many callers.
#ifndef GRIDCASE_COMMON_REDIS_CONNECTION_H_
#define GRIDCASE_COMMON_REDIS_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/redis/redis_client.h"

struct redisContext;
struct redisReply;

namespace gridcase::redis {

// Where Redis listens: "unix:///path/redis.sock", "tcp://host:port" or
// "host:port".
struct Endpoint {
  std::string unix_path;  // set for unix sockets
  std::string host;       // set for TCP
  int port = 0;
  std::string ToString() const;
};
absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view address);

struct ReplyDeleter {
  void operator()(redisReply* r) const;
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// `args` as hiredis' *Argv functions take a command: a pointer to each
// argument's bytes and its length (valid while `args` is).
void PointAt(const Args& args, std::vector<const char*>* argv,
             std::vector<size_t>* lens);

struct ContextDeleter {
  void operator()(redisContext* c) const;
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

struct ConnectOptions {
  absl::Duration connect_timeout = absl::Milliseconds(500);
  // Longest wait for one reply (the socket's send and receive timeouts).
  absl::Duration command_timeout = absl::Seconds(2);
  std::string password;  // AUTH, when set
};

// A connected, authenticated blocking connection; UNAVAILABLE when it
// cannot be made.
absl::StatusOr<Context> Connect(const Endpoint& endpoint,
                                const ConnectOptions& options);

// Writes `commands` at once and reads one reply per command, in order.
// DEADLINE_EXCEEDED when a reply took longer than the socket's timeout,
// UNAVAILABLE when the connection failed, INTERNAL on a protocol error.
// After a failure the connection may hold unread replies: drop it.
absl::StatusOr<std::vector<Reply>> RunOn(redisContext* c,
                                         const Endpoint& endpoint,
                                         absl::Duration command_timeout,
                                         absl::Span<const Args> commands);

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_CONNECTION_H_
