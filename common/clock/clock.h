// Clock: the one source of "now" for handlers, injected so tests control
// time. Nothing in gridcase sleeps to let time pass; tests move a FakeClock
// (fake_clock.h, for tests only).
#ifndef GRIDCASE_COMMON_CLOCK_CLOCK_H_
#define GRIDCASE_COMMON_CLOCK_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gridcase {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system clock.
class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  // A process-wide instance, for wiring in main().
  static const Clock* Get() {
    static const RealClock* clock = new RealClock();
    return clock;
  }
};

}  // namespace gridcase

#endif  // GRIDCASE_COMMON_CLOCK_CLOCK_H_
