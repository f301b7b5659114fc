#include "common/redis/redis_client.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace gridcase::redis {
namespace {

Args EvalArgs(absl::string_view verb, absl::string_view script_or_sha,
              const std::vector<std::string>& keys,
              const std::vector<std::string>& args) {
  Args out;
  out.reserve(3 + keys.size() + args.size());
  out.emplace_back(verb);
  out.emplace_back(script_or_sha);
  out.push_back(absl::StrCat(keys.size()));
  out.insert(out.end(), keys.begin(), keys.end());
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

}  // namespace

absl::StatusOr<Reply> RedisClient::Command(Args args) {
  ASSIGN_OR_RETURN(std::vector<Reply> replies,
                   Pipeline(absl::MakeConstSpan(&args, 1)));
  Reply& reply = replies.front();
  RETURN_IF_ERROR(reply.ToStatus());
  return std::move(reply);
}

absl::StatusOr<Reply> RedisClient::Eval(const Script& script,
                                        const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
  Args evalsha = EvalArgs("EVALSHA", script.sha1(), keys, args);
  ASSIGN_OR_RETURN(std::vector<Reply> replies,
                   Pipeline(absl::MakeConstSpan(&evalsha, 1)));
  Reply reply = std::move(replies.front());
  if (reply.is_error() && absl::StartsWith(reply.str(), "NOSCRIPT")) {
    Args eval = EvalArgs("EVAL", script.body(), keys, args);
    ASSIGN_OR_RETURN(replies, Pipeline(absl::MakeConstSpan(&eval, 1)));
    reply = std::move(replies.front());
  }
  if (reply.is_error()) {
    absl::Status status = reply.ToStatus();
    if (status.code() == absl::StatusCode::kInternal) {
      return absl::InternalError(
          absl::StrCat("script ", script.name(), ": ", status.message()));
    }
    return status;
  }
  return reply;
}

}  // namespace gridcase::redis
