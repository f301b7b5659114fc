#include "common/testing/redis_cluster.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/redis/cluster_slots.h"
#include "common/status/status_macros.h"
#include "common/testing/redis_server.h"

namespace gridcase::testing {
namespace {

constexpr absl::Duration kStartWait = absl::Seconds(30);
constexpr absl::Duration kFailoverWait = absl::Seconds(30);
constexpr absl::Duration kPoll = absl::Milliseconds(50);

absl::StatusOr<redis::SlotMap> ReadMap(redis::RedisPool& node) {
  ASSIGN_OR_RETURN(redis::Reply shards, node.Command({"CLUSTER", "SHARDS"}));
  return redis::SlotMap::FromClusterShards(shards);
}

std::vector<std::string> Addresses(const redis::SlotMap& map) {
  std::vector<std::string> out;
  for (const redis::ClusterMaster& m : map.masters()) out.push_back(m.address);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string RedisCluster::Member::address() const {
  return absl::StrCat("127.0.0.1:", port);
}

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::Start() {
  return Start(Options());
}

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::Start(
    Options options) {
  if (options.masters < 3) {
    return absl::InvalidArgumentError("a Redis Cluster needs 3 masters");
  }
  ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("gridcase-cluster"));
  std::unique_ptr<RedisCluster> cluster(
      new RedisCluster(std::move(dir), std::move(options)));
  int count =
      cluster->options_.masters * (1 + cluster->options_.replicas_per_master);
  cluster->nodes_.resize(count);
  for (int i = 0; i < count; ++i) {
    Member& node = cluster->nodes_[i];
    ASSIGN_OR_RETURN(node.port, FreeLoopbackPort());
    ASSIGN_OR_RETURN(node.bus_port, FreeLoopbackPort());
    node.dir = cluster->dir_.File(absl::StrCat("node", i));
    if (mkdir(node.dir.c_str(), 0700) != 0) {
      return absl::InternalError(absl::StrCat("cannot create ", node.dir));
    }
    RETURN_IF_ERROR(cluster->Launch(node));
    ASSIGN_OR_RETURN(redis::Reply id, node.admin->Command({"CLUSTER", "MYID"}));
    node.id = id.str();
  }
  RETURN_IF_ERROR(cluster->Create());
  RETURN_IF_ERROR(cluster->AwaitHealthy(kStartWait, /*replicas=*/true));
  return cluster;
}

RedisCluster::~RedisCluster() {
  for (Member& node : nodes_) {
    if (node.process != nullptr) {
      node.process->Stop(absl::Seconds(5)).IgnoreError();
    }
  }
}

absl::Status RedisCluster::Launch(Member& node) {
  SpawnOptions spawn;
  spawn.argv = {
      "redis-server", "--port", absl::StrCat(node.port), "--bind", "127.0.0.1",
      "--cluster-enabled", "yes", "--cluster-port", absl::StrCat(node.bus_port),
      "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
      absl::StrCat(absl::ToInt64Milliseconds(options_.node_timeout)),
      // A replica may take over however long it was cut off: a
      // killed master is always replaced.
      "--cluster-replica-validity-factor", "0", "--repl-diskless-sync-delay",
      "0", "--dir", node.dir, "--save", "", "--appendonly", "no", "--daemonize",
      "no", "--enable-debug-command", "local", "--logfile",
      absl::StrCat(node.dir, "/redis.log")};
  spawn.argv.insert(spawn.argv.end(), options_.extra_args.begin(),
                    options_.extra_args.end());
  ASSIGN_OR_RETURN(node.process, Subprocess::Spawn(std::move(spawn)));
  if (node.admin == nullptr) {
    ASSIGN_OR_RETURN(node.admin, redis::RedisPool::Create(
                                     {.address = node.address(),
                                      .max_connections = 2,
                                      .command_timeout = absl::Seconds(10)}));
  }
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  absl::Status last;
  while (absl::Now() < deadline) {
    if (!node.process->running()) {
      return absl::InternalError(absl::StrCat(
          "redis-server exited at start; see ", node.dir, "/redis.log"));
    }
    absl::StatusOr<redis::Reply> pong = node.admin->Command({"PING"});
    if (pong.ok()) return absl::OkStatus();
    last = pong.status();
    absl::SleepFor(absl::Milliseconds(10));  // waiting for readiness
  }
  return absl::DeadlineExceededError(
      absl::StrCat("redis-server not ready after 10s: ", last.message()));
}

absl::Status RedisCluster::Create() {
  SpawnOptions spawn;
  spawn.argv = {"redis-cli", "--cluster", "create"};
  for (const Member& node : nodes_) spawn.argv.push_back(node.address());
  spawn.argv.insert(
      spawn.argv.end(),
      {"--cluster-replicas", absl::StrCat(options_.replicas_per_master),
       "--cluster-yes"});
  spawn.stdout_path = dir_.File("create.log");
  spawn.stderr_path = dir_.File("create.log");
  ASSIGN_OR_RETURN(std::unique_ptr<Subprocess> cli,
                   Subprocess::Spawn(std::move(spawn)));
  ASSIGN_OR_RETURN(int status, cli->Wait(kStartWait));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(
        "redis-cli --cluster create failed; see ", dir_.File("create.log")));
  }
  return absl::OkStatus();
}

absl::Status RedisCluster::AwaitHealthy(absl::Duration timeout, bool replicas) {
  absl::Time deadline = absl::Now() + timeout;
  std::string why;
  while (absl::Now() < deadline) {
    why = Unhealthy(replicas);
    if (why.empty()) return absl::OkStatus();
    absl::SleepFor(kPoll);  // waiting for the cluster to converge
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "the Redis Cluster in ", dir_.path(), " is not healthy after ",
      absl::FormatDuration(timeout), ": ", why));
}

std::string RedisCluster::Unhealthy(bool replicas) {
  std::optional<redis::SlotMap> map;
  for (Member& node : nodes_) {
    if (node.process == nullptr || !node.process->running()) continue;
    absl::StatusOr<redis::Reply> info =
        node.admin->Command({"CLUSTER", "INFO"});
    if (!info.ok() || !absl::StrContains(info->str(), "cluster_state:ok")) {
      return absl::StrCat(node.address(), " is not cluster_state:ok");
    }
    absl::StatusOr<redis::SlotMap> seen = ReadMap(*node.admin);
    if (!seen.ok() || seen->covered_slots() != redis::kClusterSlots) {
      return absl::StrCat(node.address(), " does not see every slot served");
    }
    for (const redis::ClusterMaster& m : seen->masters()) {
      Member* master = Find(m.address);
      if (master == nullptr || master->process == nullptr) {
        return absl::StrCat(node.address(), " still sees ", m.address,
                            " as a master");
      }
    }
    // Every node names the same masters.
    if (map.has_value() && Addresses(*map) != Addresses(*seen)) {
      return absl::StrCat(node.address(), " sees other masters");
    }
    map = *std::move(seen);
  }
  if (!map.has_value()) return "no node runs";
  if (!replicas) return "";
  // Each master's replicas acknowledge a write. (A replica counts as
  // online before it has acknowledged anything; until its first REPLCONF
  // ACK, up to 1 s after a diskless sync, the master keeps the writes in a
  // buffer, and a master killed then loses them all.)
  for (const redis::ClusterMaster& m : map->masters()) {
    std::string probe;
    for (int i = 0; probe.empty(); ++i) {
      std::string key = absl::StrCat("gridcase-probe:", i);
      const std::string* owner = map->MasterOf(redis::KeySlot(key));
      if (owner != nullptr && *owner == m.address) probe = key;
    }
    absl::StatusOr<std::vector<redis::Reply>> acked =
        Find(m.address)->admin->Pipeline(
            {{"SET", probe, "1"},
             {"DEL", probe},
             {"WAIT", absl::StrCat(options_.replicas_per_master), "100"}});
    if (!acked.ok() || (*acked)[2].integer() < options_.replicas_per_master) {
      return absl::StrCat(m.address, "'s replicas do not acknowledge yet");
    }
  }
  return "";
}

std::vector<std::string> RedisCluster::seeds() const {
  std::vector<std::string> out;
  for (const Member& node : nodes_) out.push_back(node.address());
  return out;
}

std::string RedisCluster::seeds_flag() const {
  return absl::StrJoin(seeds(), ",");
}

RedisCluster::Member* RedisCluster::Find(const std::string& address) {
  for (Member& node : nodes_) {
    if (node.address() == address) return &node;
  }
  return nullptr;
}

absl::StatusOr<redis::RedisPool*> RedisCluster::Node(
    const std::string& address) {
  Member* node = Find(address);
  if (node == nullptr) {
    return absl::NotFoundError(absl::StrCat("no cluster node ", address));
  }
  return node->admin.get();
}

absl::StatusOr<redis::RedisPool*> RedisCluster::AnyLiveNode() {
  for (Member& node : nodes_) {
    if (node.process != nullptr && node.process->running()) {
      return node.admin.get();
    }
  }
  return absl::FailedPreconditionError("no cluster node runs");
}

absl::StatusOr<std::string> RedisCluster::MasterOf(int slot) {
  ASSIGN_OR_RETURN(redis::RedisPool * node, AnyLiveNode());
  ASSIGN_OR_RETURN(redis::SlotMap map, ReadMap(*node));
  const std::string* owner = map.MasterOf(slot);
  if (owner == nullptr) {
    return absl::UnavailableError(absl::StrCat("no master serves ", slot));
  }
  return *owner;
}

absl::StatusOr<std::vector<std::string>> RedisCluster::Masters() {
  ASSIGN_OR_RETURN(redis::RedisPool * node, AnyLiveNode());
  ASSIGN_OR_RETURN(redis::SlotMap map, ReadMap(*node));
  std::vector<std::string> out;
  for (const redis::ClusterMaster& m : map.masters()) out.push_back(m.address);
  return out;
}

absl::Status RedisCluster::MoveSlot(int slot, const std::string& to) {
  RETURN_IF_ERROR(BeginSlotMigration(slot, to));
  RETURN_IF_ERROR(MigrateSlotKeys(slot));
  return FinishSlotMigration(slot);
}

absl::Status RedisCluster::BeginSlotMigration(int slot, const std::string& to) {
  ASSIGN_OR_RETURN(std::string from, MasterOf(slot));
  Member* source = Find(from);
  Member* target = Find(to);
  if (source == nullptr || target == nullptr || source == target) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot move slot ", slot, " from ", from, " to ", to));
  }
  std::string s = absl::StrCat(slot);
  RETURN_IF_ERROR(
      target->admin->Command({"CLUSTER", "SETSLOT", s, "IMPORTING", source->id})
          .status());
  RETURN_IF_ERROR(
      source->admin->Command({"CLUSTER", "SETSLOT", s, "MIGRATING", target->id})
          .status());
  migrations_[slot] = {from, to};
  return absl::OkStatus();
}

absl::Status RedisCluster::MigrateSlotKeys(int slot) {
  auto it = migrations_.find(slot);
  if (it == migrations_.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("slot ", slot, " is not migrating"));
  }
  Member* source = Find(it->second.source);
  Member* target = Find(it->second.target);
  while (true) {
    ASSIGN_OR_RETURN(redis::Reply keys,
                     source->admin->Command({"CLUSTER", "GETKEYSINSLOT",
                                             absl::StrCat(slot), "100"}));
    if (keys.elements().empty()) return absl::OkStatus();
    redis::Args migrate = {"MIGRATE", "127.0.0.1", absl::StrCat(target->port),
                           "",        "0",         "5000",
                           "REPLACE", "KEYS"};
    for (const redis::Reply& key : keys.elements()) {
      migrate.push_back(key.str());
    }
    RETURN_IF_ERROR(source->admin->Command(std::move(migrate)).status());
  }
}

absl::Status RedisCluster::FinishSlotMigration(int slot) {
  auto it = migrations_.find(slot);
  if (it == migrations_.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("slot ", slot, " is not migrating"));
  }
  Member* target = Find(it->second.target);
  redis::Args setslot = {"CLUSTER", "SETSLOT", absl::StrCat(slot), "NODE",
                         target->id};
  // The target first, then the source (which then answers MOVED), then the
  // other masters, as redis-cli does; gossip would tell them too.
  RETURN_IF_ERROR(target->admin->Command(setslot).status());
  RETURN_IF_ERROR(Find(it->second.source)->admin->Command(setslot).status());
  ASSIGN_OR_RETURN(std::vector<std::string> masters, Masters());
  for (const std::string& m : masters) {
    if (m == it->second.source || m == it->second.target) continue;
    RETURN_IF_ERROR(Find(m)->admin->Command(setslot).status());
  }
  migrations_.erase(it);
  return absl::OkStatus();
}

absl::Status RedisCluster::KillMaster(const std::string& address) {
  RETURN_IF_ERROR(KillNode(address));
  return AwaitFailover();
}

absl::Status RedisCluster::KillNode(const std::string& address) {
  Member* node = Find(address);
  if (node == nullptr || node->process == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("no running cluster node ", address));
  }
  RETURN_IF_ERROR(node->process->Signal(SIGKILL));
  RETURN_IF_ERROR(node->process->Wait(absl::Seconds(5)).status());
  node->process.reset();
  return absl::OkStatus();
}

absl::Status RedisCluster::AwaitFailover() {
  return AwaitHealthy(kFailoverWait, /*replicas=*/false);
}

absl::Status RedisCluster::Signal(const std::string& address, int signal) {
  Member* node = Find(address);
  if (node == nullptr || node->process == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("no running cluster node ", address));
  }
  return node->process->Signal(signal);
}

absl::StatusOr<std::vector<std::string>> RedisCluster::ReplicasOf(
    const std::string& address) {
  Member* node = Find(address);
  if (node == nullptr) {
    return absl::NotFoundError(absl::StrCat("no cluster node ", address));
  }
  ASSIGN_OR_RETURN(redis::Reply info,
                   node->admin->Command({"INFO", "replication"}));
  // slave0:ip=127.0.0.1,port=30004,state=online,offset=1,lag=0
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(info.str(), '\n')) {
    if (!absl::StartsWith(line, "slave")) continue;
    std::string ip;
    std::string port;
    for (absl::string_view field : absl::StrSplit(line, ',')) {
      absl::string_view value = field.substr(field.find('=') + 1);
      if (absl::StrContains(field, "ip=")) ip = std::string(value);
      if (absl::StartsWith(field, "port=")) port = std::string(value);
    }
    out.push_back(absl::StrCat(ip, ":", port));
  }
  return out;
}

absl::Status RedisCluster::RestartNode(const std::string& address) {
  Member* node = Find(address);
  if (node == nullptr) {
    return absl::NotFoundError(absl::StrCat("no cluster node ", address));
  }
  if (node->process != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(address, " is running"));
  }
  return Launch(*node);
}

}  // namespace gridcase::testing
