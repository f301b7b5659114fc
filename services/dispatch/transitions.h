// Transitions: runs one workflow action on one case end to end — replay
// check, read, role/scope/state check, registry look-ups (calendar, limits,
// department), Workflow::Apply, and the compare-and-set commit, re-reading
// and recomputing when another writer got there first. The gRPC handlers,
// auto-routing (the event consumer) and the deadline scanner all go through
// it, so every change follows the same rules.
#ifndef GRIDCASE_SERVICES_DISPATCH_TRANSITIONS_H_
#define GRIDCASE_SERVICES_DISPATCH_TRANSITIONS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock/clock.h"
#include "common/registry_client/registry_client.h"
#include "services/dispatch/case_store.h"
#include "services/dispatch/dispatch_metrics.h"
#include "services/dispatch/workflow.h"

namespace gridcase::dispatch {

struct TransitionRequest {
  std::string case_id;
  int64_t expected_version = 0;  // 0: do not check
  std::string request_id;        // optional idempotency key
  std::string fingerprint;       // of the request, with request_id
  std::string category_code;     // RegisterCase: corrected category
  std::string department_id;     // DispatchCase: chosen by hand
  ActionInput input;
};

class Transitions {
 public:
  // `metrics` may be null (unit tests).
  Transitions(CaseStore* store, registry_client::RegistryClient* registry,
              const Clock* clock, DispatchMetrics* metrics,
              WorkflowOptions options);

  absl::StatusOr<Committed> Run(Action action, const v1::Actor& actor,
                                TransitionRequest request);

  // One scanner pass over `shard`: emits the warnings and overdue events
  // that fell due. Returns how many it emitted.
  absl::StatusOr<int> ScanShard(int shard);

  const Clock& clock() const { return *clock_; }
  CaseStore& store() { return *store_; }

 private:
  // Calendar, limits and (for dispatch) department and rule of `c`.
  absl::Status Prepare(Action action, const v1::Case& c,
                       const TransitionRequest& request, ActionInput* in,
                       v1::Category* corrected,
                       std::shared_ptr<const calendar::WorkingCalendar>* cal);

  CaseStore* store_;
  registry_client::RegistryClient* registry_;
  const Clock* clock_;
  DispatchMetrics* metrics_;
  WorkflowOptions options_;
};

// The actor of dispatch's own actions (auto-routing, scanner).
v1::Actor SystemActor(const std::string& subject);

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_TRANSITIONS_H_
