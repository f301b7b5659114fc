#include "services/dispatch/auto_router.h"

#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "services/dispatch/routing.h"

namespace gridcase::dispatch {

AutoRouter::AutoRouter(Transitions* transitions,
                       absl::Duration self_handle_grace)
    : transitions_(transitions),
      self_handle_grace_(self_handle_grace),
      actor_(SystemActor("system:dispatch")) {}

absl::StatusOr<int> AutoRouter::RouteDeferred(int shard) {
  ASSIGN_OR_RETURN(std::vector<std::string> due,
                   transitions_->store().DueDeferred(
                       shard, transitions_->clock().Now(), 100));
  int handled = 0;
  for (const std::string& case_id : due) {
    RETURN_IF_ERROR(HandleReported(case_id).status());
    RETURN_IF_ERROR(transitions_->store().DropDeferred(case_id));
    ++handled;
  }
  return handled;
}

absl::StatusOr<std::string> AutoRouter::HandleReported(
    const std::string& case_id) {
  absl::StatusOr<CaseRecord> rec = transitions_->store().Get(case_id);
  if (rec.status().code() == absl::StatusCode::kNotFound ||
      rec.status().code() == absl::StatusCode::kInvalidArgument) {
    return std::string("skipped");
  }
  RETURN_IF_ERROR(rec.status());
  // REGISTERED and never returned or reopened: registered by a replica that
  // died before dispatching it (this entry was redelivered), or by hand.
  bool half_done = rec->c.state() == v1::CASE_STATE_REGISTERED &&
                   rec->c.return_count() == 0 && rec->c.reopen_count() == 0;
  if (rec->c.state() != v1::CASE_STATE_REPORTED && !half_done) {
    return std::string("skipped");
  }
  ASSIGN_OR_RETURN(v1::RoutingPolicy policy,
                   transitions_->store().GetRouting());
  if (policy.version() == 0) policy = DefaultRoutingPolicy();
  RoutingDecision decision = Decide(policy, rec->c);
  if (decision.mode != v1::ROUTING_MODE_AUTO) {
    if (half_done) return std::string("skipped");
    RETURN_IF_ERROR(transitions_->store().SetReview(rec->c, decision.reason));
    return std::string("manual");
  }
  if (!half_done && self_handle_grace_ > absl::ZeroDuration() &&
      rec->c.reporter().kind() == v1::REPORTER_KIND_GRID_MANAGER &&
      !rec->c.urgent()) {
    absl::Time until = FromTimestamp(rec->c.reported_at()) + self_handle_grace_;
    if (transitions_->clock().Now() < until) {
      RETURN_IF_ERROR(
          transitions_->store().Defer(case_id, absl::ToUnixMillis(until)));
      return std::string("deferred");
    }
  }
  int64_t version = rec->c.version();
  if (!half_done) {
    TransitionRequest reg;
    reg.case_id = case_id;
    reg.expected_version = version;
    reg.input.automatic = true;
    reg.input.note = decision.reason;
    absl::StatusOr<Committed> registered =
        transitions_->Run(Action::kRegister, actor_, reg);
    if (registered.status().code() == absl::StatusCode::kAborted ||
        registered.status().code() == absl::StatusCode::kFailedPrecondition) {
      return std::string("skipped");  // somebody acted first
    }
    RETURN_IF_ERROR(registered.status());
    version = registered->c.version();
  }
  TransitionRequest dispatch;
  dispatch.case_id = case_id;
  dispatch.expected_version = version;
  dispatch.input.automatic = true;
  absl::StatusOr<Committed> dispatched =
      transitions_->Run(Action::kDispatch, actor_, dispatch);
  if (dispatched.ok()) return std::string("auto_dispatched");
  if (dispatched.status().code() == absl::StatusCode::kFailedPrecondition) {
    return std::string("no_rule");  // Prepare put it in the review queue
  }
  if (dispatched.status().code() == absl::StatusCode::kAborted) {
    return std::string("skipped");
  }
  return dispatched.status();
}

}  // namespace gridcase::dispatch
