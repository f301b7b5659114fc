// A master of a real local Redis Cluster killed with SIGKILL while a writer
// runs: the client recovers by itself (the replica is promoted, the client
// reads the map again), and the test counts the writes that failed and the
// acknowledged writes that were lost, without WAIT and with WAIT 1.
//
// Replication is asynchronous. To make the window in which a failover
// loses writes visible (and not a matter of luck), the master's replica
// stalls (SIGSTOP) before the kill while 32 MB of other writes fill the
// replication stream: more than the sockets between them buffer, so what
// follows stays in the master's memory. Without WAIT, the writes
// acknowledged during the stall die with the master. With WaitReplicas{1}
// they are not acknowledged (the replica does not confirm them in time:
// UNAVAILABLE, "retry"), so every acknowledged write is on the replica that
// takes over: none is lost.
#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/redis/cluster_client.h"
#include "common/redis/cluster_slots.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_cluster.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::redis {
namespace {

using ::gridcase::testing::RedisCluster;

struct Counts {
  int64_t acknowledged = 0;
  int64_t failed = 0;
  int64_t lost = 0;        // acknowledged, missing afterwards
  int64_t duplicated = 0;  // present more than once
};

class ClusterFailoverTest : public ::testing::TestWithParam<int> {};

TEST_P(ClusterFailoverTest, TheClientRecoversFromAMasterKilledUnderLoad) {
  const int wait_replicas = GetParam();
  ASSERT_OK_AND_ASSIGN(auto cluster, RedisCluster::Start());
  ASSERT_OK_AND_ASSIGN(
      auto client,
      ClusterClient::Create(
          {.seeds = cluster->seeds(),
           .pool = {.max_connections = 2, .command_timeout = absl::Seconds(5)},
           .retry_budget = absl::Seconds(2)}));
  const std::string key = "{s:0}:log";
  ASSERT_OK_AND_ASSIGN(std::string victim, cluster->MasterOf(KeySlot(key)));
  Script push("push", "return redis.call('RPUSH', KEYS[1], ARGV[1])");

  absl::Mutex mu;
  std::vector<int64_t> acknowledged;
  int64_t failed = 0;  // guarded by mu
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int64_t i = 0; !stop; ++i) {
      absl::StatusOr<Reply> r = client->Eval(
          push, {key}, {absl::StrCat(i)},
          {.count = wait_replicas, .timeout = absl::Milliseconds(200)});
      absl::MutexLock lock(&mu);
      if (r.ok()) {
        acknowledged.push_back(i);
      } else {
        ++failed;
      }
    }
  });
  absl::Cleanup join = [&] {
    stop = true;
    writer.join();
  };
  // Wait (up to a generous bound, for a loaded machine) until `n` more
  // writes were acknowledged, or attempted. It polls under the lock rather
  // than using an absl::Condition: the TSan build's absl::Mutex shim
  // (tools/sanitizers) cannot see that absl evaluates a Condition with the
  // lock held, and reports it as a race.
  auto counted = [&](bool with_failed) {
    absl::MutexLock lock(&mu);
    return static_cast<int64_t>(acknowledged.size()) +
           (with_failed ? failed : 0);
  };
  auto await_count = [&](bool with_failed, int64_t n) {
    int64_t until = counted(with_failed) + n;
    absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (counted(with_failed) < until) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  };
  auto await_writes = [&](int64_t n) { return await_count(false, n); };
  auto await_attempts = [&](int64_t n) { return await_count(true, n); };

  ASSERT_TRUE(await_writes(200));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> replicas,
                       cluster->ReplicasOf(victim));
  ASSERT_EQ(replicas.size(), 1u);
  ASSERT_OK(cluster->Signal(replicas[0], SIGSTOP));
  absl::Cleanup resume = [&] {
    cluster->Signal(replicas[0], SIGCONT).IgnoreError();
  };
  const std::string filler(64 << 10, 'x');
  for (int i = 0; i < 512; ++i) {
    ASSERT_OK(
        client->Command({"SET", absl::StrCat("{s:0}:filler:", i), filler}));
  }
  ASSERT_TRUE(await_attempts(20));  // written during the stall
  ASSERT_OK(cluster->KillNode(victim));
  std::move(resume).Invoke();
  ASSERT_OK(cluster->AwaitFailover());
  // The client finds the promoted replica by itself (before the killed node
  // is back to redirect it).
  EXPECT_OK(client->Command({"LLEN", key}));
  // The killed node rejoins as the new master's replica, so WAIT 1 can be
  // satisfied again.
  ASSERT_OK(cluster->RestartNode(victim));
  ASSERT_TRUE(await_writes(200)) << "the client did not recover";
  std::move(join).Invoke();

  ASSERT_OK_AND_ASSIGN(Reply list, client->Command({"LRANGE", key, "0", "-1"}));
  std::map<int64_t, int> present;
  for (const Reply& e : list.elements()) {
    int64_t v = 0;
    ASSERT_TRUE(absl::SimpleAtoi(e.str(), &v));
    ++present[v];
  }
  Counts counts;
  counts.acknowledged = static_cast<int64_t>(acknowledged.size());
  counts.failed = failed;
  for (int64_t i : acknowledged) {
    if (present.count(i) == 0) ++counts.lost;
  }
  for (const auto& [v, n] : present) {
    if (n > 1) ++counts.duplicated;
  }
  std::cout << "kill -9 of master " << victim << " with WAIT " << wait_replicas
            << ": " << counts.acknowledged << " writes acknowledged, "
            << counts.failed << " failed, " << counts.lost
            << " acknowledged writes lost, " << counts.duplicated
            << " duplicated\n";
  RecordProperty("acknowledged", static_cast<int>(counts.acknowledged));
  RecordProperty("failed", static_cast<int>(counts.failed));
  RecordProperty("lost", static_cast<int>(counts.lost));
  // The client never runs a write twice: it resends only what the cluster
  // refused or what never left it.
  EXPECT_EQ(counts.duplicated, 0);
  if (wait_replicas > 0) {
    EXPECT_EQ(counts.lost, 0);
  } else {
    // The writes acknowledged during the stall were on the master only.
    EXPECT_GT(counts.lost, 0);
  }
  // The slot is served by the promoted replica now.
  ASSERT_OK_AND_ASSIGN(std::string now, cluster->MasterOf(KeySlot(key)));
  EXPECT_NE(now, victim);
}

INSTANTIATE_TEST_SUITE_P(WithoutAndWithWait, ClusterFailoverTest,
                         ::testing::Values(0, 1));

}  // namespace
}  // namespace gridcase::redis
