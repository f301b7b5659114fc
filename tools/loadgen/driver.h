// Driver: the load engine. Runs a Scenario for a warm-up (calls made, not
// recorded) and a measured window, in one of two modes:
//
//   closed  --in_flight calls outstanding at all times, call slot k on
//           channel k % channels; a call's completion starts the slot's
//           next call from the callback. Latency: start to completion.
//   open    a pacer thread starts call i at its intended time t0 + i/rate,
//           whatever is outstanding (up to max_outstanding; calls over it
//           are not sent and counted). Latency: from the intended start to
//           completion, so queueing anywhere (the pacer, the client, the
//           server) shows in the numbers (no coordinated omission).
//
// A call belongs to the phase of its (intended) start. After the window no
// call starts; Run waits for the outstanding ones (each has a deadline).
#ifndef GRIDCASE_TOOLS_LOADGEN_DRIVER_H_
#define GRIDCASE_TOOLS_LOADGEN_DRIVER_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tools/loadgen/scenario.h"
#include "tools/loadgen/schedule.h"
#include "tools/loadgen/tally.h"

namespace gridcase::loadgen {

struct DriverOptions {
  bool open_loop = false;
  int in_flight = 8;
  int channels = 1;
  double rate = 100;
  int64_t max_outstanding = 20000;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
};

class Driver final {
 public:
  Driver(Scenario* scenario, DriverOptions options, Tally* tally);
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Runs the warm-up and the measured window, then waits for every call
  // started and stops the scenario.
  void Run();

 private:
  void RunClosed();
  void RunOpen();
  // Starts calls on `slot` until one completes asynchronously or the run
  // is over.
  void Loop(int slot);
  void Began() ABSL_LOCKS_EXCLUDED(mu_);
  void Ended() ABSL_LOCKS_EXCLUDED(mu_);
  Nanos SinceStart(TimePoint t) const { return t - t0_; }

  Scenario* const scenario_;
  const DriverOptions options_;
  Tally* const tally_;
  const Timeline timeline_;
  TimePoint t0_;
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> outstanding_{0};
  absl::Mutex mu_;
  int64_t running_ ABSL_GUARDED_BY(mu_) = 0;  // started, not yet ended
  absl::CondVar all_ended_;
};

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_DRIVER_H_
