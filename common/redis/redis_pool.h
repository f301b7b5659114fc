// RedisPool: the hiredis implementation of RedisClient. A bounded pool of
// blocking connections, safe across threads:
// - connections are made on demand with a connect timeout, carry a command
//   timeout, and are dropped after any I/O error (the next call reconnects);
// - an idle connection the server closed (restart, CLIENT KILL, idle timeout)
//   is noticed before use and replaced, so callers do not see the stale socket;
// - commands go through redisAppendCommandArgv, so they are binary-safe, and a
//   pipeline is written at once and its replies read in order.
#ifndef GRIDCASE_COMMON_REDIS_REDIS_POOL_H_
#define GRIDCASE_COMMON_REDIS_REDIS_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/connection.h"
#include "common/redis/redis_client.h"

namespace gridcase::redis {

struct PoolOptions {
  std::string address;
  // Most connections open at once; callers beyond that wait for one.
  int max_connections = 8;
  absl::Duration connect_timeout = absl::Milliseconds(500);
  // Longest wait for one reply; also the longest wait for a free connection.
  absl::Duration command_timeout = absl::Seconds(2);
  std::string password;  // AUTH, when set
};

class RedisPool final : public RedisClient {
 public:
  // Validates the options. Does not connect: Redis may come up later.
  static absl::StatusOr<std::unique_ptr<RedisPool>> Create(PoolOptions options);
  ~RedisPool() override;

  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  absl::StatusOr<std::vector<Reply>> Pipeline(
      absl::Span<const Args> commands) override;
  // Pipeline, also telling whether the commands may have reached the server:
  // `*sent` is false when the call failed before writing them (no connection
  // could be made, or none was free in time), so sending them elsewhere
  // cannot run them twice.
  absl::StatusOr<std::vector<Reply>> Send(absl::Span<const Args> commands,
                                          bool* sent);

  // Connections opened since creation (the first ones and every reconnect).
  int64_t connects() const;
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  RedisPool(PoolOptions options, Endpoint endpoint);

  absl::StatusOr<Context> Acquire();
  void Release(Context context, bool healthy);

  const PoolOptions options_;
  const Endpoint endpoint_;
  mutable absl::Mutex mu_;
  std::vector<Context> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t connects_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_REDIS_POOL_H_
