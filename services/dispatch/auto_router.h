// AutoRouter: what dispatch does with a new report. By the routing policy
// the case is either left for a dispatcher (MANUAL: it joins the review
// queue with the reason) or registered and dispatched at once by the
// responsibility rules (AUTO; with no rule it stays REGISTERED in the review
// queue with that reason). Safe to call twice for the same case: every step
// is a compare-and-set that checks the state first, and a case left
// REGISTERED by a replica that died between the two steps is dispatched when
// the entry is redelivered.
#ifndef GRIDCASE_SERVICES_DISPATCH_AUTO_ROUTER_H_
#define GRIDCASE_SERVICES_DISPATCH_AUTO_ROUTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/dispatch/transitions.h"

namespace gridcase::dispatch {

class AutoRouter {
 public:
  explicit AutoRouter(Transitions* transitions);

  // Returns the outcome: "auto_dispatched", "manual", "no_rule" or
  // "skipped" (no longer REPORTED, or gone). An error is retried, or the
  // entry quarantined when it says the case cannot be routed (DATA_LOSS: a
  // corrupt case), by common/events/quarantine.h.
  absl::StatusOr<std::string> HandleReported(const std::string& case_id);

 private:
  Transitions* transitions_;
  v1::Actor actor_;
};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_AUTO_ROUTER_H_
