#include "common/redis/redis_pool.h"

#include <hiredis.h>
#include <poll.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace gridcase::redis {
namespace {

// True when an idle connection can no longer be used: the server closed it
// (EOF is readable), or something unexpected is waiting to be read.
bool LooksStale(const redisContext* c) {
  if (c->err != 0) return true;
  pollfd p{c->fd, POLLIN, 0};
  int n = poll(&p, 1, 0);
  return n != 0;  // readable, hung up, or poll itself failed
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisPool>> RedisPool::Create(
    PoolOptions options) {
  ASSIGN_OR_RETURN(Endpoint endpoint, ParseEndpoint(options.address));
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError(
        "redis pool: max_connections must be >= 1");
  }
  if (options.connect_timeout <= absl::ZeroDuration() ||
      options.command_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("redis pool: timeouts must be positive");
  }
  return std::unique_ptr<RedisPool>(
      new RedisPool(std::move(options), std::move(endpoint)));
}

RedisPool::RedisPool(PoolOptions options, Endpoint endpoint)
    : options_(std::move(options)), endpoint_(std::move(endpoint)) {}

RedisPool::~RedisPool() = default;

int64_t RedisPool::connects() const {
  absl::MutexLock lock(&mu_);
  return connects_;
}

absl::StatusOr<Context> RedisPool::Acquire() {
  auto can_proceed = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || open_ < options_.max_connections;
  };
  Context context;
  {
    if (!mu_.LockWhenWithTimeout(absl::Condition(&can_proceed),
                                 options_.command_timeout)) {
      mu_.Unlock();
      return absl::DeadlineExceededError(
          absl::StrCat("redis: no free connection within ",
                       absl::FormatDuration(options_.command_timeout),
                       " (pool of ", options_.max_connections, ")"));
    }
    if (!idle_.empty()) {
      context = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;  // reserve a slot for the connection made below
    }
    mu_.Unlock();
  }
  if (context != nullptr && !LooksStale(context.get())) return context;
  // Either nothing was idle or the idle connection went stale: the slot is
  // ours, so replace its connection.
  context.reset();
  absl::StatusOr<Context> fresh =
      Connect(endpoint_, {.connect_timeout = options_.connect_timeout,
                          .command_timeout = options_.command_timeout,
                          .password = options_.password});
  absl::MutexLock lock(&mu_);
  if (fresh.ok()) {
    ++connects_;
  } else {
    --open_;
  }
  return fresh;
}

void RedisPool::Release(Context context, bool healthy) {
  absl::MutexLock lock(&mu_);
  if (healthy && context->err == 0) {
    idle_.push_back(std::move(context));
  } else {
    --open_;
  }
}

absl::StatusOr<std::vector<Reply>> RedisPool::Pipeline(
    absl::Span<const Args> commands) {
  bool sent = false;
  return Send(commands, &sent);
}

absl::StatusOr<std::vector<Reply>> RedisPool::Send(
    absl::Span<const Args> commands, bool* sent) {
  *sent = false;
  if (commands.empty()) return std::vector<Reply>();
  ASSIGN_OR_RETURN(Context context, Acquire());
  *sent = true;
  absl::StatusOr<std::vector<Reply>> replies =
      RunOn(context.get(), endpoint_, options_.command_timeout, commands);
  // After a failure the connection may hold unread replies: never reuse it.
  Release(std::move(context), replies.ok());
  return replies;
}

}  // namespace gridcase::redis
