// AutoRouter: what dispatch does with a new report. By the routing policy
// the case is either left for a dispatcher (MANUAL: it joins the review
// queue with the reason) or registered and dispatched at once by the
// responsibility rules (AUTO; with no rule it stays REGISTERED in the review
// queue with that reason). Safe to call twice for the same case: every step
// is a compare-and-set that checks the state first, and a case left
// REGISTERED by a replica that died between the two steps is dispatched when
// the entry is redelivered.
//
// 自行处置: a grid manager's own report (reporter kind GRID_MANAGER, not
// urgent) is held back from automatic routing for `self_handle_grace` after
// it was reported, so that the grid manager who fixed it on the spot can
// close it themselves (SelfCloseCase needs REPORTED) without racing the
// router. Held-back cases wait in the store (CaseStore::Defer) and are
// routed by RouteDeferred once their time comes, unless closed meanwhile.
#ifndef GRIDCASE_SERVICES_DISPATCH_AUTO_ROUTER_H_
#define GRIDCASE_SERVICES_DISPATCH_AUTO_ROUTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/dispatch/transitions.h"

namespace gridcase::dispatch {

class AutoRouter {
 public:
  explicit AutoRouter(Transitions* transitions,
                      absl::Duration self_handle_grace = absl::ZeroDuration());

  // Returns the outcome: "auto_dispatched", "manual", "no_rule", "deferred"
  // (held back for self-handling) or "skipped" (no longer REPORTED, or
  // gone). An error is retried, or the entry quarantined when it says the
  // case cannot be routed (DATA_LOSS: a corrupt case), by
  // common/events/quarantine.h.
  absl::StatusOr<std::string> HandleReported(const std::string& case_id);

  // Routes the held-back cases of `shard` whose grace has run out; returns
  // how many it handled. A case whose routing fails stays held back and is
  // tried again at the next call.
  absl::StatusOr<int> RouteDeferred(int shard);

 private:
  Transitions* transitions_;
  absl::Duration self_handle_grace_;
  v1::Actor actor_;
};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_AUTO_ROUTER_H_
