// The arithmetic of a run's timeline, pure so that it is tested without a
// clock: the phases (warm-up, then the measured window) and the open-loop
// arrival schedule, where call i is intended to start at t0 + i / rate.
// Times are offsets from the start of the run (t0), in nanoseconds.
#ifndef GRIDCASE_TOOLS_LOADGEN_SCHEDULE_H_
#define GRIDCASE_TOOLS_LOADGEN_SCHEDULE_H_

#include <chrono>
#include <cstdint>

#include "absl/time/time.h"

namespace gridcase::loadgen {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Nanos = std::chrono::nanoseconds;

enum class Phase { kWarmup, kMeasured, kOver };

class Timeline final {
 public:
  Timeline(absl::Duration warmup, absl::Duration duration);

  // Which phase a call that starts (or, open loop, is intended to start)
  // `since_start` after t0 belongs to: kWarmup before the warm-up ends,
  // kMeasured in [warmup, warmup + duration), kOver from then on.
  Phase PhaseAt(Nanos since_start) const;
  Nanos warmup() const { return warmup_; }
  Nanos end() const { return end_; }

 private:
  Nanos warmup_;
  Nanos end_;
};

// Open loop at `rate` calls per second (> 0).
class ArrivalSchedule final {
 public:
  explicit ArrivalSchedule(double rate);

  // When call `i` (0-based) is intended to start, after t0.
  Nanos IntendedStart(int64_t i) const;
  // How many calls are due by `since_start` (calls 0 .. n-1 have intended
  // starts at or before it); 0 before t0.
  int64_t DueBy(Nanos since_start) const;
  // How many calls fall in [0, until): the calls of a phase that ends then.
  int64_t CallsBefore(Nanos until) const;

 private:
  double rate_;
};

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_SCHEDULE_H_
