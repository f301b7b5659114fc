// Tally: the thread-safe record of a run's measured calls, written from
// gRPC's callback threads: latencies of OK calls, failures by status code
// (and by step for chains), the first distinct error messages, and calls
// the open loop could not send.
#ifndef GRIDCASE_TOOLS_LOADGEN_TALLY_H_
#define GRIDCASE_TOOLS_LOADGEN_TALLY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "tools/loadgen/histogram.h"
#include "tools/loadgen/run_result.h"
#include "tools/loadgen/scenario.h"

namespace gridcase::loadgen {

class Tally final {
 public:
  static constexpr int kErrorSamples = 5;

  Tally() = default;
  Tally(const Tally&) = delete;
  Tally& operator=(const Tally&) = delete;

  // One measured call; `latency` counts only when it succeeded.
  void Record(const Outcome& outcome, Nanos latency);
  // One call the open loop skipped (too many outstanding).
  void NotSent();
  // How late the open loop started a measured call.
  void SendLag(Nanos lag);

  // Fills the counts, errors and latency fields of `result`; calls_per_s
  // from result->duration_s.
  void Fill(RunResult* result) const;

 private:
  mutable absl::Mutex mu_;
  LatencyHistogram latency_ ABSL_GUARDED_BY(mu_);
  LatencyHistogram send_lag_ ABSL_GUARDED_BY(mu_);
  int64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t not_sent_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int64_t> errors_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> step_errors_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> samples_ ABSL_GUARDED_BY(mu_);
};

// The percentiles, max and mean of `h`, µs to ms.
LatencySummary Summarize(const LatencyHistogram& h);

// "CODE: message" or "Step CODE: message", as error samples show them.
std::string DescribeError(const Outcome& outcome);

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_TALLY_H_
