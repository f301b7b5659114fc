#include "services/dispatch/workflow.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/auth/roles.h"
#include "common/cases/deadlines.h"
#include "common/cases/stage_clock.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "common/store/dimensions.h"
#include "google/protobuf/util/time_util.h"

namespace gridcase::dispatch {
namespace {

using google::protobuf::util::TimeUtil;
using ::gridcase::cases::CompleteStage;
using ::gridcase::cases::Extend;
using ::gridcase::cases::MoveDeadline;
using ::gridcase::cases::PauseStage;
using ::gridcase::cases::ResumeStage;
using ::gridcase::cases::StartStage;

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*S%Ez", t, absl::UTCTimeZone());
}

const v1::TimeLimit& LimitOf(const ActionInput& in, v1::Stage stage) {
  static const auto* fallback = [] {
    auto* l = new v1::TimeLimit;
    l->set_amount(30);
    l->set_unit(v1::TIME_UNIT_WORKING_MINUTES);
    return l;
  }();
  for (const v1::StageLimit& l : in.limits) {
    if (l.stage() == stage) return l.limit();
  }
  return *fallback;
}

const v1::StageDeadline* LastOf(const v1::Case& c, v1::Stage stage) {
  for (int i = c.deadlines_size() - 1; i >= 0; --i) {
    if (c.deadlines(i).stage() == stage) return &c.deadlines(i);
  }
  return nullptr;
}

// RateCase: who rates, and the rating added to the case and its event.
absl::Status Rate(v1::Case* c, v1::CaseEvent* e, const v1::Actor& actor,
                  const ActionInput& in, absl::Time now,
                  const WorkflowOptions& options) {
  absl::Time closed = FromTimestamp(c->closed_at());
  if (now - closed > options.rating_window) {
    return absl::FailedPreconditionError(absl::StrCat(
        "case ", c->id(), " was closed at ", Rfc3339(closed),
        "; it may be rated only within ",
        absl::FormatDuration(options.rating_window), " of closure"));
  }
  const bool callback = auth::HasRole(actor, v1::ROLE_ACCEPTOR);
  std::string rater;
  if (callback || auth::HasRole(actor, v1::ROLE_SYSTEM)) {
    rater = in.rater_id.empty() ? c->reporter().id() : in.rater_id;
    if (rater != c->reporter().id() && !in.rater_follows) {
      return absl::InvalidArgumentError(
          absl::StrCat("rater_id: '", rater,
                       "' neither reported nor follows "
                       "case ",
                       c->id()));
    }
  } else {
    rater = actor.subject();
    if (!in.rater_id.empty() && in.rater_id != rater) {
      return absl::PermissionDeniedError(
          absl::StrCat("rater_id: a citizen rates as themselves (", rater,
                       "), not as '", in.rater_id, "'"));
    }
    if (rater != c->reporter().id() && !in.rater_follows) {
      return absl::PermissionDeniedError(
          absl::StrCat("RateCase: only the reporter and the followers of case ",
                       c->id(), " may rate it; ", rater, " is neither"));
    }
  }
  for (const v1::Rating& r : c->ratings()) {
    if (r.rater_id() == rater && r.closure() == c->reopen_count()) {
      return absl::FailedPreconditionError(
          absl::StrCat(rater, " already rated this closure of case ", c->id(),
                       " (", v1::Satisfaction_Name(r.satisfaction()), ")"));
    }
  }
  v1::Rating* r = c->add_ratings();
  r->set_rater_id(rater);
  r->set_satisfaction(in.satisfaction);
  r->set_comment(in.note);
  *r->mutable_rated_at() = ToTimestamp(now);
  r->set_callback(callback);
  r->set_closure(c->reopen_count());
  if (in.satisfaction == v1::SATISFACTION_UNSATISFIED) {
    c->set_rating_review_pending(true);
  }
  auto& data = *e->mutable_data();
  data["satisfaction"] = std::string(absl::StripPrefix(
      v1::Satisfaction_Name(in.satisfaction), "SATISFACTION_"));
  data["rater_id"] = rater;
  if (callback) data["callback"] = "1";
  return absl::OkStatus();
}

// Completes `stage` and records it on the event as the completed stage.
void Complete(v1::Case* c, v1::CaseEvent* e, v1::Stage stage, absl::Time now,
              const calendar::WorkingCalendar& cal) {
  absl::Duration worked = CompleteStage(c, stage, now, cal);
  e->set_stage(stage);
  *e->mutable_stage_working_time() =
      TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(worked));
}

absl::Status Start(v1::Case* c, v1::Stage stage, const ActionInput& in,
                   absl::Time now, const calendar::WorkingCalendar& cal,
                   const WorkflowOptions& options) {
  RETURN_IF_ERROR(
      StartStage(c, stage, LimitOf(in, stage), now, cal, options.warn_share));
  if (stage == v1::STAGE_HANDLE) {
    *c->mutable_expected_at() = LastOf(*c, stage)->effective_deadline();
  }
  return absl::OkStatus();
}

void CloseAs(v1::Case* c, v1::ClosureType type, absl::Time now) {
  c->set_state(v1::CASE_STATE_CLOSED);
  c->set_closure_type(type);
  *c->mutable_closed_at() = ToTimestamp(now);
  c->clear_expected_at();
  c->clear_pending_extension();
  c->set_suspended_from(v1::CASE_STATE_UNSPECIFIED);
}

absl::Status ApplyExtensionRequest(v1::Case* c, v1::CaseEvent* e,
                                   const v1::Actor& actor,
                                   const ActionInput& in, absl::Time now,
                                   const calendar::WorkingCalendar& cal) {
  if (c->has_pending_extension()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "case ", c->id(), " already has an extension request pending since ",
        Rfc3339(FromTimestamp(c->pending_extension().requested_at())),
        "; wait for the duty chief's decision"));
  }
  const v1::StageDeadline* d = cases::CurrentDeadline(*c);
  if (d == nullptr || d->stage() != v1::STAGE_HANDLE) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", c->id(), " has no running HANDLE stage"));
  }
  v1::PendingExtension* p = c->mutable_pending_extension();
  absl::Time proposed;
  if (in.requested_deadline != absl::InfinitePast()) {
    proposed = in.requested_deadline;
    if (proposed <= FromTimestamp(d->effective_deadline())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "requested_deadline: must be after the current effective deadline ",
          Rfc3339(FromTimestamp(d->effective_deadline()))));
    }
    *p->mutable_requested_deadline() = ToTimestamp(proposed);
  } else {
    absl::StatusOr<absl::Time> t = Extend(*d, in.extra, cal);
    if (!t.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("extra: ", t.status().message()));
    }
    proposed = *t;
    *p->mutable_extra() = in.extra;
  }
  *p->mutable_requested_at() = ToTimestamp(now);
  *p->mutable_requested_by() = actor;
  p->set_stage(v1::STAGE_HANDLE);
  *p->mutable_proposed_deadline() = ToTimestamp(proposed);
  p->set_reason(in.note);
  e->set_stage(v1::STAGE_HANDLE);
  (*e->mutable_data())["proposed_deadline"] = Rfc3339(proposed);
  return absl::OkStatus();
}

absl::Status ApplyExtensionDecision(v1::Case* c, v1::CaseEvent* e,
                                    const ActionInput& in, absl::Time now,
                                    const calendar::WorkingCalendar& cal) {
  if (!c->has_pending_extension()) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", c->id(), " has no extension request pending"));
  }
  e->set_stage(c->pending_extension().stage());
  v1::StageDeadline* d = cases::MutableCurrentDeadline(c);
  if (in.approve && d != nullptr) {
    e->set_type(v1::CASE_EVENT_TYPE_EXTENSION_APPROVED);
    (*e->mutable_data())["previous_deadline"] =
        Rfc3339(FromTimestamp(d->effective_deadline()));
    RETURN_IF_ERROR(MoveDeadline(
        d, FromTimestamp(c->pending_extension().proposed_deadline()), cal));
    (*e->mutable_data())["new_deadline"] =
        Rfc3339(FromTimestamp(d->effective_deadline()));
    d->set_extension_count(d->extension_count() + 1);
    d->set_light(cases::LightAt(*d, now));
    c->set_extension_count(c->extension_count() + 1);
    if (d->stage() == v1::STAGE_HANDLE) {
      *c->mutable_expected_at() = d->effective_deadline();
    }
  } else {
    e->set_type(v1::CASE_EVENT_TYPE_EXTENSION_DENIED);
  }
  c->clear_pending_extension();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Change> Apply(Action action, const v1::Case& before,
                             const v1::Actor& actor, const ActionInput& in,
                             absl::Time now,
                             const calendar::WorkingCalendar& cal,
                             const WorkflowOptions& options) {
  ASSIGN_OR_RETURN(v1::CaseState target, Authorize(action, before, actor));
  const Rule& rule = RuleFor(action);
  Change change;
  change.before = before;
  v1::Case& c = change.after;
  c = before;
  v1::CaseEvent& e = change.event;
  e.set_type(rule.event);
  *e.mutable_actor() = actor;
  *e.mutable_time() = ToTimestamp(now);
  e.set_from_state(before.state());
  e.set_note(in.note);
  *e.mutable_attachments() = in.attachments;

  switch (action) {
    case Action::kRegister: {
      Complete(&c, &e, v1::STAGE_REGISTER, now, cal);
      if (in.new_category != nullptr &&
          in.new_category->code() != c.category_code()) {
        (*e.mutable_data())["category_code_before"] = c.category_code();
        c.set_category_code(in.new_category->code());
        c.set_category_name(in.new_category->name());
        c.set_category_major_code(in.new_category->major_code());
        c.set_urgent(in.new_category->urgent());
      }
      (*e.mutable_data())["routing"] = in.automatic ? "auto" : "manual";
      RETURN_IF_ERROR(Start(&c, v1::STAGE_DISPATCH, in, now, cal, options));
      break;
    }
    case Action::kVoid:
      Complete(&c, &e, v1::STAGE_REGISTER, now, cal);
      c.clear_expected_at();
      c.set_status_note(in.note);
      break;
    case Action::kDispatch:
      Complete(&c, &e, v1::STAGE_DISPATCH, now, cal);
      c.set_department_id(in.department.id());
      c.set_department_name(in.department.name());
      (*e.mutable_data())["department_id"] = in.department.id();
      (*e.mutable_data())["rule_id"] = in.rule_id;
      (*e.mutable_data())["routing"] = in.automatic ? "auto" : "manual";
      RETURN_IF_ERROR(Start(&c, v1::STAGE_HANDLE, in, now, cal, options));
      break;
    case Action::kAcknowledge:
      break;
    case Action::kSubmitHandling:
      Complete(&c, &e, v1::STAGE_HANDLE, now, cal);
      c.clear_pending_extension();  // the attempt it was for has ended
      RETURN_IF_ERROR(Start(&c, v1::STAGE_VERIFY, in, now, cal, options));
      break;
    case Action::kVerifyPass:
    case Action::kVerifyFail:
      Complete(&c, &e, v1::STAGE_VERIFY, now, cal);
      if (action == Action::kVerifyPass) {
        const v1::StageDeadline* handle = LastOf(c, v1::STAGE_HANDLE);
        bool late = handle != nullptr &&
                    (handle->has_overdue_at() ||
                     FromTimestamp(handle->completed_at()) >
                         FromTimestamp(handle->effective_deadline()));
        CloseAs(&c, late ? v1::CLOSURE_TYPE_OVERDUE : v1::CLOSURE_TYPE_NORMAL,
                now);
        // The closing note, or none: never an earlier (internal) reason.
        c.set_status_note(in.note);
        e.set_closure_type(c.closure_type());
      } else {
        c.set_rework_count(c.rework_count() + 1);
        RETURN_IF_ERROR(Start(&c, v1::STAGE_HANDLE, in, now, cal, options));
      }
      break;
    case Action::kReturn:
      (*e.mutable_data())["department_id"] = c.department_id();
      if (const v1::StageDeadline* d = LastOf(c, v1::STAGE_DISPATCH)) {
        (*e.mutable_data())["dispatched_at"] =
            Rfc3339(FromTimestamp(d->completed_at()));
      }
      CompleteStage(&c, v1::STAGE_HANDLE, now, cal);
      c.set_return_count(c.return_count() + 1);
      c.clear_department_id();
      c.clear_department_name();
      c.clear_pending_extension();
      c.set_status_note(in.note);
      RETURN_IF_ERROR(Start(&c, v1::STAGE_DISPATCH, in, now, cal, options));
      break;
    case Action::kRequestExtension:
      RETURN_IF_ERROR(ApplyExtensionRequest(&c, &e, actor, in, now, cal));
      break;
    case Action::kDecideExtension:
      RETURN_IF_ERROR(ApplyExtensionDecision(&c, &e, in, now, cal));
      break;
    case Action::kSuspend:
      PauseStage(&c, now);
      c.clear_pending_extension();  // the deadline moves on resume instead
      c.set_suspended_from(before.state());
      c.set_status_note(in.note);
      break;
    case Action::kResume: {
      ASSIGN_OR_RETURN(absl::Duration paused, ResumeStage(&c, now, cal));
      (*e.mutable_data())["paused_seconds"] =
          absl::StrCat(absl::ToInt64Seconds(paused));
      c.set_suspended_from(v1::CASE_STATE_UNSPECIFIED);
      if (const v1::StageDeadline* d = LastOf(c, v1::STAGE_HANDLE);
          d != nullptr && (target == v1::CASE_STATE_DISPATCHED ||
                           target == v1::CASE_STATE_IN_PROGRESS)) {
        *c.mutable_expected_at() = d->effective_deadline();
      }
      break;
    }
    case Action::kSupervise:
      c.set_supervised(true);
      break;
    case Action::kSelfClose:
      Complete(&c, &e, v1::STAGE_REGISTER, now, cal);
      c.set_self_handled(true);
      CloseAs(&c, v1::CLOSURE_TYPE_NORMAL, now);
      c.set_status_note(in.note);
      e.set_closure_type(c.closure_type());
      break;
    case Action::kReopen: {
      absl::Time closed = FromTimestamp(c.closed_at());
      // An unsatisfied rating waiting for review may always be acted on.
      if (now - closed > options.reopen_window && !c.rating_review_pending()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "case ", c.id(), " was closed at ", Rfc3339(closed),
            "; it may be reopened only within ",
            absl::FormatDuration(options.reopen_window), " of closure"));
      }
      c.set_reopen_count(c.reopen_count() + 1);
      c.set_rating_review_pending(false);
      c.set_closure_type(v1::CLOSURE_TYPE_UNSPECIFIED);
      c.clear_closed_at();
      c.set_self_handled(false);
      c.set_status_note(in.note);
      RETURN_IF_ERROR(Start(&c,
                            target == v1::CASE_STATE_DISPATCHED
                                ? v1::STAGE_HANDLE
                                : v1::STAGE_DISPATCH,
                            in, now, cal, options));
      break;
    }
    case Action::kRate:
      RETURN_IF_ERROR(Rate(&c, &e, actor, in, now, options));
      break;
    case Action::kRequestCheck:
      PauseStage(&c, now);  // REGISTER waits for the finding
      RETURN_IF_ERROR(Start(&c, v1::STAGE_CHECK, in, now, cal, options));
      break;
    case Action::kSubmitCheck: {
      Complete(&c, &e, v1::STAGE_CHECK, now, cal);
      c.set_state(v1::CASE_STATE_REPORTED);  // REGISTER runs again
      RETURN_IF_ERROR(ResumeStage(&c, now, cal).status());
      (*e.mutable_data())["confirmed"] = in.confirmed ? "1" : "0";
      break;
    }
    case Action::kMerge: {
      // The running stage ends unfinished: not a completion stats counts.
      v1::Stage running = cases::RunningStage(c);
      if (running != v1::STAGE_UNSPECIFIED) {
        CompleteStage(&c, running, now, cal);
      }
      c.set_merged_into(in.into_case_id);
      c.clear_expected_at();
      c.clear_pending_extension();
      c.set_suspended_from(v1::CASE_STATE_UNSPECIFIED);
      c.set_status_note(in.note);
      e.set_related_case_id(in.into_case_id);
      (*e.mutable_data())["report_count"] = absl::StrCat(c.report_count());
      break;
    }
    case Action::kUnmerge:
      e.set_related_case_id(c.merged_into());
      (*e.mutable_data())["report_count"] = absl::StrCat(c.report_count());
      c.clear_merged_into();
      c.clear_department_id();
      c.clear_department_name();
      c.set_status_note(in.note);
      RETURN_IF_ERROR(Start(&c, v1::STAGE_DISPATCH, in, now, cal, options));
      break;
    case Action::kReviewRating:
      if (!c.rating_review_pending()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "case ", c.id(), " has no unsatisfied rating waiting for review"));
      }
      c.set_rating_review_pending(false);
      break;
    case Action::kClose: {
      v1::Stage running = cases::RunningStage(c);
      if (running != v1::STAGE_UNSPECIFIED) {
        CompleteStage(&c, running, now, cal);
      }
      CloseAs(&c, v1::CLOSURE_TYPE_SPECIAL, now);
      c.set_status_note(in.note);
      e.set_closure_type(c.closure_type());
      break;
    }
  }
  c.set_state(target);
  c.set_version(before.version() + 1);
  *c.mutable_updated_at() = ToTimestamp(now);
  cases::RefreshLights(&c, now);
  e.set_to_state(c.state());
  e.set_case_version(c.version());
  e.set_light(c.light());
  if (c.state() == v1::CASE_STATE_CLOSED) e.set_closure_type(c.closure_type());
  if (e.stage() != v1::STAGE_UNSPECIFIED) {
    if (const v1::StageDeadline* d = LastOf(c, e.stage())) {
      *e.mutable_stage_deadline() = *d;
    }
  }
  *e.mutable_dimensions() = store::DimensionsOf(c, cal.time_zone());
  return change;
}

absl::StatusOr<Change> Alert(const v1::Case& before, bool overdue,
                             const v1::Actor& actor, absl::Time now,
                             const absl::TimeZone& zone) {
  const v1::StageDeadline* current = cases::CurrentDeadline(before);
  if (current == nullptr || before.state() == v1::CASE_STATE_SUSPENDED) {
    return absl::FailedPreconditionError(
        absl::StrCat("case ", before.id(), " has no running stage"));
  }
  Change change;
  change.before = before;
  v1::Case& c = change.after;
  c = before;
  v1::StageDeadline* d = cases::MutableCurrentDeadline(&c);
  d->set_light(overdue ? v1::TRAFFIC_LIGHT_RED : v1::TRAFFIC_LIGHT_YELLOW);
  if (overdue) *d->mutable_overdue_at() = ToTimestamp(now);
  c.set_light(d->light());
  c.set_version(before.version() + 1);
  *c.mutable_updated_at() = ToTimestamp(now);
  v1::CaseEvent& e = change.event;
  e.set_type(overdue ? v1::CASE_EVENT_TYPE_OVERDUE
                     : v1::CASE_EVENT_TYPE_WARNING);
  *e.mutable_actor() = actor;
  *e.mutable_time() = ToTimestamp(now);
  e.set_from_state(c.state());
  e.set_to_state(c.state());
  e.set_stage(d->stage());
  *e.mutable_stage_deadline() = *d;
  e.set_case_version(c.version());
  e.set_light(c.light());
  *e.mutable_dimensions() = store::DimensionsOf(c, zone);
  return change;
}

}  // namespace gridcase::dispatch
