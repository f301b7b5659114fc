#include "tools/loadgen/driver.h"

#include <memory>
#include <thread>
#include <utility>

namespace gridcase::loadgen {

Driver::Driver(Scenario* scenario, DriverOptions options, Tally* tally)
    : scenario_(scenario),
      options_(options),
      tally_(tally),
      timeline_(options.warmup, options.duration) {}

void Driver::Began() {
  absl::MutexLock lock(&mu_);
  ++running_;
}

void Driver::Ended() {
  absl::MutexLock lock(&mu_);
  if (--running_ == 0) all_ended_.SignalAll();
}

void Driver::Run() {
  t0_ = Clock::now();
  if (options_.open_loop) {
    RunOpen();
  } else {
    RunClosed();
  }
  {
    // A CondVar, not Await(Condition): TSan builds see Debian's absl::Mutex
    // through tools/sanitizers/absl_mutex_tsan.cc, which cannot annotate a
    // Condition evaluated inside the library.
    absl::MutexLock lock(&mu_);
    while (running_ != 0) all_ended_.Wait(&mu_);
  }
  scenario_->Stop();
}

void Driver::RunClosed() {
  for (int slot = 0; slot < options_.in_flight; ++slot) {
    Began();  // the slot's chain of calls, ended when it stops
    Loop(slot);
  }
}

// Each call's completion starts the slot's next call. A completion that
// comes before Start returns (a call failing at once) would recurse; the
// starter notices (state kStarting → kDoneEarly) and loops instead.
void Driver::Loop(int slot) {
  enum State { kStarting, kStarted, kDoneEarly };
  while (true) {
    const TimePoint start = Clock::now();
    const Phase phase = timeline_.PhaseAt(SinceStart(start));
    if (phase == Phase::kOver) {
      Ended();
      return;
    }
    auto state = std::make_shared<std::atomic<int>>(kStarting);
    const int64_t n = next_++;
    scenario_->Start(n, slot % options_.channels,
                     [this, slot, start, phase, state](Outcome outcome) {
                       TimePoint end =
                           outcome.finished_at.value_or(Clock::now());
                       if (phase == Phase::kMeasured)
                         tally_->Record(outcome, end - start);
                       int expected = kStarting;
                       if (state->compare_exchange_strong(expected, kDoneEarly))
                         return;
                       Loop(slot);
                     });
    int expected = kStarting;
    if (state->compare_exchange_strong(expected, kStarted)) return;
    // Done already ran on this or another thread: start the next call here.
  }
}

void Driver::RunOpen() {
  const ArrivalSchedule schedule(options_.rate);
  for (int64_t i = 0;; ++i) {
    const Nanos intended = schedule.IntendedStart(i);
    const Phase phase = timeline_.PhaseAt(intended);
    if (phase == Phase::kOver) break;
    const TimePoint at = t0_ + intended;
    if (Clock::now() < at) std::this_thread::sleep_until(at);
    if (outstanding_.load() >= options_.max_outstanding) {
      if (phase == Phase::kMeasured) tally_->NotSent();
      continue;
    }
    if (phase == Phase::kMeasured) tally_->SendLag(Clock::now() - at);
    ++outstanding_;
    Began();
    scenario_->Start(i, static_cast<int>(i % options_.channels),
                     [this, at, phase](Outcome outcome) {
                       TimePoint end =
                           outcome.finished_at.value_or(Clock::now());
                       if (phase == Phase::kMeasured) {
                         tally_->Record(outcome, end - at);
                       }
                       --outstanding_;
                       Ended();
                     });
  }
}

}  // namespace gridcase::loadgen
