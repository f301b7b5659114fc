#include "common/redis/redis_client.h"

#include <algorithm>
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

// The script's reply, or its error as a status.
absl::StatusOr<Reply> ScriptResult(const Script& script, Reply reply) {
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

bool IsNoScript(const Reply& reply) {
  return reply.is_error() && absl::StartsWith(reply.str(), "NOSCRIPT");
}

}  // namespace

void RedisClient::PipelineAsync(absl::Span<const Args> commands,
                                PipelineDone done) {
  std::move(done)(Pipeline(commands));
}

absl::StatusOr<std::vector<std::vector<Reply>>> RedisClient::OnEveryMaster(
    absl::Span<const Args> commands) {
  ASSIGN_OR_RETURN(std::vector<Reply> replies, Pipeline(commands));
  std::vector<std::vector<Reply>> out;
  out.push_back(std::move(replies));
  return out;
}

absl::StatusOr<Reply> RedisClient::ReadStreams(const StreamRead& read) {
  std::vector<size_t> all(read.streams.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  if (all.empty()) return Reply::Nil();
  return Command(StreamReadCommand(read, all, read.block));
}

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
  if (IsNoScript(replies.front())) {
    Args eval = EvalArgs("EVAL", script.body(), keys, args);
    ASSIGN_OR_RETURN(replies, Pipeline(absl::MakeConstSpan(&eval, 1)));
  }
  return ScriptResult(script, std::move(replies.front()));
}

absl::StatusOr<Reply> RedisClient::Eval(const Script& script,
                                        const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args,
                                        const WaitReplicas& wait) {
  if (wait.count <= 0) return Eval(script, keys, args);
  int64_t timeout_ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(wait.timeout));
  std::vector<Args> commands = {
      EvalArgs("EVALSHA", script.sha1(), keys, args),
      {"WAIT", absl::StrCat(wait.count), absl::StrCat(timeout_ms)}};
  ASSIGN_OR_RETURN(std::vector<Reply> replies, Pipeline(commands));
  if (IsNoScript(replies.front())) {
    commands.front() = EvalArgs("EVAL", script.body(), keys, args);
    ASSIGN_OR_RETURN(replies, Pipeline(commands));
  }
  ASSIGN_OR_RETURN(Reply reply, ScriptResult(script, std::move(replies[0])));
  ASSIGN_OR_RETURN(int64_t acknowledged, replies[1].AsInteger());
  if (acknowledged < wait.count) {
    return absl::UnavailableError(absl::StrCat(
        "redis: ", acknowledged, " of ", wait.count,
        " replicas acknowledged the writes of ", script.name(), " within ",
        absl::FormatDuration(wait.timeout), "; they are on the primary only"));
  }
  return reply;
}

}  // namespace gridcase::redis
