#include "services/dispatch/workers.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace gridcase::dispatch {
namespace {

TEST(ParallelForTest, RunsEveryIndexOnceOnAtMostTheGivenThreads) {
  std::vector<std::atomic<int>> runs(100);
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  ParallelFor(100, 4, [&](int i) {
    int now = ++running;
    for (int seen = most;
         now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    ++runs[i];
    {
      std::lock_guard<std::mutex> lock(mu);
      threads.insert(std::this_thread::get_id());
    }
    std::this_thread::yield();
    --running;
  });
  for (int i = 0; i < 100; ++i) EXPECT_EQ(runs[i], 1) << i;
  EXPECT_LE(most.load(), 4);
  EXPECT_LE(threads.size(), 4u);
}

TEST(ParallelForTest, FewItemsOrOneThreadRunOnTheCallingThread) {
  std::set<std::thread::id> threads;
  ParallelFor(1, 8, [&](int) { threads.insert(std::this_thread::get_id()); });
  ParallelFor(5, 1, [&](int) { threads.insert(std::this_thread::get_id()); });
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
  int calls = 0;
  ParallelFor(0, 8, [&](int) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace gridcase::dispatch
