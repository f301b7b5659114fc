// RedisEventSource over a real local Redis Cluster (issue #17): a consumer
// group reads every shard stream of every master, waits for new entries,
// keeps reading the shard whose slot moved, and acknowledges, claims and
// dead-letters across slots.
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/events/event_source.h"
#include "common/redis/cluster_client.h"
#include "common/redis/cluster_slots.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/redis_cluster.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::events {
namespace {

using ::gridcase::testing::RedisCluster;

constexpr int kShards = 16;
constexpr char kGroup[] = "stats";

class ClusterEventSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(cluster_, RedisCluster::Start());
    ASSERT_OK_AND_ASSIGN(client_,
                         redis::ClusterClient::Create(
                             {.seeds = cluster_->seeds(),
                              .pool = {.command_timeout = absl::Seconds(10)},
                              .stream_poll = absl::Milliseconds(20)}));
    source_ =
        std::make_unique<RedisEventSource>(client_.get(), kShards, kGroup);
    ASSERT_OK(source_->EnsureGroups());
  }

  void Add(int shard, const std::string& case_id) {
    ASSERT_OK(client_
                  ->Command({"XADD", store::EventsKey(shard), "*", "type",
                             "case.reported", "case", case_id, "related", "",
                             "pb", ""})
                  .status());
  }

  // Reads until `n` entries came (each read waits up to 5 s).
  std::vector<StreamEntry> ReadAll(size_t n) {
    std::vector<StreamEntry> out;
    for (int i = 0; i < 20 && out.size() < n; ++i) {
      absl::StatusOr<std::vector<StreamEntry>> got =
          source_->Read("c1", 100, absl::Seconds(5));
      EXPECT_OK(got.status());
      if (!got.ok()) break;
      out.insert(out.end(), got->begin(), got->end());
    }
    return out;
  }

  std::unique_ptr<RedisCluster> cluster_;
  std::unique_ptr<redis::ClusterClient> client_;
  std::unique_ptr<RedisEventSource> source_;
};

TEST_F(ClusterEventSourceTest, ReadsEveryShardOfEveryMaster) {
  for (int s = 0; s < kShards; ++s) Add(s, absl::StrCat("case-", s));
  // One read returns every shard's entry (a round trip per master), though
  // the streams live on three masters and sixteen slots.
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEntry> got,
                       source_->Read("c1", 100, absl::Seconds(5)));
  std::set<int> shards;
  for (const StreamEntry& e : got) {
    EXPECT_EQ(e.case_id, absl::StrCat("case-", e.shard));
    shards.insert(e.shard);
  }
  EXPECT_EQ(shards.size(), static_cast<size_t>(kShards));
  ASSERT_OK_AND_ASSIGN(auto backlog, source_->Backlog());
  EXPECT_EQ(backlog.first, 0);
  EXPECT_EQ(backlog.second, kShards);
  // Acknowledging a batch across slots (a pipeline split per master).
  ASSERT_OK(source_->Ack(got));
  ASSERT_OK_AND_ASSIGN(backlog, source_->Backlog());
  EXPECT_EQ(backlog.second, 0);
}

TEST_F(ClusterEventSourceTest, WaitsForAnEntryThatComesDuringTheRead) {
  absl::StatusOr<std::vector<StreamEntry>> got;
  std::thread reader(
      [&] { got = source_->Read("c1", 100, absl::Seconds(30)); });
  // Once every master has answered the reader's XREADGROUPs (nothing else
  // sends any here), it found nothing and is waiting: add the entry then.
  redis::Args stats = {"INFO", "commandstats"};
  for (bool asked = false; !asked;) {
    absl::StatusOr<std::vector<std::vector<redis::Reply>>> masters =
        client_->OnEveryMaster(absl::MakeConstSpan(&stats, 1));
    if (!masters.ok()) break;  // then the read below fails the test
    asked = true;
    for (const std::vector<redis::Reply>& info : *masters) {
      asked = asked && absl::StrContains(info[0].str(), "cmdstat_xreadgroup");
    }
  }
  Add(9, "late");
  reader.join();
  ASSERT_OK(got.status());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].shard, 9);
  EXPECT_EQ((*got)[0].case_id, "late");
}

TEST_F(ClusterEventSourceTest, KeepsReadingAShardWhoseSlotMoved) {
  Add(4, "before");
  ASSERT_EQ(ReadAll(1).size(), 1u);
  int slot = redis::KeySlot(store::EventsKey(4));
  ASSERT_OK_AND_ASSIGN(std::string from, cluster_->MasterOf(slot));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> masters, cluster_->Masters());
  std::string to = masters[0] == from ? masters[1] : masters[0];
  ASSERT_OK(cluster_->MoveSlot(slot, to));
  Add(4, "after");
  std::vector<StreamEntry> got = ReadAll(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].case_id, "after");
  // The group's state moved with the stream: the first entry is still
  // pending, and claimed across the cluster.
  ASSERT_OK_AND_ASSIGN(std::vector<StreamEntry> claimed,
                       source_->Claim("c2", absl::ZeroDuration(), 10));
  std::set<std::string> ids;
  for (const StreamEntry& e : claimed) ids.insert(e.case_id);
  EXPECT_EQ(ids, (std::set<std::string>{"before", "after"}));
  ASSERT_OK_AND_ASSIGN(
      bool moved,
      source_->DeadLetter("c2", claimed[0], absl::DataLossError("corrupt")));
  EXPECT_TRUE(moved);
}

// A dead master (before its replica takes over) must not stop the reads of
// the other masters' shards (it did: one failed node failed the whole read).
TEST_F(ClusterEventSourceTest, ADeadMasterDoesNotStopTheOtherMastersShards) {
  int dead_shard = 4;
  ASSERT_OK_AND_ASSIGN(std::string dead,
                       cluster_->MasterOf(redis::KeySlot(store::EventsKey(4))));
  int live_shard = -1;
  for (int shard = 0; shard < kShards && live_shard < 0; ++shard) {
    ASSERT_OK_AND_ASSIGN(
        std::string m,
        cluster_->MasterOf(redis::KeySlot(store::EventsKey(shard))));
    if (m != dead) live_shard = shard;
  }
  ASSERT_GE(live_shard, 0);
  Add(dead_shard, "dead");
  ASSERT_EQ(ReadAll(1).size(), 1u);
  ASSERT_OK(cluster_->KillNode(dead));
  Add(live_shard, "alive");
  absl::StatusOr<std::vector<StreamEntry>> got =
      source_->Read("c1", 100, absl::Seconds(1));
  ASSERT_OK(got.status());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].case_id, "alive");
}

}  // namespace
}  // namespace gridcase::events
