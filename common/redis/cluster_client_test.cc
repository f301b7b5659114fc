// ClusterClient against a real local Redis Cluster (6 nodes: 3 masters with
// one replica each; common/testing/redis_cluster.h): routing, resharding
// (MOVED, ASK), scripts, the one-slot rule of bound pipelines, and a master
// killed with SIGKILL.
#include "common/redis/cluster_client.h"

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/redis/cluster_slots.h"
#include "common/redis/memory.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_cluster.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::redis {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::RedisCluster;
using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

constexpr int kShards = 16;

std::string Tag(int shard) { return absl::StrCat("{s:", shard, "}"); }
int SlotOf(int shard) { return KeySlot(Tag(shard)); }

class ClusterClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(cluster_, RedisCluster::Start());
    ASSERT_OK_AND_ASSIGN(client_, NewClient(absl::Seconds(2)));
  }

  absl::StatusOr<std::unique_ptr<ClusterClient>> NewClient(
      absl::Duration retry_budget) {
    return ClusterClient::Create(
        {.seeds = {cluster_->seeds().front()},
         .pool = {.max_connections = 4, .command_timeout = absl::Seconds(5)},
         .retry_budget = retry_budget});
  }

  // A master other than the one serving `slot`.
  std::string OtherMaster(int slot) {
    absl::StatusOr<std::string> owner = cluster_->MasterOf(slot);
    absl::StatusOr<std::vector<std::string>> masters = cluster_->Masters();
    EXPECT_TRUE(owner.ok() && masters.ok());
    for (const std::string& m : *masters) {
      if (m != *owner) return m;
    }
    return "";
  }

  std::unique_ptr<RedisCluster> cluster_;
  std::unique_ptr<ClusterClient> client_;
};

TEST_F(ClusterClientTest, RoutesEveryShardTagToTheMasterOfItsSlot) {
  ASSERT_OK_AND_ASSIGN(RedisPool * any, cluster_->Node(cluster_->seeds()[0]));
  for (int s = 0; s < kShards; ++s) {
    // Our CRC16 agrees with the server's.
    ASSERT_OK_AND_ASSIGN(Reply slot,
                         any->Command({"CLUSTER", "KEYSLOT", Tag(s)}));
    EXPECT_EQ(slot.integer(), SlotOf(s)) << Tag(s);
    ASSERT_OK(client_->Command({"SET", Tag(s) + ":k", absl::StrCat(s)}));
    // The key is on the master of its slot: that node answers without
    // redirecting.
    ASSERT_OK_AND_ASSIGN(std::string owner, cluster_->MasterOf(SlotOf(s)));
    ASSERT_OK_AND_ASSIGN(RedisPool * node, cluster_->Node(owner));
    ASSERT_OK_AND_ASSIGN(Reply got, node->Command({"GET", Tag(s) + ":k"}));
    EXPECT_EQ(got.str(), absl::StrCat(s));
  }
  // One pipeline over every shard (so over every master) comes back in
  // order; the keyless INFO goes with the first master.
  std::vector<Args> reads;
  for (int s = kShards - 1; s >= 0; --s)
    reads.push_back({"GET", Tag(s) + ":k"});
  reads.push_back({"INFO", "server"});
  ASSERT_OK_AND_ASSIGN(std::vector<Reply> replies, client_->Pipeline(reads));
  ASSERT_EQ(replies.size(), kShards + 1u);
  for (int i = 0; i < kShards; ++i) {
    EXPECT_EQ(replies[i].str(), absl::StrCat(kShards - 1 - i));
  }
  EXPECT_THAT(replies.back().str(), HasSubstr("redis_version:"));
  EXPECT_EQ(client_->map_reads(), 1);
}

TEST_F(ClusterClientTest, GroupsKeysByNodeAndRunsAPipelinePerNode) {
  std::vector<std::string> streams;
  for (int s = 0; s < kShards; ++s) streams.push_back(Tag(s) + ":events");
  ASSERT_OK_AND_ASSIGN(std::vector<NodeKeys> groups,
                       client_->GroupByNode(streams));
  ASSERT_EQ(groups.size(), 3u);  // every master serves some of 16 shards
  std::vector<size_t> all;
  for (const NodeKeys& g : groups) {
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> masters, cluster_->Masters());
    EXPECT_THAT(masters, ::testing::Contains(g.node));
    std::vector<Args> adds;
    for (size_t k : g.keys) {
      ASSERT_OK_AND_ASSIGN(std::string owner,
                           cluster_->MasterOf(KeySlot(streams[k])));
      EXPECT_EQ(owner, g.node) << streams[k];
      adds.push_back({"XADD", streams[k], "*", "shard", absl::StrCat(k)});
      all.push_back(k);
    }
    // Several slots of one node share one round trip.
    ASSERT_OK_AND_ASSIGN(std::vector<Reply> ids,
                         client_->PipelineOnNode(g.node, adds));
    for (const Reply& id : ids) EXPECT_FALSE(id.is_error()) << id.str();
  }
  std::vector<size_t> want;
  for (size_t s = 0; s < kShards; ++s) want.push_back(s);
  EXPECT_THAT(all, UnorderedElementsAreArray(want));

  // After shard 0's slot moves, its old node answers MOVED there; the next
  // grouping has read the map again.
  std::string to = OtherMaster(SlotOf(0));
  ASSERT_OK_AND_ASSIGN(std::string from, cluster_->MasterOf(SlotOf(0)));
  ASSERT_OK(cluster_->MoveSlot(SlotOf(0), to));
  ASSERT_OK_AND_ASSIGN(std::vector<Reply> moved,
                       client_->PipelineOnNode(from, {{"XLEN", streams[0]}}));
  EXPECT_THAT(moved[0].str(), HasSubstr("MOVED"));
  ASSERT_OK_AND_ASSIGN(groups, client_->GroupByNode(streams));
  for (const NodeKeys& g : groups) {
    if (std::find(g.keys.begin(), g.keys.end(), 0) != g.keys.end()) {
      EXPECT_EQ(g.node, to);
    }
  }
  ASSERT_OK_AND_ASSIGN(Reply len, client_->Command({"XLEN", streams[0]}));
  EXPECT_EQ(len.integer(), 1);  // the entry moved with its slot
}

TEST_F(ClusterClientTest, ReadsStreamsOfManySlotsAndBlocksOnOne) {
  StreamRead all{.count = 10};
  for (int s = 0; s < kShards; ++s) {
    ASSERT_OK(client_->Command(
        {"XADD", Tag(s) + ":events", "1-1", "s", absl::StrCat(s)}));
    all.streams.emplace_back(Tag(s) + ":events", "0-0");
  }
  // Sixteen slots on three masters: a command per stream, a round trip per
  // master, answered as one XREAD.
  ASSERT_OK_AND_ASSIGN(Reply got, client_->ReadStreams(all));
  ASSERT_EQ(got.elements().size(), kShards + 0u);
  std::set<std::string> keys;
  for (const Reply& stream : got.elements()) {
    keys.insert(stream.elements()[0].str());
    EXPECT_EQ(stream.elements()[1].elements().size(), 1u);
  }
  EXPECT_EQ(keys.size(), kShards + 0u);
  // Nothing new: nil once the wait is over.
  for (auto& [key, id] : all.streams) id = "1-1";
  all.block = absl::Milliseconds(50);
  ASSERT_OK_AND_ASSIGN(Reply none, client_->ReadStreams(all));
  EXPECT_TRUE(none.is_nil());
  // One slot: one blocking XREAD on its master.
  StreamRead one{.block = absl::Milliseconds(50),
                 .streams = {{Tag(3) + ":events", "0-0"}}};
  ASSERT_OK_AND_ASSIGN(Reply three, client_->ReadStreams(one));
  ASSERT_EQ(three.elements().size(), 1u);
  EXPECT_EQ(three.elements()[0].elements()[0].str(), Tag(3) + ":events");
}

TEST_F(ClusterClientTest, KeepsWorkingThroughALiveReshardOfABusySlot) {
  const std::string counter = Tag(3) + ":counter";
  ASSERT_OK(client_->Command({"SET", counter, "0"}));
  for (int i = 0; i < 300; ++i) {  // keys for MIGRATE to move
    ASSERT_OK(client_->Command({"SET", absl::StrCat(Tag(3), ":k", i), "v"}));
  }
  std::atomic<bool> stop{false};
  std::atomic<int64_t> acknowledged{0};
  std::atomic<int64_t> failed{0};
  std::thread writer([&] {
    while (!stop) {
      if (client_->Command({"INCR", counter}).ok()) {
        ++acknowledged;
      } else {
        ++failed;
      }
    }
  });
  absl::Cleanup join = [&] {
    stop = true;
    writer.join();
  };
  auto wait_for_writes = [&](int64_t n) {
    int64_t until = acknowledged + n;
    while (acknowledged < until && failed == 0)
      absl::SleepFor(absl::Milliseconds(1));
  };
  wait_for_writes(200);
  int64_t reads_before = client_->map_reads();
  std::string to = OtherMaster(SlotOf(3));
  ASSERT_OK(cluster_->MoveSlot(SlotOf(3), to));
  wait_for_writes(200);
  std::move(join).Invoke();

  EXPECT_EQ(failed.load(), 0);
  ASSERT_OK_AND_ASSIGN(Reply value, client_->Command({"GET", counter}));
  // Every acknowledged INCR counted once: none lost, none run twice.
  EXPECT_EQ(value.str(), absl::StrCat(acknowledged.load()));
  EXPECT_GT(client_->map_reads(), reads_before);  // MOVED: map read again
  ASSERT_OK_AND_ASSIGN(RedisPool * target, cluster_->Node(to));
  ASSERT_OK_AND_ASSIGN(Reply on_target, target->Command({"GET", counter}));
  EXPECT_EQ(on_target.str(), value.str());
  std::cout << "reshard of slot " << SlotOf(3)
            << " under load: " << acknowledged << " INCRs acknowledged, "
            << failed << " failed\n";
}

TEST_F(ClusterClientTest, FollowsAskDuringAMigration) {
  const std::string old_key = Tag(5) + ":old";
  const std::string new_key = Tag(5) + ":new";
  ASSERT_OK(client_->Command({"SET", old_key, "1"}));
  ASSERT_OK_AND_ASSIGN(std::string from, cluster_->MasterOf(SlotOf(5)));
  std::string to = OtherMaster(SlotOf(5));
  ASSERT_OK(cluster_->BeginSlotMigration(SlotOf(5), to));
  int64_t reads = client_->map_reads();

  // A key still on the source is served there; a new one is created on
  // the target (the source answers ASK); the map does not change.
  ASSERT_OK_AND_ASSIGN(Reply old_value, client_->Command({"GET", old_key}));
  EXPECT_EQ(old_value.str(), "1");
  ASSERT_OK(client_->Command({"SET", new_key, "2"}));
  ASSERT_OK_AND_ASSIGN(RedisPool * source, cluster_->Node(from));
  ASSERT_OK_AND_ASSIGN(std::vector<Reply> ask,
                       source->Pipeline({{"GET", new_key}}));
  EXPECT_THAT(ask[0].str(), HasSubstr("ASK"));
  ASSERT_OK_AND_ASSIGN(RedisPool * target, cluster_->Node(to));
  ASSERT_OK_AND_ASSIGN(std::vector<Reply> on_target,
                       target->Pipeline({{"ASKING"}, {"GET", new_key}}));
  EXPECT_EQ(on_target[1].str(), "2");
  ASSERT_OK_AND_ASSIGN(Reply read_back, client_->Command({"GET", new_key}));
  EXPECT_EQ(read_back.str(), "2");
  // A script with WAIT on a new key: ASKING, EVALSHA and WAIT go to the
  // target on one connection, and its replica acknowledges.
  Script set("set_new", "return redis.call('SET', KEYS[1], ARGV[1])");
  ASSERT_OK(client_->Eval(set, {Tag(5) + ":scripted"}, {"3"},
                          {.count = 1, .timeout = absl::Seconds(4)}));
  ASSERT_OK_AND_ASSIGN(
      on_target, target->Pipeline({{"ASKING"}, {"GET", Tag(5) + ":scripted"}}));
  EXPECT_EQ(on_target[1].str(), "3");
  // A transaction on a new key during the migration, too.
  ASSERT_OK_AND_ASSIGN(
      std::vector<Reply> tx,
      client_->Pipeline({{"MULTI"}, {"SET", Tag(5) + ":tx", "4"}, {"EXEC"}}));
  EXPECT_EQ(tx[2].type(), Reply::Type::kArray) << tx[2].DebugString();
  EXPECT_EQ(client_->map_reads(), reads);

  ASSERT_OK(cluster_->MigrateSlotKeys(SlotOf(5)));
  ASSERT_OK(cluster_->FinishSlotMigration(SlotOf(5)));
  ASSERT_OK_AND_ASSIGN(
      std::vector<Reply> all,
      client_->Pipeline(
          {{"GET", old_key}, {"GET", new_key}, {"GET", Tag(5) + ":tx"}}));
  EXPECT_EQ(all[0].str(), "1");
  EXPECT_EQ(all[1].str(), "2");
  EXPECT_EQ(all[2].str(), "4");
}

TEST_F(ClusterClientTest, RunsScriptsOnOneTagAndWaitsForTheReplica) {
  Script move("move",
              "local v = redis.call('GET', KEYS[1]) "
              "redis.call('SET', KEYS[2], v) redis.call('DEL', KEYS[1]) "
              "return v");
  ASSERT_OK(client_->Command({"SET", Tag(7) + ":a", "x"}));
  ASSERT_OK_AND_ASSIGN(Reply moved,
                       client_->Eval(move, {Tag(7) + ":a", Tag(7) + ":b"}, {}));
  EXPECT_EQ(moved.str(), "x");
  // EVALSHA and WAIT on one connection of the slot's master; its replica
  // holds the write when the call returns.
  Script set("set", "return redis.call('SET', KEYS[1], ARGV[1])");
  ASSERT_OK(client_->Eval(set, {Tag(7) + ":c"}, {"y"},
                          {.count = 1, .timeout = absl::Seconds(4)}));
  // NOSCRIPT after a flush on every master: EVAL loads it again.
  Args flush = {"SCRIPT", "FLUSH"};
  ASSERT_OK(client_->OnEveryMaster(absl::MakeConstSpan(&flush, 1)).status());
  ASSERT_OK_AND_ASSIGN(Reply again,
                       client_->Eval(move, {Tag(7) + ":b", Tag(7) + ":a"}, {}));
  EXPECT_EQ(again.str(), "x");
  // Keys of two tags in one script: Redis refuses (CROSSSLOT).
  EXPECT_THAT(client_->Eval(move, {Tag(7) + ":a", Tag(8) + ":a"}, {}),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("CROSSSLOT")));
}

TEST_F(ClusterClientTest, RefusesABoundPipelineAcrossSlots) {
  std::vector<Args> across = {{"SET", Tag(1) + ":a", "1"},
                              {"SET", Tag(2) + ":a", "1"},
                              {"WAIT", "1", "100"}};
  EXPECT_THAT(client_->Pipeline(across),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("all its keys must hash to one slot")));
  ASSERT_OK_AND_ASSIGN(Reply missing, client_->Command({"GET", Tag(1) + ":a"}));
  EXPECT_TRUE(missing.is_nil());  // nothing was sent
  std::vector<Args> transaction = {{"MULTI"},
                                   {"SET", Tag(1) + ":a", "1"},
                                   {"SET", Tag(2) + ":a", "1"},
                                   {"EXEC"}};
  EXPECT_THAT(client_->Pipeline(transaction),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must hash to one slot")));
}

TEST_F(ClusterClientTest, ChecksTheMemoryOfEveryMaster) {
  Args info = {"INFO", "memory"};
  ASSERT_OK_AND_ASSIGN(auto per_master,
                       client_->OnEveryMaster(absl::MakeConstSpan(&info, 1)));
  EXPECT_EQ(per_master.size(), 3u);
  EXPECT_OK(CheckNotFull(*client_));
  // One full master makes the cluster full for readiness.
  ASSERT_OK_AND_ASSIGN(std::string owner, cluster_->MasterOf(SlotOf(0)));
  ASSERT_OK_AND_ASSIGN(RedisPool * node, cluster_->Node(owner));
  ASSERT_OK(node->Command({"CONFIG", "SET", "maxmemory", "1"}));
  EXPECT_THAT(CheckNotFull(*client_),
              StatusIs(absl::StatusCode::kResourceExhausted, kStoreFull));
}

TEST(ClusterClientCreate, ValidatesItsOptions) {
  EXPECT_THAT(ClusterClient::Create({}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("at least one seed")));
  EXPECT_THAT(ClusterClient::Create({.seeds = {"unix:///tmp/r.sock"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reached over TCP")));
  EXPECT_THAT(ClusterClient::Create({.seeds = {"nohost"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must be host:port")));
}

TEST(ClusterClientNoCluster, FailsUnavailableNamingTheSeeds) {
  ASSERT_OK_AND_ASSIGN(int port, gridcase::testing::FreeLoopbackPort());
  std::string seed = absl::StrCat("127.0.0.1:", port);
  ASSERT_OK_AND_ASSIGN(
      auto client,
      ClusterClient::Create(
          {.seeds = {seed}, .retry_budget = absl::Milliseconds(100)}));
  EXPECT_THAT(client->Command({"GET", "k"}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(seed)));
}

}  // namespace
}  // namespace gridcase::redis
