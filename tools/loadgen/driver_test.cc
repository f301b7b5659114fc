#include "tools/loadgen/driver.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace gridcase::loadgen {
namespace {

// Completes every call at once, inside Start, with `outcome`.
class InlineScenario final : public Scenario {
 public:
  explicit InlineScenario(Outcome outcome) : outcome_(std::move(outcome)) {}
  void Start(int64_t n, int channel, Done done) override {
    {
      absl::MutexLock lock(&mu_);
      ++started_;
      ++per_channel_[channel];
    }
    done(outcome_);
  }
  int64_t started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  std::map<int, int> per_channel() {
    absl::MutexLock lock(&mu_);
    return per_channel_;
  }

 private:
  const Outcome outcome_;
  absl::Mutex mu_;
  int64_t started_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int, int> per_channel_ ABSL_GUARDED_BY(mu_);
};

// Completes calls from its own thread, in order, and notes how many were
// outstanding at most.
class ThreadedScenario final : public Scenario {
 public:
  ThreadedScenario() : worker_([this] { Work(); }) {}
  ~ThreadedScenario() override {
    {
      absl::MutexLock lock(&mu_);
      quit_ = true;
      work_.Signal();
    }
    worker_.join();
  }
  void Start(int64_t, int, Done done) override {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(done));
    most_ = std::max<int>(most_, static_cast<int>(queue_.size()));
    work_.Signal();
  }
  int most() {
    absl::MutexLock lock(&mu_);
    return most_;
  }
  bool stopped() const { return stopped_; }
  void Stop() override { stopped_ = true; }

 private:
  void Work() {
    while (true) {
      Done done;
      {
        absl::MutexLock lock(&mu_);
        while (!quit_ && queue_.empty()) work_.Wait(&mu_);
        if (queue_.empty()) return;
        done = std::move(queue_.front());
        queue_.pop_front();
      }
      done(Outcome::Ok());
    }
  }

  absl::Mutex mu_;
  absl::CondVar work_;
  std::deque<Done> queue_ ABSL_GUARDED_BY(mu_);
  int most_ ABSL_GUARDED_BY(mu_) = 0;
  bool quit_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> stopped_{false};
  std::thread worker_;
};

DriverOptions Open(double rate, int channels) {
  DriverOptions o;
  o.open_loop = true;
  o.rate = rate;
  o.channels = channels;
  o.warmup = absl::Milliseconds(20);
  o.duration = absl::Milliseconds(50);
  return o;
}

TEST(DriverTest, OpenLoopRecordsExactlyTheCallsOfTheMeasuredWindow) {
  InlineScenario scenario(Outcome::Ok());
  Tally tally;
  Driver(&scenario, Open(1000, 1), &tally).Run();
  RunResult r;
  r.duration_s = 0.05;
  tally.Fill(&r);
  // Calls at 0, 1, ... 69 ms: 20 in the warm-up, 50 measured.
  EXPECT_EQ(scenario.started(), 70);
  EXPECT_EQ(r.calls_ok, 50);
  EXPECT_EQ(r.calls_failed, 0);
  EXPECT_EQ(r.not_sent, 0);
}

TEST(DriverTest, OpenLoopSpreadsCallsRoundRobinOverChannels) {
  InlineScenario scenario(Outcome::Ok());
  Tally tally;
  Driver(&scenario, Open(1000, 3), &tally).Run();
  std::map<int, int> per_channel = scenario.per_channel();
  EXPECT_EQ(per_channel[0], 24);
  EXPECT_EQ(per_channel[1], 23);
  EXPECT_EQ(per_channel[2], 23);
}

TEST(DriverTest, ClosedLoopSurvivesCallsThatFailAtOnce) {
  InlineScenario scenario(Outcome::Failed("", "UNAVAILABLE", "down"));
  DriverOptions o;
  o.in_flight = 2;
  o.warmup = absl::ZeroDuration();
  o.duration = absl::Milliseconds(20);
  Tally tally;
  Driver(&scenario, o, &tally).Run();
  RunResult r;
  tally.Fill(&r);
  EXPECT_EQ(r.calls_ok, 0);
  EXPECT_GT(r.calls_failed, 0);
  EXPECT_EQ(r.calls_failed, scenario.started());
  EXPECT_EQ(r.errors.at("UNAVAILABLE"), r.calls_failed);
}

TEST(DriverTest, ClosedLoopKeepsAtMostInFlightOutstandingAndStops) {
  ThreadedScenario scenario;
  DriverOptions o;
  o.in_flight = 4;
  o.warmup = absl::Milliseconds(5);
  o.duration = absl::Milliseconds(30);
  Tally tally;
  Driver(&scenario, o, &tally).Run();
  RunResult r;
  tally.Fill(&r);
  EXPECT_GT(r.calls_ok, 0);
  EXPECT_LE(scenario.most(), 4);
  EXPECT_TRUE(scenario.stopped());
}

}  // namespace
}  // namespace gridcase::loadgen
