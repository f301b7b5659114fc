#include "common/redis/connection.h"

#include <hiredis.h>
#include <sys/time.h>

#include <cerrno>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/redis/resp.h"
#include "common/status/status_macros.h"

namespace gridcase::redis {
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

void ReplyDeleter::operator()(redisReply* r) const { freeReplyObject(r); }

void ContextDeleter::operator()(redisContext* c) const { redisFree(c); }

void PointAt(const Args& args, std::vector<const char*>* argv,
             std::vector<size_t>* lens) {
  argv->clear();
  lens->clear();
  for (const std::string& a : args) {
    argv->push_back(a.data());
    lens->push_back(a.size());
  }
}

absl::StatusOr<Context> Connect(const Endpoint& endpoint,
                                const ConnectOptions& options) {
  timeval tv = absl::ToTimeval(options.connect_timeout);
  Context c(
      endpoint.unix_path.empty()
          ? redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv)
          : redisConnectUnixWithTimeout(endpoint.unix_path.c_str(), tv));
  if (c == nullptr) {
    return absl::ResourceExhaustedError("redis: cannot allocate a context");
  }
  if (c->err != 0) {
    return absl::UnavailableError(absl::StrCat(
        "redis: cannot connect to ", endpoint.ToString(), ": ", c->errstr));
  }
  if (redisSetTimeout(c.get(), absl::ToTimeval(options.command_timeout)) !=
      REDIS_OK) {
    return absl::UnavailableError(absl::StrCat(
        "redis: cannot set timeout on ", endpoint.ToString(), ": ", c->errstr));
  }
  if (!options.password.empty()) {
    Args auth = {"AUTH", options.password};
    ASSIGN_OR_RETURN(std::vector<Reply> replies,
                     RunOn(c.get(), endpoint, options.command_timeout,
                           absl::MakeConstSpan(&auth, 1)));
    RETURN_IF_ERROR(replies.front().ToStatus());
  }
  return c;
}

absl::StatusOr<std::vector<Reply>> RunOn(redisContext* c,
                                         const Endpoint& endpoint,
                                         absl::Duration command_timeout,
                                         absl::Span<const Args> commands) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const Args& args : commands) {
    PointAt(args, &argv, &lens);
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
        return absl::DeadlineExceededError(
            absl::StrCat("redis: no reply from ", endpoint.ToString(),
                         " within ", absl::FormatDuration(command_timeout)));
      }
      if (c->err == REDIS_ERR_PROTOCOL) {
        return absl::InternalError(
            absl::StrCat("redis: protocol error: ", c->errstr));
      }
      return absl::UnavailableError(absl::StrCat(
          "redis: connection to ", endpoint.ToString(),
          " failed: ", c->errstr[0] != '\0' ? c->errstr : "connection lost"));
    }
    replies.push_back(FromHiredis(reply.get()));
  }
  return replies;
}

}  // namespace gridcase::redis
