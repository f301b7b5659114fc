#include "services/dispatch/transitions.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/calendar/calendar_proto.h"
#include "common/cases/stage_clock.h"
#include "common/cases/stage_limits.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "common/store/case_hash.h"
#include "common/store/keys.h"
#include "services/dispatch/queues.h"

namespace gridcase::dispatch {
namespace {

constexpr int kMaxAttempts = 16;

std::string StateName(v1::CaseState s) {
  return std::string(absl::StripPrefix(v1::CaseState_Name(s), "CASE_STATE_"));
}

// MergeCase: the case `c` joins must be another open case.
absl::Status CheckMergeTarget(CaseStore& store, const v1::Case& c,
                              const std::string& into) {
  if (into.empty()) {
    return absl::InvalidArgumentError("into_case_id: is required");
  }
  if (into == c.id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "into_case_id: a case cannot be merged into itself (", into, ")"));
  }
  absl::StatusOr<CaseRecord> target = store.Get(into);
  if (absl::IsNotFound(target.status()) ||
      absl::IsInvalidArgument(target.status())) {
    return absl::Status(
        target.status().code(),
        absl::StrCat("into_case_id: ", target.status().message()));
  }
  RETURN_IF_ERROR(target.status());
  if (!cases::IsOpen(target->c.state())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "into_case_id: case ", into, " is ", StateName(target->c.state()),
        "; a case is merged only into an open case"));
  }
  return absl::OkStatus();
}

}  // namespace

v1::Actor SystemActor(const std::string& subject) {
  v1::Actor a;
  a.set_subject(subject);
  a.add_roles(v1::ROLE_SYSTEM);
  a.set_display_name(subject);
  return a;
}

Transitions::Transitions(CaseStore* store,
                         registry_client::RegistryClient* registry,
                         const Clock* clock, DispatchMetrics* metrics,
                         WorkflowOptions options)
    : store_(store),
      registry_(registry),
      clock_(clock),
      metrics_(metrics),
      options_(options) {}

absl::Status Transitions::Prepare(
    Action action, const v1::Case& c, const TransitionRequest& req,
    ActionInput* in, v1::Category* corrected,
    std::shared_ptr<const calendar::WorkingCalendar>* cal) {
  ASSIGN_OR_RETURN(*cal, registry_->GetWorkingCalendar());
  v1::Case subject = c;
  if (action == Action::kRegister && !req.category_code.empty() &&
      req.category_code != c.category_code()) {
    absl::StatusOr<v1::Category> cat =
        registry_->GetCategory(req.category_code);
    if (cat.status().code() == absl::StatusCode::kNotFound ||
        (cat.ok() && !cat->enabled())) {
      return absl::InvalidArgumentError(
          absl::StrCat("category_code: '", req.category_code,
                       "' is not an enabled category"));
    }
    RETURN_IF_ERROR(cat.status());
    *corrected = *cat;
    in->new_category = corrected;
    subject.set_category_code(cat->code());
  }
  absl::StatusOr<v1::ResolveResponsibilityResponse> rule =
      registry_->Resolve(subject.category_code(), subject.grid_code());
  if (rule.ok()) {
    in->limits.assign(rule->limits().begin(), rule->limits().end());
  } else if (rule.status().code() == absl::StatusCode::kFailedPrecondition ||
             rule.status().code() == absl::StatusCode::kNotFound ||
             rule.status().code() == absl::StatusCode::kInvalidArgument) {
    ASSIGN_OR_RETURN(v1::Category cat,
                     registry_->GetCategory(subject.category_code()));
    in->limits = cases::EffectiveLimits(cat, nullptr);
  } else {
    return rule.status();
  }
  if (action != Action::kDispatch) return absl::OkStatus();
  if (!req.department_id.empty()) {
    absl::StatusOr<v1::Department> d =
        registry_->GetDepartment(req.department_id);
    if (d.status().code() == absl::StatusCode::kNotFound) {
      return absl::InvalidArgumentError(absl::StrCat(
          "department_id: unknown department '", req.department_id, "'"));
    }
    RETURN_IF_ERROR(d.status());
    if (!d->active()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "department_id: department '", req.department_id, "' is inactive"));
    }
    in->department = *d;
    if (rule.ok() && rule->department().id() == d->id()) {
      in->rule_id = rule->rule().id();
    }
    return absl::OkStatus();
  }
  if (!rule.ok()) {
    std::string reason =
        absl::StrCat("no responsibility rule for category ",
                     subject.category_code(), " in grid ", subject.grid_code());
    (void)store_->SetReview(c, reason);
    return absl::FailedPreconditionError(absl::StrCat(
        reason, "; case ", c.id(),
        " stays REGISTERED in the REVIEW queue; dispatch it by hand with "
        "department_id"));
  }
  in->department = rule->department();
  in->rule_id = rule->rule().id();
  return absl::OkStatus();
}

absl::StatusOr<Committed> Transitions::Run(Action action,
                                           const v1::Actor& actor,
                                           TransitionRequest req) {
  std::string scope;
  if (!req.request_id.empty()) {
    scope = store::IdempotencyScope(actor.subject(), req.request_id);
    ASSIGN_OR_RETURN(std::optional<Committed> replay,
                     store_->Replay(req.case_id, scope, req.fingerprint));
    if (replay.has_value()) return *std::move(replay);
  }
  const Rule& rule = RuleFor(action);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    ASSIGN_OR_RETURN(CaseRecord rec, store_->Get(req.case_id));
    if (req.expected_version != 0 && rec.c.version() != req.expected_version) {
      return absl::AbortedError(
          absl::StrCat("case ", rec.c.id(), " is at version ", rec.c.version(),
                       " (", StateName(rec.c.state()), "), not ",
                       req.expected_version, "; re-read it and retry"));
    }
    RETURN_IF_ERROR(Authorize(action, rec.c, actor).status());
    if (action == Action::kMerge) {
      RETURN_IF_ERROR(CheckMergeTarget(*store_, rec.c, req.input.into_case_id));
    }
    ActionInput in = req.input;
    v1::Category corrected;
    std::shared_ptr<const calendar::WorkingCalendar> cal;
    RETURN_IF_ERROR(Prepare(action, rec.c, req, &in, &corrected, &cal));
    if (action == Action::kRate) {
      // Followers only grow, so a follower found now still follows when the
      // rating commits.
      const std::string& rater =
          in.rater_id.empty() ? actor.subject() : in.rater_id;
      if (rater != rec.c.reporter().id()) {
        ASSIGN_OR_RETURN(in.rater_follows, store_->Follows(rec.c.id(), rater));
      }
    }
    absl::Time now = clock_->Now();
    ASSIGN_OR_RETURN(Change change,
                     Apply(action, rec.c, actor, in, now, *cal, options_));
    Commit commit;
    commit.before = std::move(change.before);
    commit.after = std::move(change.after);
    commit.event = std::move(change.event);
    commit.before_alerts = rec.alerts;
    commit.idempotency_scope = scope;
    commit.fingerprint = req.fingerprint;
    commit.now = now;
    if (action == Action::kReturn) {
      commit.review_reason =
          absl::StrCat("returned by ", rec.c.department_id(), ": ", in.note);
    } else if (action == Action::kRegister) {
      commit.review_reason = "registered; waiting for dispatch";
    } else if (action == Action::kSubmitCheck) {
      commit.review_reason =
          absl::StrCat(in.confirmed ? "checked on site, confirmed: "
                                    : "checked on site, not confirmed: ",
                       in.note);
    } else if (action == Action::kUnmerge) {
      commit.review_reason =
          absl::StrCat("unmerged from ", rec.c.merged_into(), ": ", in.note);
    } else if (action == Action::kReopen &&
               commit.after.state() == v1::CASE_STATE_REGISTERED) {
      commit.review_reason = absl::StrCat("reopened: ", in.note);
    }
    absl::StatusOr<Committed> done = store_->Apply(commit);
    if (done.status().code() == absl::StatusCode::kAborted &&
        done.status().message() == kConflict) {
      continue;  // someone else wrote first: re-read and recompute
    }
    RETURN_IF_ERROR(done.status());
    if (metrics_ != nullptr && !done->replayed) {
      metrics_->Transition(done->event.type());
    }
    return done;
  }
  return absl::AbortedError(absl::StrCat("case ", req.case_id,
                                         " kept changing while ", rule.rpc,
                                         " was applied; retry"));
}

absl::StatusOr<int> Transitions::ScanShard(int shard) {
  absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(std::vector<Alarm> alarms,
                   store_->DueAlarms(shard, now, 200));
  static const v1::Actor* scanner =
      new v1::Actor(SystemActor("system:dispatch-scanner"));
  int emitted = 0;
  for (const Alarm& alarm : alarms) {
    absl::StatusOr<CaseRecord> rec = store_->Get(alarm.case_id);
    if (rec.status().code() == absl::StatusCode::kNotFound) {
      RETURN_IF_ERROR(store_->DropAlarm(alarm));
      continue;
    }
    RETURN_IF_ERROR(rec.status());
    AlarmTimes want = AlarmsOf(rec->c, rec->alerts);
    int64_t at = alarm.overdue ? want.due_ms : want.warn_ms;
    if (at < 0) {
      RETURN_IF_ERROR(store_->DropAlarm(alarm));
      continue;
    }
    if (at > absl::ToUnixMillis(now)) {
      RETURN_IF_ERROR(store_->MoveAlarm(alarm, at));
      continue;
    }
    const v1::StageDeadline* d = cases::CurrentDeadline(rec->c);
    ASSIGN_OR_RETURN(Change change, Alert(rec->c, alarm.overdue, *scanner, now,
                                          absl::FixedTimeZone(8 * 3600)));
    Commit commit;
    commit.alert = store::AlertMarker(*d, alarm.overdue);
    commit.before = std::move(change.before);
    commit.after = std::move(change.after);
    commit.event = std::move(change.event);
    commit.before_alerts = rec->alerts;
    commit.now = now;
    absl::StatusOr<Committed> done = store_->Apply(commit);
    if (done.status().code() == absl::StatusCode::kAborted) continue;
    RETURN_IF_ERROR(done.status());
    if (metrics_ != nullptr) metrics_->Transition(done->event.type());
    ++emitted;
  }
  return emitted;
}

}  // namespace gridcase::dispatch
