// What the engine (driver.h) asks of a scenario: start call number n on
// channel c and say, exactly once, how it ended. A "call" is whatever the
// scenario measures: one RPC, a chain of RPCs (lifecycle), or a report and
// the event that shows it routed (routed).
#ifndef GRIDCASE_TOOLS_LOADGEN_SCENARIO_H_
#define GRIDCASE_TOOLS_LOADGEN_SCENARIO_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tools/loadgen/schedule.h"

namespace gridcase::loadgen {

// How one call ended.
struct Outcome {
  // Empty for success; else the gRPC status code name ("UNAVAILABLE") or a
  // loadgen name for what is not a status ("NOT_ROUTED", "MERGED").
  std::string code;
  // The RPC that failed within a chain ("RegisterCase"); empty for
  // single-RPC scenarios.
  std::string step;
  std::string message;
  // When the call ended, if not when `done` runs (routed: the event's
  // arrival, which may come before the report's response).
  std::optional<TimePoint> finished_at;

  bool ok() const { return code.empty(); }
  static Outcome Ok() { return {}; }
  static Outcome Failed(std::string step, std::string code,
                        std::string message);
  // Ok for an OK status, else Failed(step, <code name>, message).
  static Outcome Of(absl::string_view step, const grpc::Status& status);
  static Outcome Of(absl::string_view step, const absl::Status& status);
};

// Called exactly once per started call, from any thread, possibly before
// Start returns.
using Done = std::function<void(Outcome)>;

class Scenario {
 public:
  virtual ~Scenario() = default;
  // Starts call `n` (0-based, unique within the run) on channel `channel`
  // (0 .. channels-1).
  virtual void Start(int64_t n, int channel, Done done) = 0;
  // After the last call ended: releases what outlives calls (streams).
  virtual void Stop() {}
};

// The status code name gRPC and Abseil share, e.g. "DEADLINE_EXCEEDED".
std::string CodeName(grpc::StatusCode code);

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_SCENARIO_H_
