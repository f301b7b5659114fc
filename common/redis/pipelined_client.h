// PipelinedClient: a RedisClient that shares a few connections among all of
// a process' callers instead of giving each caller a connection of its own.
//
// Each connection (a lane) has one reader thread. A caller encodes its
// commands, appends them to the lane's send buffer and queues itself; the
// first caller to find nobody writing sends everything queued so far in one
// write, so concurrent callers share system calls on both sides. The reader
// thread reads every reply that has arrived in one read and hands each
// caller its replies in the order the commands were queued. Pipelined
// commands run in the order Redis received them, as on any connection;
// one caller's commands stay together.
//
// Callers either wait (Pipeline, the RedisClient contract) or pass a
// callback (PipelineAsync), so a server can finish a call when its replies
// come without holding a thread while Redis answers.
//
// Commands that hold a connection (blocking reads with BLOCK, WAIT, WATCH,
// SUBSCRIBE, ...) would stall every caller behind them on a shared
// connection: they go to a RedisPool instead, as do ReadStreams.
//
// Failures match RedisPool's: a lane whose oldest caller waited longer than
// the command timeout is closed and everything queued on it fails with
// DEADLINE_EXCEEDED (the commands may have run); a lost connection fails
// them with UNAVAILABLE. The next call opens a new connection.
#ifndef GRIDCASE_COMMON_REDIS_PIPELINED_CLIENT_H_
#define GRIDCASE_COMMON_REDIS_PIPELINED_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_pool.h"

namespace gridcase::redis {

class PipelinedClient final : public RedisClient {
 public:
  // `lanes` shared connections (1-16) to the Redis at `options.address`;
  // the pool of `options` serves the commands that hold a connection.
  // Does not connect: Redis may come up later.
  static absl::StatusOr<std::unique_ptr<PipelinedClient>> Create(
      PoolOptions options, int lanes);
  ~PipelinedClient() override;

  PipelinedClient(const PipelinedClient&) = delete;
  PipelinedClient& operator=(const PipelinedClient&) = delete;

  absl::StatusOr<std::vector<Reply>> Pipeline(
      absl::Span<const Args> commands) override;
  absl::StatusOr<Reply> ReadStreams(const StreamRead& read) override;

  // Queues `commands` on a lane and returns at once; `done` gets their
  // replies (or the failure) later, exactly once, on the lane's reader
  // thread. Commands that hold a connection are refused with
  // INVALID_ARGUMENT.
  void PipelineAsync(absl::Span<const Args> commands,
                     PipelineDone done) override;

  // Connections opened since creation, lanes and pool together.
  int64_t connects() const;

  // True for commands that must not share a connection.
  static bool HoldsConnection(const Args& command);

 private:
  class Lane;
  PipelinedClient(PoolOptions options, Endpoint endpoint,
                  std::unique_ptr<RedisPool> pool, int lanes);
  Lane& NextLane();
  // PipelineAsync of commands already known not to hold a connection.
  void Enqueue(absl::Span<const Args> commands, PipelineDone done);

  std::unique_ptr<RedisPool> pool_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::atomic<uint32_t> next_lane_{0};
};

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_PIPELINED_CLIENT_H_
