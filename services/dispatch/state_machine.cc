#include "services/dispatch/state_machine.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/auth/policy.h"
#include "common/auth/roles.h"
#include "common/status/status_macros.h"

namespace gridcase::dispatch {
namespace {

using S = v1::CaseState;
using E = v1::CaseEventType;

std::string StateName(v1::CaseState s) {
  return std::string(absl::StripPrefix(v1::CaseState_Name(s), "CASE_STATE_"));
}

bool Covers(const v1::Actor& actor, const std::string& grid) {
  return std::find(actor.grid_codes().begin(), actor.grid_codes().end(),
                   grid) != actor.grid_codes().end();
}

absl::Status CheckScope(const Rule& rule, const v1::Case& c,
                        const v1::Actor& actor) {
  switch (rule.scope) {
    case Scope::kAny:
      return absl::OkStatus();
    case Scope::kOwnDepartment:
      if (actor.department_id().empty() ||
          actor.department_id() != c.department_id()) {
        return absl::PermissionDeniedError(absl::StrCat(
            rule.rpc,
            ": department staff may act only on cases dispatched to their "
            "department (case ",
            c.id(), " is with '", c.department_id(), "', caller is with '",
            actor.department_id(), "')"));
      }
      return absl::OkStatus();
    case Scope::kOwnGrid:
      if (auth::HasRole(actor, v1::ROLE_DUTY_CHIEF) ||
          Covers(actor, c.grid_code())) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError(absl::StrCat(
          rule.rpc,
          ": a grid manager verifies and checks only in their own grids "
          "(case ",
          c.id(), " is in grid ", c.grid_code(), ")"));
    case Scope::kReporterInOwnGrid:
      if (c.reporter().id() == actor.subject() &&
          Covers(actor, c.grid_code())) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError(absl::StrCat(
          rule.rpc,
          ": only the grid manager who reported the case may self-close it, "
          "in one of their grids (case ",
          c.id(), " was reported by '", c.reporter().id(), "' in grid ",
          c.grid_code(), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<Rule>& Rules() {
  static const auto* rules = new std::vector<Rule>{
      {Action::kRegister,
       "RegisterCase",
       {S::CASE_STATE_REPORTED},
       S::CASE_STATE_REGISTERED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_REGISTERED},
      {Action::kVoid,
       "VoidCase",
       {S::CASE_STATE_REPORTED},
       S::CASE_STATE_VOIDED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_VOIDED},
      {Action::kDispatch,
       "DispatchCase",
       {S::CASE_STATE_REGISTERED},
       S::CASE_STATE_DISPATCHED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_DISPATCHED},
      {Action::kAcknowledge,
       "AcknowledgeCase",
       {S::CASE_STATE_DISPATCHED},
       S::CASE_STATE_IN_PROGRESS,
       Scope::kOwnDepartment,
       E::CASE_EVENT_TYPE_ACKNOWLEDGED},
      {Action::kSubmitHandling,
       "SubmitHandling",
       {S::CASE_STATE_IN_PROGRESS},
       S::CASE_STATE_HANDLED,
       Scope::kOwnDepartment,
       E::CASE_EVENT_TYPE_HANDLED},
      {Action::kVerifyPass,
       "VerifyCase",
       {S::CASE_STATE_HANDLED},
       S::CASE_STATE_CLOSED,
       Scope::kOwnGrid,
       E::CASE_EVENT_TYPE_VERIFIED},
      {Action::kVerifyFail,
       "VerifyCase",
       {S::CASE_STATE_HANDLED},
       S::CASE_STATE_DISPATCHED,
       Scope::kOwnGrid,
       E::CASE_EVENT_TYPE_REWORKED},
      {Action::kReturn,
       "ReturnCase",
       {S::CASE_STATE_DISPATCHED, S::CASE_STATE_IN_PROGRESS},
       S::CASE_STATE_REGISTERED,
       Scope::kOwnDepartment,
       E::CASE_EVENT_TYPE_RETURNED},
      {Action::kRequestExtension,
       "RequestExtension",
       {S::CASE_STATE_DISPATCHED, S::CASE_STATE_IN_PROGRESS},
       S::CASE_STATE_UNSPECIFIED,
       Scope::kOwnDepartment,
       E::CASE_EVENT_TYPE_EXTENSION_REQUESTED},
      {Action::kDecideExtension,
       "DecideExtension",
       {S::CASE_STATE_DISPATCHED, S::CASE_STATE_IN_PROGRESS},
       S::CASE_STATE_UNSPECIFIED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_EXTENSION_APPROVED},
      {Action::kSuspend,
       "SuspendCase",
       {S::CASE_STATE_REGISTERED, S::CASE_STATE_DISPATCHED,
        S::CASE_STATE_IN_PROGRESS},
       S::CASE_STATE_SUSPENDED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_SUSPENDED},
      {Action::kResume,
       "ResumeCase",
       {S::CASE_STATE_SUSPENDED},
       S::CASE_STATE_UNSPECIFIED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_RESUMED},
      {Action::kSupervise,
       "SuperviseCase",
       {S::CASE_STATE_REPORTED, S::CASE_STATE_REGISTERED,
        S::CASE_STATE_DISPATCHED, S::CASE_STATE_IN_PROGRESS,
        S::CASE_STATE_HANDLED, S::CASE_STATE_SUSPENDED, S::CASE_STATE_CHECKING},
       S::CASE_STATE_UNSPECIFIED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_SUPERVISED},
      {Action::kSelfClose,
       "SelfCloseCase",
       {S::CASE_STATE_REPORTED},
       S::CASE_STATE_CLOSED,
       Scope::kReporterInOwnGrid,
       E::CASE_EVENT_TYPE_SELF_CLOSED},
      {Action::kReopen,
       "ReopenCase",
       {S::CASE_STATE_CLOSED},
       S::CASE_STATE_UNSPECIFIED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_REOPENED},
      {Action::kClose,
       "CloseCase",
       {S::CASE_STATE_REGISTERED, S::CASE_STATE_DISPATCHED,
        S::CASE_STATE_IN_PROGRESS, S::CASE_STATE_HANDLED,
        S::CASE_STATE_SUSPENDED},
       S::CASE_STATE_CLOSED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_CLOSED},
      // Who may rate (the reporter, a follower, a callback) is checked by
      // the workflow, which knows the followers.
      {Action::kRate,
       "RateCase",
       {S::CASE_STATE_CLOSED},
       S::CASE_STATE_UNSPECIFIED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_RATED},
      {Action::kReviewRating,
       "ReviewRating",
       {S::CASE_STATE_CLOSED},
       S::CASE_STATE_UNSPECIFIED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_RATING_REVIEWED},
      {Action::kRequestCheck,
       "RequestCheck",
       {S::CASE_STATE_REPORTED},
       S::CASE_STATE_CHECKING,
       Scope::kAny,
       E::CASE_EVENT_TYPE_CHECK_REQUESTED},
      {Action::kSubmitCheck,
       "SubmitCheck",
       {S::CASE_STATE_CHECKING},
       S::CASE_STATE_REPORTED,
       Scope::kOwnGrid,
       E::CASE_EVENT_TYPE_CHECKED},
      // The case it joins is checked by Transitions, which reads it.
      {Action::kMerge,
       "MergeCase",
       {S::CASE_STATE_REPORTED, S::CASE_STATE_CHECKING,
        S::CASE_STATE_REGISTERED, S::CASE_STATE_DISPATCHED,
        S::CASE_STATE_IN_PROGRESS, S::CASE_STATE_HANDLED,
        S::CASE_STATE_SUSPENDED},
       S::CASE_STATE_MERGED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_MERGED_BY_STAFF},
      {Action::kUnmerge,
       "UnmergeCase",
       {S::CASE_STATE_MERGED},
       S::CASE_STATE_REGISTERED,
       Scope::kAny,
       E::CASE_EVENT_TYPE_UNMERGED},
  };
  return *rules;
}

std::string MethodOf(const Rule& rule) {
  return absl::StrCat("gridcase.v1.DispatchService/", rule.rpc);
}

const Rule& RuleFor(Action action) {
  for (const Rule& rule : Rules()) {
    if (rule.action == action) return rule;
  }
  return Rules().front();  // unreachable: every Action has a rule
}

v1::CaseState Target(const Rule& rule, const v1::Case& c) {
  if (rule.to != v1::CASE_STATE_UNSPECIFIED) return rule.to;
  switch (rule.action) {
    case Action::kResume:
      return c.suspended_from();
    case Action::kReopen:
      return c.department_id().empty() ? v1::CASE_STATE_REGISTERED
                                       : v1::CASE_STATE_DISPATCHED;
    default:
      return c.state();  // no state change
  }
}

absl::StatusOr<v1::CaseState> Authorize(Action action, const v1::Case& c,
                                        const v1::Actor& actor) {
  const Rule& rule = RuleFor(action);
  RETURN_IF_ERROR(auth::Authorize(actor, MethodOf(rule)));
  RETURN_IF_ERROR(CheckScope(rule, c, actor));
  if (std::find(rule.from.begin(), rule.from.end(), c.state()) ==
      rule.from.end()) {
    std::vector<std::string> allowed;
    for (v1::CaseState s : rule.from) allowed.push_back(StateName(s));
    return absl::FailedPreconditionError(
        absl::StrCat("case ", c.id(), " is ", StateName(c.state()), "; ",
                     rule.rpc, " needs ", absl::StrJoin(allowed, " or ")));
  }
  return Target(rule, c);
}

}  // namespace gridcase::dispatch
