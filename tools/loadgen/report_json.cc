#include "tools/loadgen/report_json.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gridcase::loadgen {

nlohmann::ordered_json ToJson(const RunResult& r) {
  nlohmann::ordered_json errors = nlohmann::ordered_json::object();
  for (const auto& [code, n] : r.errors) errors[code] = n;
  nlohmann::ordered_json step_errors = nlohmann::ordered_json::object();
  for (const auto& [step, n] : r.step_errors) step_errors[step] = n;
  return {
      {"scenario", r.scenario},
      {"mode", r.mode},
      {"target", r.target},
      {"in_flight", r.in_flight},
      {"channels", r.channels},
      {"rate", r.rate},
      {"warmup_s", r.warmup_s},
      {"duration_s", r.duration_s},
      {"calls_ok", r.calls_ok},
      {"calls_failed", r.calls_failed},
      {"calls_per_s", r.calls_per_s},
      {"errors", errors},
      {"step_errors", step_errors},
      {"error_samples", r.error_samples},
      {"latency_ms",
       {{"p50", r.latency_ms.p50},
        {"p90", r.latency_ms.p90},
        {"p99", r.latency_ms.p99},
        {"p999", r.latency_ms.p999},
        {"max", r.latency_ms.max},
        {"mean", r.latency_ms.mean}}},
      {"not_sent", r.not_sent},
      {"send_lag_ms",
       {{"p50", r.send_lag_ms.p50},
        {"p99", r.send_lag_ms.p99},
        {"max", r.send_lag_ms.max}}},
      {"measure_start_unix_ms", r.measure_start_unix_ms},
      {"measure_end_unix_ms", r.measure_end_unix_ms},
  };
}

std::string SummaryText(const RunResult& r) {
  std::string out = absl::StrFormat(
      "%s %s-loop against %s: %s, %d channel(s), %.0f s warm-up, %.0f s "
      "measured\n",
      r.scenario, r.mode, r.target,
      r.mode == "open" ? absl::StrFormat("%.0f calls/s offered", r.rate)
                       : absl::StrFormat("%d in flight", r.in_flight),
      r.channels, r.warmup_s, r.duration_s);
  absl::StrAppendFormat(&out, "calls ok: %d (%.1f/s)  failed: %d", r.calls_ok,
                        r.calls_per_s, r.calls_failed);
  if (r.mode == "open") {
    absl::StrAppendFormat(&out, "  not sent: %d", r.not_sent);
  }
  absl::StrAppend(&out, "\n");
  if (r.mode == "open") {
    absl::StrAppendFormat(&out,
                          "send lag ms (pacer behind schedule): p50 %.2f  "
                          "p99 %.2f  max %.2f\n",
                          r.send_lag_ms.p50, r.send_lag_ms.p99,
                          r.send_lag_ms.max);
  }
  const LatencySummary& l = r.latency_ms;
  absl::StrAppendFormat(&out,
                        "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  "
                        "max %.2f  mean %.2f\n",
                        l.p50, l.p90, l.p99, l.p999, l.max, l.mean);
  for (const auto& [code, n] : r.errors) {
    absl::StrAppendFormat(&out, "errors %s: %d\n", code, n);
  }
  for (const auto& [step, n] : r.step_errors) {
    absl::StrAppendFormat(&out, "  step %s: %d\n", step, n);
  }
  for (const std::string& e : r.error_samples) {
    absl::StrAppend(&out, "  e.g. ", e, "\n");
  }
  return out;
}

}  // namespace gridcase::loadgen
