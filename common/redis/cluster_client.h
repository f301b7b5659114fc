// ClusterClient: RedisClient over a Redis Cluster.
//
// Why this layer exists. Debian 12 ships hiredis 0.14 but no cluster client
// for C or C++ (no hiredis-cluster / hiredis-vip, no redis-plus-plus), and
// gridcase takes its libraries from Debian only. gridcase needs little of
// a cluster client, because every key of one case operation carries its
// shard's hash tag {s:N}: each command touches one slot. So this is a small
// slot router over RedisPool, one pool per master, and nothing more.
//
// What it does:
// - reads the slot map with CLUSTER SHARDS from any known node (the seeds,
//   then every node of the last map) on first use and when it goes stale;
// - sends each command to the master of its key's slot (cluster_slots.h
//   says which key routes a command); a pipeline whose commands live on
//   several masters is split into one pipeline per master, sent one after
//   the other, and the replies come back in the caller's order. Commands
//   without a key go with the first master of the pipeline;
// - reads streams of several slots (ReadStreams) one round trip per master,
//   polling while it waits, since no blocking read spans slots;
// - a pipeline with WAIT, MULTI/EXEC, DISCARD or WATCH stays whole on one
//   connection, and all its keys must be in one slot (else
//   INVALID_ARGUMENT): so Eval(..., WaitReplicas) still runs EVALSHA and
//   WAIT on one connection of the slot's master, and WAIT counts that
//   master's replicas;
// - MOVED: takes the new owner from the reply, reads the map again, and
//   sends the command there; ASK: sends ASKING and the command to the named
//   node on one connection, without changing the map; TRYAGAIN and
//   CLUSTERDOWN: retries after a short backoff (10 ms, doubling, at most
//   200 ms);
// - a master it cannot connect to (killed, failing over): reads the map
//   again and retries, until a replica has been promoted;
// - all retries of one call stay within `retry_budget` and `max_rounds`;
//   past them the call fails UNAVAILABLE.
//
// What it does not do:
// - read from replicas (every command goes to a master);
// - run commands of several masters in parallel (one after the other);
// - resend commands that may have run: when a connection is lost after the
//   commands were written, or a reply times out, the call fails as on one
//   node (UNAVAILABLE / DEADLINE_EXCEEDED) and the caller decides; only
//   commands the cluster refused (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) or that
//   never left the client are sent again;
// - multi-key commands across slots (Redis answers CROSSSLOT), pub/sub,
//   unix sockets (cluster nodes announce TCP endpoints), TLS, or
//   cluster-wide commands (SCAN without a hash-tagged MATCH, KEYS, FLUSHALL,
//   DBSIZE go to one master; OnEveryMaster runs a command on each).
#ifndef GRIDCASE_COMMON_REDIS_CLUSTER_CLIENT_H_
#define GRIDCASE_COMMON_REDIS_CLUSTER_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/cluster_pipeline.h"
#include "common/redis/cluster_slots.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_pool.h"

namespace gridcase::redis {

struct ClusterOptions {
  // Nodes to read the slot map from first: "host:port" (or tcp://, redis://).
  // One reachable node is enough; the map names the others.
  std::vector<std::string> seeds;
  // Options of each master's pool; `address` is ignored.
  PoolOptions pool;
  // How long one call may spend retrying (redirections, TRYAGAIN,
  // CLUSTERDOWN, unreachable masters) before it fails UNAVAILABLE.
  absl::Duration retry_budget = absl::Seconds(2);
  // Most rounds of redirections and retries in one call.
  int max_rounds = 16;
  // ReadStreams over several slots: how often it asks again while it waits
  // (a blocking read cannot span slots).
  absl::Duration stream_poll = absl::Milliseconds(100);
};

// Keys that one master serves: positions in the list given to GroupByNode.
struct NodeKeys {
  std::string node;          // "host:port"
  std::vector<size_t> keys;  // ascending
};

class ClusterClient final : public RedisClient {
 public:
  // Validates the options. Does not connect: the cluster may come up later.
  static absl::StatusOr<std::unique_ptr<ClusterClient>> Create(
      ClusterOptions options);
  ~ClusterClient() override;
  ClusterClient(const ClusterClient&) = delete;
  ClusterClient& operator=(const ClusterClient&) = delete;

  absl::StatusOr<std::vector<Reply>> Pipeline(
      absl::Span<const Args> commands) override;

  // Streams of one slot: one command, routed like any other (so BLOCK
  // waits). Streams of several slots: per master, one round trip with a
  // non-blocking command per stream; when none has entries, again every
  // `stream_poll` until read.block passes. A stream whose slot moved
  // meanwhile is read in the next round.
  absl::StatusOr<Reply> ReadStreams(const StreamRead& read) override;

  // Runs `commands` on every master (e.g. INFO memory), one reply list per
  // master in the map's order.
  absl::StatusOr<std::vector<std::vector<Reply>>> OnEveryMaster(
      absl::Span<const Args> commands) override;

  // For readers that read each node's keys in one round trip (e.g. the
  // event stream of every shard, {s:N}:events): the masters serving `keys`,
  // in order of first appearance, each with the positions of the keys whose
  // slot it serves. Keys whose slot no master serves now (a master failed
  // and no replica is promoted yet) are left out.
  absl::StatusOr<std::vector<NodeKeys>> GroupByNode(
      absl::Span<const std::string> keys);
  // Runs `commands` as they are on `node` (an address from GroupByNode),
  // on one connection, without the one-slot rule (commands of several
  // slots of that node may share it). Nothing is redirected: a command whose
  // slot moved away meanwhile gets its MOVED or ASK error reply, which also
  // makes the next call read the map again. UNAVAILABLE when `node` cannot
  // be reached (the map is read again too).
  absl::StatusOr<std::vector<Reply>> PipelineOnNode(
      const std::string& node, absl::Span<const Args> commands);

  // Reads the slot map now (CLUSTER SHARDS), e.g. at start-up to fail early.
  absl::Status Refresh();
  // Times the slot map was read (for tests and metrics).
  int64_t map_reads() const;

 private:
  using MapPtr = std::shared_ptr<const SlotMap>;
  struct Batch;

  explicit ClusterClient(ClusterOptions options);

  // The current map, read first if there is none.
  absl::StatusOr<MapPtr> Map(int64_t* generation);
  // Reads the map unless another thread already did after `seen`.
  absl::Status RefreshAfter(int64_t seen);
  void MarkStale();
  void ApplyMoved(const Redirect& moved);
  absl::StatusOr<std::shared_ptr<RedisPool>> PoolFor(
      const std::string& address);

  // One round of a pipeline that is not bound to a connection.
  absl::StatusOr<std::vector<Reply>> RunSpread(absl::Span<const Args> commands,
                                               const PipelineShape& shape);
  absl::StatusOr<std::vector<Reply>> RunBound(absl::Span<const Args> commands,
                                              const PipelineShape& shape);

  const ClusterOptions options_;
  std::vector<std::string> seeds_;  // normalized "host:port"

  absl::Mutex refresh_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  MapPtr map_ ABSL_GUARDED_BY(mu_);
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool stale_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, std::shared_ptr<RedisPool>> pools_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_CLUSTER_CLIENT_H_
