#include "common/redis/redis_pool.h"

#include <hiredis.h>
#include <poll.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/redis/resp.h"
#include "common/status/status_macros.h"

namespace gridcase::redis {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// True when an idle connection can no longer be used: the server closed it
// (EOF is readable), or something unexpected is waiting to be read.
bool LooksStale(const redisContext* c) {
  if (c->err != 0) return true;
  pollfd p{c->fd, POLLIN, 0};
  int n = poll(&p, 1, 0);
  return n != 0;  // readable, hung up, or poll itself failed
}

}  // namespace

std::string Endpoint::ToString() const {
  if (!unix_path.empty()) return absl::StrCat("unix://", unix_path);
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view address) {
  Endpoint e;
  if (absl::ConsumePrefix(&address, "unix://")) {
    if (address.empty() || address[0] != '/') {
      return absl::InvalidArgumentError(absl::StrCat(
          "redis address: unix socket path must be absolute, got '", address,
          "'"));
    }
    e.unix_path = std::string(address);
    return e;
  }
  absl::ConsumePrefix(&address, "tcp://");
  absl::ConsumePrefix(&address, "redis://");
  size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis address: must be host:port, tcp://host:port or "
                     "unix:///path, got '",
                     address, "'"));
  }
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port <= 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "redis address: port must be 1-65535, got '", address, "'"));
  }
  e.host = std::string(address.substr(0, colon));
  e.port = port;
  return e;
}

void RedisPool::ContextDeleter::operator()(redisContext* c) const {
  redisFree(c);
}

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

absl::StatusOr<RedisPool::Context> RedisPool::Connect() {
  timeval tv = absl::ToTimeval(options_.connect_timeout);
  Context c(
      endpoint_.unix_path.empty()
          ? redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv)
          : redisConnectUnixWithTimeout(endpoint_.unix_path.c_str(), tv));
  if (c == nullptr) {
    return absl::ResourceExhaustedError("redis: cannot allocate a context");
  }
  if (c->err != 0) {
    return absl::UnavailableError(absl::StrCat(
        "redis: cannot connect to ", endpoint_.ToString(), ": ", c->errstr));
  }
  if (redisSetTimeout(c.get(), absl::ToTimeval(options_.command_timeout)) !=
      REDIS_OK) {
    return absl::UnavailableError(absl::StrCat("redis: cannot set timeout on ",
                                               endpoint_.ToString(), ": ",
                                               c->errstr));
  }
  if (!options_.password.empty()) {
    Args auth = {"AUTH", options_.password};
    ASSIGN_OR_RETURN(std::vector<Reply> replies,
                     RunOn(c.get(), absl::MakeConstSpan(&auth, 1)));
    RETURN_IF_ERROR(replies.front().ToStatus());
  }
  absl::MutexLock lock(&mu_);
  ++connects_;
  return c;
}

absl::StatusOr<RedisPool::Context> RedisPool::Acquire() {
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
  absl::StatusOr<Context> fresh = Connect();
  if (!fresh.ok()) {
    absl::MutexLock lock(&mu_);
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

absl::StatusOr<std::vector<Reply>> RedisPool::RunOn(
    redisContext* c, absl::Span<const Args> commands) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const Args& args : commands) {
    argv.clear();
    lens.clear();
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(),
                               lens.data()) != REDIS_OK) {
      return absl::InternalError(
          absl::StrCat("redis: cannot encode command: ", c->errstr));
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    errno = 0;
    int rc = redisGetReply(c, &raw);
    int saved_errno = errno;
    ReplyPtr reply(static_cast<redisReply*>(raw));
    if (rc != REDIS_OK || reply == nullptr) {
      if (c->err == REDIS_ERR_IO &&
          (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
        return absl::DeadlineExceededError(absl::StrCat(
            "redis: no reply from ", endpoint_.ToString(), " within ",
            absl::FormatDuration(options_.command_timeout)));
      }
      if (c->err == REDIS_ERR_PROTOCOL) {
        return absl::InternalError(
            absl::StrCat("redis: protocol error: ", c->errstr));
      }
      return absl::UnavailableError(absl::StrCat(
          "redis: connection to ", endpoint_.ToString(),
          " failed: ", c->errstr[0] != '\0' ? c->errstr : "connection lost"));
    }
    replies.push_back(FromHiredis(reply.get()));
  }
  return replies;
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
  absl::StatusOr<std::vector<Reply>> replies = RunOn(context.get(), commands);
  // After a failure the connection may hold unread replies: never reuse it.
  Release(std::move(context), replies.ok());
  return replies;
}

}  // namespace gridcase::redis
