#include "tools/loadgen/schedule.h"

#include <cmath>

namespace gridcase::loadgen {
namespace {

Nanos ToNanos(absl::Duration d) { return Nanos(absl::ToInt64Nanoseconds(d)); }

}  // namespace

Timeline::Timeline(absl::Duration warmup, absl::Duration duration)
    : warmup_(ToNanos(warmup)), end_(ToNanos(warmup + duration)) {}

Phase Timeline::PhaseAt(Nanos since_start) const {
  if (since_start < warmup_) return Phase::kWarmup;
  if (since_start < end_) return Phase::kMeasured;
  return Phase::kOver;
}

ArrivalSchedule::ArrivalSchedule(double rate) : rate_(rate) {}

Nanos ArrivalSchedule::IntendedStart(int64_t i) const {
  // i * 1e9 / rate, rounded, so that call i never drifts from t0 + i/rate.
  return Nanos(std::llround(static_cast<double>(i) * 1e9 / rate_));
}

int64_t ArrivalSchedule::DueBy(Nanos since_start) const {
  if (since_start.count() < 0) return 0;
  int64_t n = static_cast<int64_t>(
      std::floor(static_cast<double>(since_start.count()) * rate_ / 1e9));
  // Rounding in either direction is settled against IntendedStart itself.
  while (IntendedStart(n + 1) <= since_start) ++n;
  while (n >= 0 && IntendedStart(n) > since_start) --n;
  return n + 1;
}

int64_t ArrivalSchedule::CallsBefore(Nanos until) const {
  if (until.count() <= 0) return 0;
  return DueBy(until - Nanos(1));
}

}  // namespace gridcase::loadgen
