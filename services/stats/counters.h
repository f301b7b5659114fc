// The counters stats keeps per day and dimension value, and their Redis field
// codes. Every indicator of MISSION.md is derived from these at query time
// (indicators.h); docs/indicators.md gives the event rule of each counter.
#ifndef GRIDCASE_SERVICES_STATS_COUNTERS_H_
#define GRIDCASE_SERVICES_STATS_COUNTERS_H_

#include <array>
#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace gridcase::stats {

enum class Counter {
  kReports,
  kValidReports,
  kRegistered,
  kRegisteredOnTime,
  kDispatched,
  kDispatchedAccurately,
  kHandled,
  kHandledOnTime,
  kDueToHandle,
  kHandlingSeconds,  // sum of HANDLE working time, seconds
  kClosed,
  kClosedOnTime,
  kClosedOverdue,
  kClosedSpecial,
  kDueToClose,
  kReworked,
  kReturned,
  kExtended,
  kSuspended,
  kSupervised,
  kVerified,
  kVerifiedOnTime,
  kDueToVerify,
  kSelfHandled,
  kVoided,
  kMerged,
  kRated,               // ratings given (满意度)
  kSatisfied,           // ... SATISFIED
  kBasicallySatisfied,  // ... BASICALLY_SATISFIED
  kUnsatisfied,         // ... UNSATISFIED
  kChecked,             // on-site checks done (核实)
  kCheckedOnTime,       // ... by the CHECK deadline, never red
  kDueToCheck,          // CHECK attempts due
  kCount,               // number of counters, not a counter
};

inline constexpr int kNumCounters = static_cast<int>(Counter::kCount);

// Short field code, e.g. "rp" for kReports.
absl::string_view CodeOf(Counter c);
std::optional<Counter> CounterOfCode(absl::string_view code);

// Counter values for one dimension value over some buckets.
struct Counts {
  std::array<int64_t, kNumCounters> v{};

  int64_t operator[](Counter c) const { return v[static_cast<int>(c)]; }
  int64_t& operator[](Counter c) { return v[static_cast<int>(c)]; }
  Counts& operator+=(const Counts& o) {
    for (int i = 0; i < kNumCounters; ++i) v[i] += o.v[i];
    return *this;
  }
  bool operator==(const Counts& o) const { return v == o.v; }
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_COUNTERS_H_
