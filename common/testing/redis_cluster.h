// RedisCluster: a real local Redis Cluster owned by one test. Six
// `redis-server --cluster-enabled yes` processes (by default) listen on free
// loopback ports, each in its own directory of one temporary directory;
// `redis-cli --cluster create ... --cluster-replicas 1` makes three masters
// with one replica each. Start() returns once every node reports
// cluster_state:ok and every master has its replica online. Every process
// it started is stopped, by PID, when the object goes away.
//
//   ASSIGN_OR_RETURN(auto cluster, RedisCluster::Start());
//   ClusterOptions o{.seeds = cluster->seeds()};
//
// Faults and topology changes for tests, while traffic flows:
// - MoveSlot: a live reshard of one slot to another master, as
//   `redis-cli --cluster reshard` does it (SETSLOT IMPORTING / MIGRATING,
//   MIGRATE of its keys, SETSLOT NODE), or in steps, to test ASK;
// - KillMaster: SIGKILL of a master, returning once its replica serves its
//   slots; RestartNode brings the killed process back (as a replica);
//   Signal(SIGSTOP / SIGCONT) makes a node hang.
#ifndef GRIDCASE_COMMON_TESTING_REDIS_CLUSTER_H_
#define GRIDCASE_COMMON_TESTING_REDIS_CLUSTER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_pool.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"

namespace gridcase::testing {

class RedisCluster final {
 public:
  struct Options {
    int masters = 3;
    int replicas_per_master = 1;
    // cluster-node-timeout: how long a node may be unreachable before it
    // is marked failed (and a replica takes over). Short, for fault tests,
    // but long enough that a loaded test machine does not fail nodes over.
    absl::Duration node_timeout = absl::Seconds(2);
    // Extra redis-server arguments for every node.
    std::vector<std::string> extra_args;
  };

  static absl::StatusOr<std::unique_ptr<RedisCluster>> Start();
  static absl::StatusOr<std::unique_ptr<RedisCluster>> Start(Options options);
  ~RedisCluster();
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  // The temporary directory with each node's directory and log.
  const std::string& dir() const { return dir_.path(); }
  // "127.0.0.1:port" of every node, for ClusterOptions::seeds.
  std::vector<std::string> seeds() const;
  // The same, comma-separated, for --redis_cluster.
  std::string seeds_flag() const;

  // A connection to one node (any address from seeds()), for checks and
  // admin commands; owned by the cluster.
  absl::StatusOr<redis::RedisPool*> Node(const std::string& address);
  // The address of the master serving `slot` now, as the first live node
  // sees it.
  absl::StatusOr<std::string> MasterOf(int slot);
  // The addresses of the masters serving slots now.
  absl::StatusOr<std::vector<std::string>> Masters();

  // Moves `slot` with its keys to the master `to` (BeginSlotMigration,
  // MigrateSlotKeys, FinishSlotMigration).
  absl::Status MoveSlot(int slot, const std::string& to);
  // Marks `slot` importing on `to` and migrating on its owner: from now on
  // the owner answers ASK for keys it no longer (or never) had.
  absl::Status BeginSlotMigration(int slot, const std::string& to);
  // Moves every key of the migrating `slot` to the target (MIGRATE).
  absl::Status MigrateSlotKeys(int slot);
  // Gives the migrating `slot` to the target on every master (SETSLOT NODE):
  // the old owner answers MOVED from now on.
  absl::Status FinishSlotMigration(int slot);

  // Kills the master at `address` with SIGKILL and returns once another
  // node serves each of its slots (KillNode, then AwaitFailover).
  absl::Status KillMaster(const std::string& address);
  // Kills the node at `address` with SIGKILL and reaps it.
  absl::Status KillNode(const std::string& address);
  // Returns once every live node reports cluster_state:ok and sees every
  // slot served by a live master (after a kill: once a replica took over).
  absl::Status AwaitFailover();
  // Sends `signal` to the node at `address`: SIGSTOP and SIGCONT make a
  // node hang and resume (e.g. a replica that stops taking the stream).
  absl::Status Signal(const std::string& address, int signal);
  // The addresses of the replicas of the master at `address`.
  absl::StatusOr<std::vector<std::string>> ReplicasOf(
      const std::string& address);
  // Starts a killed node again on its port and directory; it rejoins the
  // cluster (as a replica when its slots were taken over).
  absl::Status RestartNode(const std::string& address);

 private:
  struct Member {
    int port = 0;
    int bus_port = 0;
    std::string dir;
    std::string id;  // cluster node id (CLUSTER MYID)
    std::unique_ptr<Subprocess> process;
    std::unique_ptr<redis::RedisPool> admin;
    std::string address() const;
  };
  struct Migration {
    std::string source;
    std::string target;
  };

  RedisCluster(TempDir dir, Options options)
      : dir_(std::move(dir)), options_(std::move(options)) {}
  absl::Status Launch(Member& node);
  absl::Status Create();
  // Waits until every live node reports cluster_state:ok and sees every
  // slot served by a live master, and (with `replicas`) every master has
  // its replicas online.
  absl::Status AwaitHealthy(absl::Duration timeout, bool replicas);
  // Why the cluster is not healthy yet; empty when it is.
  std::string Unhealthy(bool replicas);
  Member* Find(const std::string& address);
  // A node that runs, to ask about the cluster.
  absl::StatusOr<redis::RedisPool*> AnyLiveNode();

  TempDir dir_;
  Options options_;
  std::vector<Member> nodes_;
  std::map<int, Migration> migrations_;
};

}  // namespace gridcase::testing

#endif  // GRIDCASE_COMMON_TESTING_REDIS_CLUSTER_H_
