// The Redis flags every service shares and the clients built from them:
// --redis (one Redis) or --redis_cluster (a Redis Cluster, by seed nodes),
// the password, the pool size, the shared connections and the timeouts.
// Bootstrap reads them once; a service sees only redis::RedisClient, whichever
// of the two it is.
#ifndef GRIDCASE_COMMON_SERVER_REDIS_FLAGS_H_
#define GRIDCASE_COMMON_SERVER_REDIS_FLAGS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_pool.h"

namespace gridcase::server {

struct RedisConfig {
  // Seed nodes of a Redis Cluster ("host:port"); empty for one Redis at
  // pool.address.
  std::vector<std::string> cluster_seeds;
  // One Redis: its pool. A cluster: the options of each master's pool
  // (--redis_pool_size connections per master), and --redis_timeout also
  // bounds the retries of one call (redirections, failover).
  redis::PoolOptions pool;
  // One Redis: connections shared by every caller, with commands of many
  // callers pipelined on each (redis::PipelinedClient); 0 gives each call a
  // pooled connection of its own. Not used with a cluster.
  int pipelined_connections = 0;
};

// Parses --redis_cluster: comma-separated host:port (or tcp://host:port)
// seeds, spaces allowed. INVALID_ARGUMENT naming the flag when it holds no
// seed, a malformed one or a unix socket.
absl::StatusOr<std::vector<std::string>> ParseClusterSeeds(
    absl::string_view flag);

// Reads and checks the flags. INVALID_ARGUMENT naming both flags when
// --redis (changed from its default) and --redis_cluster are both set.
absl::StatusOr<RedisConfig> RedisConfigFromFlags();

// For one Redis, a PipelinedClient (a RedisPool when pipelined_connections
// is 0); for a cluster, a ClusterClient. Does not
// connect. INVALID_ARGUMENT naming the flag when the options are wrong.
absl::StatusOr<std::unique_ptr<redis::RedisClient>> NewRedisClient(
    const RedisConfig& config);

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_REDIS_FLAGS_H_
