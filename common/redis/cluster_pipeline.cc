#include "common/redis/cluster_pipeline.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/redis/cluster_slots.h"

namespace gridcase::redis {
namespace {

bool Is(const Args& args, absl::string_view name) {
  return !args.empty() && absl::EqualsIgnoreCase(args[0], name);
}

bool BindsToConnection(const Args& args) {
  return Is(args, "WAIT") || Is(args, "MULTI") || Is(args, "EXEC") ||
         Is(args, "DISCARD") || Is(args, "WATCH");
}

}  // namespace

absl::StatusOr<PipelineShape> ShapeOf(absl::Span<const Args> commands) {
  PipelineShape shape;
  shape.slots.reserve(commands.size());
  for (const Args& args : commands) {
    std::optional<absl::string_view> key = RoutingKey(args);
    shape.slots.push_back(key.has_value() ? KeySlot(*key) : -1);
    shape.bound = shape.bound || BindsToConnection(args);
  }
  if (!shape.bound) return shape;
  int slot = -1;
  for (size_t i = 0; i < commands.size(); ++i) {
    if (shape.slots[i] < 0) continue;
    if (slot >= 0 && shape.slots[i] != slot) {
      return absl::InvalidArgumentError(absl::StrCat(
          "redis cluster: a pipeline with WAIT or MULTI runs on one "
          "connection, so all its keys must hash to one slot (use one hash "
          "tag); command ",
          i, " (", commands[i][0], ") is in slot ", shape.slots[i],
          ", an earlier one in slot ", slot));
    }
    slot = shape.slots[i];
  }
  return shape;
}

Verdict VerdictOf(const Reply& reply) {
  if (!reply.is_error()) return Verdict::kDone;
  const std::string& e = reply.str();
  if (absl::StartsWith(e, "MOVED ")) return Verdict::kMoved;
  if (absl::StartsWith(e, "ASK ")) return Verdict::kAsk;
  if (absl::StartsWith(e, "TRYAGAIN") || absl::StartsWith(e, "CLUSTERDOWN")) {
    return Verdict::kRetryLater;
  }
  return Verdict::kDone;
}

int NoneRanBecause(absl::Span<const Args> commands,
                   const std::vector<int>& slots,
                   absl::Span<const Reply> replies) {
  int because = -1;
  bool in_multi = false;
  int block_redirect = -1;  // first redirected command of the open block
  for (size_t i = 0; i < commands.size() && i < replies.size(); ++i) {
    const Args& args = commands[i];
    if (Is(args, "MULTI")) {
      in_multi = true;
      block_redirect = -1;
      continue;
    }
    if (in_multi && (Is(args, "EXEC") || Is(args, "DISCARD"))) {
      in_multi = false;
      bool aborted = replies[i].is_error() &&
                     absl::StartsWith(replies[i].str(), "EXECABORT");
      if (block_redirect < 0) continue;  // nothing redirected in the block
      if (!aborted) return -1;
      if (because < 0) because = block_redirect;
      continue;
    }
    if (slots[i] < 0) continue;
    bool ran = VerdictOf(replies[i]) == Verdict::kDone;
    if (in_multi) {
      if (!ran && block_redirect < 0) block_redirect = static_cast<int>(i);
      continue;
    }
    if (ran) return -1;
    if (because < 0) because = static_cast<int>(i);
  }
  return because;
}

Framed FrameWithAsking(absl::Span<const Args> commands) {
  Framed out;
  bool in_multi = false;
  for (const Args& args : commands) {
    if (!in_multi) out.commands.push_back({"ASKING"});
    if (Is(args, "MULTI")) in_multi = true;
    if (Is(args, "EXEC") || Is(args, "DISCARD")) in_multi = false;
    out.keep.push_back(out.commands.size());
    out.commands.push_back(args);
  }
  return out;
}

}  // namespace gridcase::redis
