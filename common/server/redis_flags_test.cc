#include "common/server/redis_flags.h"

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "common/redis/cluster_client.h"
#include "common/redis/pipelined_client.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(std::string, redis);
ABSL_DECLARE_FLAG(std::string, redis_cluster);
ABSL_DECLARE_FLAG(int32_t, redis_pipelined_connections);

namespace gridcase::server {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseClusterSeeds, TakesCommaSeparatedHostPorts) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<std::string> seeds,
      ParseClusterSeeds(" redis-0:6379, tcp://redis-1:6380,,10.0.0.3:7000 "));
  EXPECT_THAT(seeds,
              ElementsAre("redis-0:6379", "redis-1:6380", "10.0.0.3:7000"));
  EXPECT_THAT(ParseClusterSeeds(" , "),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--redis_cluster: must name at least one "
                                 "seed host:port")));
  EXPECT_THAT(ParseClusterSeeds("redis-0:6379,redis-1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--redis_cluster: redis address: must be "
                                 "host:port")));
  EXPECT_THAT(ParseClusterSeeds("unix:///run/redis.sock"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--redis_cluster: seeds must be host:port")));
}

TEST(RedisConfigFromFlags, OneRedisOrACluster) {
  absl::FlagSaver restore;
  ASSERT_OK_AND_ASSIGN(RedisConfig one, RedisConfigFromFlags());
  EXPECT_TRUE(one.cluster_seeds.empty());
  EXPECT_EQ(one.pool.address, "127.0.0.1:6379");
  EXPECT_EQ(one.pipelined_connections, 2);
  ASSERT_OK_AND_ASSIGN(auto shared, NewRedisClient(one));
  EXPECT_NE(dynamic_cast<redis::PipelinedClient*>(shared.get()), nullptr);
  one.pipelined_connections = 0;
  ASSERT_OK_AND_ASSIGN(auto pool, NewRedisClient(one));
  EXPECT_NE(dynamic_cast<redis::RedisPool*>(pool.get()), nullptr);

  absl::SetFlag(&FLAGS_redis_cluster, "redis-0:6379,redis-1:6379");
  ASSERT_OK_AND_ASSIGN(RedisConfig cluster, RedisConfigFromFlags());
  EXPECT_THAT(cluster.cluster_seeds,
              ElementsAre("redis-0:6379", "redis-1:6379"));
  ASSERT_OK_AND_ASSIGN(auto client, NewRedisClient(cluster));
  EXPECT_NE(dynamic_cast<redis::ClusterClient*>(client.get()), nullptr);
}

TEST(RedisConfigFromFlags, PipelinedConnectionsAreZeroToSixteen) {
  absl::FlagSaver restore;
  absl::SetFlag(&FLAGS_redis_pipelined_connections, 17);
  EXPECT_THAT(RedisConfigFromFlags(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--redis_pipelined_connections: must be "
                                 "0-16, got 17")));
  absl::SetFlag(&FLAGS_redis_pipelined_connections, 0);
  ASSERT_OK_AND_ASSIGN(RedisConfig off, RedisConfigFromFlags());
  EXPECT_EQ(off.pipelined_connections, 0);
}

TEST(RedisConfigFromFlags, RefusesBothFlags) {
  absl::FlagSaver restore;
  absl::SetFlag(&FLAGS_redis, "redis:6379");
  absl::SetFlag(&FLAGS_redis_cluster, "redis-0:6379");
  EXPECT_THAT(RedisConfigFromFlags(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--redis and --redis_cluster: set one, not "
                                 "both")));
}

}  // namespace
}  // namespace gridcase::server
