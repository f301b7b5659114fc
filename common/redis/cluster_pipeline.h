// The pure half of ClusterClient::Pipeline (cluster_client.h): where each
// command of a pipeline goes, whether the pipeline must stay on one
// connection, what a reply says about whether its command ran, and how a
// batch is framed with ASKING. No I/O; unit-tested on its own.
#ifndef GRIDCASE_COMMON_REDIS_CLUSTER_PIPELINE_H_
#define GRIDCASE_COMMON_REDIS_CLUSTER_PIPELINE_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/redis/redis_client.h"
#include "common/redis/reply.h"

namespace gridcase::redis {

// A pipeline as a cluster sees it.
struct PipelineShape {
  // The slot of each command; -1 for a command without a key.
  std::vector<int> slots;
  // The pipeline holds WAIT, MULTI, EXEC, DISCARD or WATCH, whose meaning
  // depends on the connection (WAIT counts the replicas holding the writes
  // made on it; a transaction lives on it): it runs whole, on one
  // connection, in order, so all its keys must be in one slot.
  bool bound = false;
};

// The shape of `commands`. INVALID_ARGUMENT naming the rule when a bound
// pipeline has keys in more than one slot.
absl::StatusOr<PipelineShape> ShapeOf(absl::Span<const Args> commands);

// What a reply says about its command.
enum class Verdict {
  kDone,        // it ran (its reply may still be an error of its own)
  kMoved,       // MOVED: the slot lives elsewhere now; it did not run
  kAsk,         // ASK: the slot is migrating and the key is on the target
  kRetryLater,  // TRYAGAIN or CLUSTERDOWN: it did not run; retry shortly
};
Verdict VerdictOf(const Reply& reply);

// For a bound pipeline: the index of the reply that decides where it goes
// next, when none of its keyed commands ran, so sending it again runs
// nothing twice; -1 when one did run (or nothing was redirected). A keyed
// command outside a transaction did not run if its verdict is not kDone; a
// MULTI ... EXEC block did not run if EXEC answered EXECABORT and one of its
// commands was redirected.
int NoneRanBecause(absl::Span<const Args> commands,
                   const std::vector<int>& slots,
                   absl::Span<const Reply> replies);

// `commands` framed for the target of an ASK redirection: ASKING before
// every command outside a MULTI ... EXEC block and before each MULTI (the
// ASKING flag lasts through a transaction). `keep[i]` is the position of the
// reply to commands[i] among the framed commands' replies.
struct Framed {
  std::vector<Args> commands;
  std::vector<size_t> keep;
};
Framed FrameWithAsking(absl::Span<const Args> commands);

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_CLUSTER_PIPELINE_H_
