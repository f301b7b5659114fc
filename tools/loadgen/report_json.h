// How a run is reported: one JSON object (--json) whose fields are listed
// in tools/loadgen/README.md, and a human summary for the terminal.
#ifndef GRIDCASE_TOOLS_LOADGEN_REPORT_JSON_H_
#define GRIDCASE_TOOLS_LOADGEN_REPORT_JSON_H_

#include <string>

#include "nlohmann/json.hpp"
#include "tools/loadgen/run_result.h"

namespace gridcase::loadgen {

// In this order: {"scenario", "mode", "target", "in_flight", "channels",
// "rate",
//  "warmup_s", "duration_s", "calls_ok", "calls_failed", "calls_per_s",
//  "errors": {code: count}, "step_errors": {"Step:CODE": count},
//  "error_samples": [...], "latency_ms": {"p50", "p90", "p99", "p999",
//  "max", "mean"}, "not_sent", "send_lag_ms": {"p50", "p99", "max"}}.
nlohmann::ordered_json ToJson(const RunResult& result);

// A few lines: the run, the throughput, the latency percentiles and the
// errors with their samples.
std::string SummaryText(const RunResult& result);

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_REPORT_JSON_H_
