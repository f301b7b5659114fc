#include "common/server/redis_flags.h"

#include <utility>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/redis/cluster_client.h"
#include "common/redis/pipelined_client.h"
#include "common/status/status_macros.h"

ABSL_FLAG(std::string, redis, "127.0.0.1:6379",
          "Redis address: host:port, tcp://host:port or unix:///path. "
          "Exclusive with --redis_cluster.");
ABSL_FLAG(std::string, redis_cluster, "",
          "Redis Cluster seed nodes, comma-separated host:port (e.g. "
          "redis-0:6379,redis-1:6379); one reachable node is enough, the "
          "cluster names the others. Empty: one Redis at --redis. Exclusive "
          "with --redis.");
ABSL_FLAG(std::string, redis_password, "",
          "Redis AUTH password; prefer the GRIDCASE_REDIS_PASSWORD variable "
          "from a Kubernetes Secret.");
ABSL_FLAG(int32_t, redis_pool_size, 16,
          "Most Redis connections this process opens (per master with "
          "--redis_cluster).");
ABSL_FLAG(int32_t, redis_pipelined_connections, 2,
          "One Redis: connections shared by all calls, each pipelining the "
          "commands of many calls at once (1-16); blocking commands still "
          "use the pool. 0: every call takes a pooled connection of its own. "
          "Ignored with --redis_cluster.");
ABSL_FLAG(absl::Duration, redis_connect_timeout, absl::Milliseconds(500),
          "Timeout for opening a Redis connection.");
ABSL_FLAG(absl::Duration, redis_timeout, absl::Seconds(2),
          "Timeout for one Redis reply (and for waiting for a free "
          "connection); with --redis_cluster also the longest one call "
          "spends following redirections and waiting out a failover.");

namespace gridcase::server {

absl::StatusOr<std::vector<std::string>> ParseClusterSeeds(
    absl::string_view flag) {
  std::vector<std::string> seeds;
  for (absl::string_view part : absl::StrSplit(flag, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;
    absl::StatusOr<redis::Endpoint> endpoint = redis::ParseEndpoint(part);
    if (!endpoint.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--redis_cluster: ", endpoint.status().message()));
    }
    if (!endpoint->unix_path.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--redis_cluster: seeds must be host:port (cluster nodes are "
          "reached over TCP), got '",
          part, "'"));
    }
    seeds.push_back(endpoint->ToString());
  }
  if (seeds.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--redis_cluster: must name at least one seed host:port, got '", flag,
        "'"));
  }
  return seeds;
}

absl::StatusOr<RedisConfig> RedisConfigFromFlags() {
  RedisConfig config;
  config.pool.address = absl::GetFlag(FLAGS_redis);
  config.pool.password = absl::GetFlag(FLAGS_redis_password);
  config.pool.max_connections = absl::GetFlag(FLAGS_redis_pool_size);
  config.pool.connect_timeout = absl::GetFlag(FLAGS_redis_connect_timeout);
  config.pool.command_timeout = absl::GetFlag(FLAGS_redis_timeout);
  config.pipelined_connections =
      absl::GetFlag(FLAGS_redis_pipelined_connections);
  if (config.pipelined_connections < 0 || config.pipelined_connections > 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis_pipelined_connections: must be 0-16, got ",
                     config.pipelined_connections));
  }
  std::string cluster = absl::GetFlag(FLAGS_redis_cluster);
  if (absl::StripAsciiWhitespace(cluster).empty()) return config;
  const absl::CommandLineFlag& redis =
      absl::GetFlagReflectionHandle(FLAGS_redis);
  if (redis.CurrentValue() != redis.DefaultValue()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--redis and --redis_cluster: set one, not both (--redis='",
        redis.CurrentValue(), "' names one Redis, --redis_cluster='", cluster,
        "' a Redis Cluster)"));
  }
  ASSIGN_OR_RETURN(config.cluster_seeds, ParseClusterSeeds(cluster));
  return config;
}

absl::StatusOr<std::unique_ptr<redis::RedisClient>> NewRedisClient(
    const RedisConfig& config) {
  if (config.cluster_seeds.empty() && config.pipelined_connections > 0) {
    absl::StatusOr<std::unique_ptr<redis::PipelinedClient>> shared =
        redis::PipelinedClient::Create(config.pool,
                                       config.pipelined_connections);
    if (!shared.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--redis: ", shared.status().message()));
    }
    return std::unique_ptr<redis::RedisClient>(*std::move(shared));
  }
  if (config.cluster_seeds.empty()) {
    absl::StatusOr<std::unique_ptr<redis::RedisPool>> pool =
        redis::RedisPool::Create(config.pool);
    if (!pool.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--redis: ", pool.status().message()));
    }
    return std::unique_ptr<redis::RedisClient>(*std::move(pool));
  }
  absl::StatusOr<std::unique_ptr<redis::ClusterClient>> cluster =
      redis::ClusterClient::Create(
          {.seeds = config.cluster_seeds,
           .pool = config.pool,
           .retry_budget = config.pool.command_timeout});
  if (!cluster.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis_cluster: ", cluster.status().message()));
  }
  return std::unique_ptr<redis::RedisClient>(*std::move(cluster));
}

}  // namespace gridcase::server
