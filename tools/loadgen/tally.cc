#include "tools/loadgen/tally.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gridcase::loadgen {

std::string DescribeError(const Outcome& outcome) {
  return outcome.step.empty()
             ? absl::StrCat(outcome.code, ": ", outcome.message)
             : absl::StrCat(outcome.step, " ", outcome.code, ": ",
                            outcome.message);
}

void Tally::Record(const Outcome& outcome, Nanos latency) {
  const int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  absl::MutexLock lock(&mu_);
  if (outcome.ok()) {
    latency_.Record(micros);
    return;
  }
  ++failed_;
  ++errors_[outcome.code];
  if (!outcome.step.empty()) {
    ++step_errors_[absl::StrCat(outcome.step, ":", outcome.code)];
  }
  if (static_cast<int>(samples_.size()) < kErrorSamples) {
    std::string text = DescribeError(outcome);
    if (std::find(samples_.begin(), samples_.end(), text) == samples_.end()) {
      samples_.push_back(std::move(text));
    }
  }
}

void Tally::SendLag(Nanos lag) {
  const int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(lag).count();
  absl::MutexLock lock(&mu_);
  send_lag_.Record(micros);
}

void Tally::NotSent() {
  absl::MutexLock lock(&mu_);
  ++not_sent_;
}

void Tally::Fill(RunResult* result) const {
  absl::MutexLock lock(&mu_);
  result->calls_ok = latency_.count();
  result->calls_failed = failed_;
  result->calls_per_s =
      result->duration_s > 0
          ? static_cast<double>(result->calls_ok) / result->duration_s
          : 0;
  result->errors = errors_;
  result->step_errors = step_errors_;
  result->error_samples = samples_;
  result->not_sent = not_sent_;
  result->latency_ms = Summarize(latency_);
  result->send_lag_ms = Summarize(send_lag_);
}

LatencySummary Summarize(const LatencyHistogram& h) {
  auto ms = [](int64_t micros) { return static_cast<double>(micros) / 1000; };
  LatencySummary s;
  s.p50 = ms(h.Percentile(0.50));
  s.p90 = ms(h.Percentile(0.90));
  s.p99 = ms(h.Percentile(0.99));
  s.p999 = ms(h.Percentile(0.999));
  s.max = ms(h.max());
  s.mean = h.mean() / 1000;
  return s;
}

}  // namespace gridcase::loadgen
