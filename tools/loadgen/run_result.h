// RunResult: everything a run reports, as report_json.h prints it (the
// JSON object and the human summary). Filled by Driver::Run.
#ifndef GRIDCASE_TOOLS_LOADGEN_RUN_RESULT_H_
#define GRIDCASE_TOOLS_LOADGEN_RUN_RESULT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gridcase::loadgen {

struct LatencySummary {
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double p999 = 0;
  double max = 0;
  double mean = 0;
};

struct RunResult {
  std::string scenario;
  std::string mode;  // "closed" or "open"
  std::string target;
  int in_flight = 0;  // closed loop
  int channels = 0;
  double rate = 0;  // open loop, calls/s
  double warmup_s = 0;
  double duration_s = 0;
  int64_t calls_ok = 0;
  int64_t calls_failed = 0;
  double calls_per_s = 0;                      // calls_ok / duration_s
  std::map<std::string, int64_t> errors;       // by code
  std::map<std::string, int64_t> step_errors;  // "Step:CODE", chains only
  std::vector<std::string> error_samples;      // first distinct messages
  LatencySummary latency_ms;                   // of the measured OK calls
  int64_t not_sent = 0;  // open loop: over --max_outstanding
  // Open loop: how late the pacer started the measured calls after their
  // intended start (a generator that cannot keep up shows here).
  LatencySummary send_lag_ms;
  // The measured window on the wall clock (Unix ms), so that a harness can
  // read other counters (CPU, Redis) at its edges (bench/run does).
  int64_t measure_start_unix_ms = 0;
  int64_t measure_end_unix_ms = 0;
};

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_RUN_RESULT_H_
