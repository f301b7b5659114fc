// RedisClient: the interface every store uses to talk to Redis.
//
// A call blocks until its replies arrive (or, with PipelineAsync, returns
// at once and calls back) and is safe from any thread. PipelinedClient
// shares a few connections to one Redis among every caller, pipelining
// their commands (pipelined_client.h); RedisPool serves each call on a
// pooled connection of its own; ClusterClient routes each command to the
// master of its key's slot in a Redis Cluster (cluster_client.h). Callers
// only see "send these commands, get these replies".
#ifndef GRIDCASE_COMMON_REDIS_REDIS_CLIENT_H_
#define GRIDCASE_COMMON_REDIS_REDIS_CLIENT_H_

#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/redis/reply.h"
#include "common/redis/script.h"
#include "common/redis/stream_read.h"

namespace gridcase::redis {

// One command and its arguments, binary-safe ({"SET", "k", "v"}).
using Args = std::vector<std::string>;

// Replicas that must hold a write before it counts as done (Redis WAIT).
struct WaitReplicas {
  int count = 0;  // 0: do not wait
  absl::Duration timeout = absl::Milliseconds(500);
};

// Gets the replies of one PipelineAsync call (or why the call failed),
// exactly once and possibly on another thread: keep it short, and do not
// wait on the client from it.
using PipelineDone =
    absl::AnyInvocable<void(absl::StatusOr<std::vector<Reply>>) &&>;

class RedisClient {
 public:
  virtual ~RedisClient() = default;

  // Sends `commands` in order, pipelined on one connection, and returns one
  // reply per command. Error replies come back as Reply::Error values (the
  // other commands still ran). The call itself fails with:
  //   UNAVAILABLE        no connection, connection lost, server loading;
  //   DEADLINE_EXCEEDED  the server did not answer within the command
  //                      timeout (the command may still have run);
  //   INTERNAL           protocol errors.
  virtual absl::StatusOr<std::vector<Reply>> Pipeline(
      absl::Span<const Args> commands) = 0;

  // Pipeline, without waiting for the replies: `done` gets them. The
  // default runs Pipeline and calls `done` before returning; clients that
  // can wait without holding the caller's thread (PipelinedClient) call it
  // later, from the thread that read the replies.
  virtual void PipelineAsync(absl::Span<const Args> commands,
                             PipelineDone done);

  // Runs `commands` once on every master: one reply list per master (a
  // single Redis is its own only master). For server-wide facts such as
  // INFO memory. The default runs Pipeline once.
  virtual absl::StatusOr<std::vector<std::vector<Reply>>> OnEveryMaster(
      absl::Span<const Args> commands);

  // New entries of several streams, answered as XREAD / XREADGROUP answer:
  // an array of [key, entries] for the streams that have some, nil when
  // none came within read.block; an error reply becomes a status. The
  // default sends one command over every stream (BLOCK waits for the first
  // entry of any). ClusterClient reads each master's streams in one round
  // trip, a command per stream, and polls while it waits.
  virtual absl::StatusOr<Reply> ReadStreams(const StreamRead& read);

  // One command; an error reply becomes a status (see StatusFromErrorReply).
  absl::StatusOr<Reply> Command(Args args);

  // Runs `script` with EVALSHA, falling back to EVAL with the body when the
  // server answers NOSCRIPT (after a restart or SCRIPT FLUSH), which also
  // caches it again. An error reply becomes a status, so a script can fail
  // with `return redis.error_reply("FAILED_PRECONDITION ...")`.
  absl::StatusOr<Reply> Eval(const Script& script,
                             const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);

  // Eval, then WAIT on the same connection until `wait.count` replicas hold
  // every write made on it so far, the script's included. UNAVAILABLE when
  // fewer did within `wait.timeout`: the script's effects are then on the
  // primary only (a failover may lose them), and running it again must be
  // safe. Keep the timeout below the command timeout.
  absl::StatusOr<Reply> Eval(const Script& script,
                             const std::vector<std::string>& keys,
                             const std::vector<std::string>& args,
                             const WaitReplicas& wait);

 protected:
  RedisClient() = default;
};

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_REDIS_CLIENT_H_
