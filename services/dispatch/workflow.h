// Workflow: what each transition does to a case — state, stage clocks,
// counters, closure, pending extension — and the event it records. Pure:
// the handler reads the case, looks up what the transition needs (calendar,
// limits, department), calls Apply, and commits the result as one
// compare-and-set. Table-driven tests run every edge of the state machine
// through it with an injected `now`.
#ifndef GRIDCASE_SERVICES_DISPATCH_WORKFLOW_H_
#define GRIDCASE_SERVICES_DISPATCH_WORKFLOW_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/calendar/calendar.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/registry.pb.h"
#include "services/dispatch/state_machine.h"

namespace gridcase::dispatch {

struct WorkflowOptions {
  // Share of a stage's limit after which its light turns yellow.
  double warn_share = 0.8;
  // How long after closure ReopenCase is allowed (and always while an
  // unsatisfied rating waits for review).
  absl::Duration reopen_window = absl::Hours(7 * 24);
  // How long after closure RateCase is allowed.
  absl::Duration rating_window = absl::Hours(7 * 24);
};

// A transition's input besides the case: the request's fields and what the
// handler looked up.
struct ActionInput {
  std::string note;  // the note or reason
  google::protobuf::RepeatedPtrField<v1::Media> attachments;
  bool approve = false;    // DecideExtension
  bool confirmed = false;  // SubmitCheck: the problem is there
  // MergeCase: the open case to join (checked by the handler).
  std::string into_case_id;
  // RegisterCase: the corrected category, or null to keep the reported one.
  const v1::Category* new_category = nullptr;
  // DispatchCase: the department and the matching rule id (empty when the
  // department was chosen by hand and no rule matched).
  v1::Department department;
  std::string rule_id;
  // True when dispatch's auto-routing acts (event data "routing" = "auto").
  bool automatic = false;
  // RequestExtension: exactly one of extra (amount > 0) or
  // requested_deadline (not InfinitePast).
  v1::TimeLimit extra;
  absl::Time requested_deadline = absl::InfinitePast();
  // RateCase: the rating, and who gives it (empty: the caller, or the
  // reporter on a callback); rater_follows: the rater follows the case
  // (looked up by the handler).
  v1::Satisfaction satisfaction = v1::SATISFACTION_UNSPECIFIED;
  std::string rater_id;
  bool rater_follows = false;
  // Limits of the four stages for this case, in Stage order (responsibility
  // rule overrides, else the category's, else defaults).
  std::vector<v1::StageLimit> limits;
};

// A computed transition: the case before (as read) and after, and the event.
struct Change {
  v1::Case before;
  v1::Case after;
  v1::CaseEvent event;
};

// Checks role, scope and state (Authorize), then applies `action`.
// INVALID_ARGUMENT or FAILED_PRECONDITION for case-dependent input errors
// (e.g. an extension already pending, the reopen window passed).
absl::StatusOr<Change> Apply(Action action, const v1::Case& c,
                             const v1::Actor& actor, const ActionInput& in,
                             absl::Time now,
                             const calendar::WorkingCalendar& cal,
                             const WorkflowOptions& options);

// The scanner's warning (overdue = false) or overdue event for the running
// stage of `c`; the attempt's light becomes YELLOW or RED. No state change.
absl::StatusOr<Change> Alert(const v1::Case& c, bool overdue,
                             const v1::Actor& actor, absl::Time now,
                             const absl::TimeZone& zone);

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_WORKFLOW_H_
