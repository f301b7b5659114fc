#include "common/cases/deadlines.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/calendar/calendar_proto.h"
#include "common/cases/stage_clock.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "google/protobuf/util/time_util.h"

namespace gridcase::cases {
namespace {

using google::protobuf::util::TimeUtil;

// `amount` of counted time as a limit of the same kind as `unit`: working
// minutes (floored) or calendar seconds.
calendar::Limit CountedLimit(absl::Duration amount, calendar::Unit unit) {
  if (calendar::IsWorkingUnit(unit)) {
    return {amount / absl::Minutes(1), calendar::Unit::kWorkingMinutes};
  }
  return {amount / absl::Seconds(1), calendar::Unit::kCalendarSeconds};
}

// `t` moved forward by `amount` of counted time.
absl::StatusOr<absl::Time> Shift(absl::Time t, absl::Duration amount,
                                 calendar::Unit unit,
                                 const calendar::WorkingCalendar& cal) {
  if (!calendar::IsWorkingUnit(unit)) return t + amount;  // wall time, exact
  calendar::Limit limit = CountedLimit(amount, unit);
  if (limit.amount <= 0) return t;
  return calendar::Deadline(t, limit, cal);
}

std::vector<calendar::Interval> Pauses(const v1::StageDeadline& d,
                                       absl::Time now) {
  std::vector<calendar::Interval> out;
  for (const v1::TimeRange& r : d.pauses()) {
    out.push_back(
        {FromTimestamp(r.start()), r.has_end() ? FromTimestamp(r.end()) : now});
  }
  return out;
}

void AddPaused(v1::StageDeadline* d, absl::Duration wall) {
  *d->mutable_paused() = TimeUtil::NanosecondsToDuration(
      TimeUtil::DurationToNanoseconds(d->paused()) +
      absl::ToInt64Nanoseconds(wall));
}

v1::StageDeadline* Running(v1::Case* c, v1::Stage stage) {
  for (int i = c->deadlines_size() - 1; i >= 0; --i) {
    v1::StageDeadline* d = c->mutable_deadlines(i);
    if (d->stage() == stage) return d->has_completed_at() ? nullptr : d;
  }
  return nullptr;
}

}  // namespace

absl::Status StartStage(v1::Case* c, v1::Stage stage,
                        const v1::TimeLimit& limit, absl::Time now,
                        const calendar::WorkingCalendar& cal,
                        double warn_share) {
  ASSIGN_OR_RETURN(calendar::Limit l, calendar::FromProto(limit, "limit"));
  ASSIGN_OR_RETURN(absl::Time due, calendar::Deadline(now, l, cal));
  absl::Duration total = calendar::LimitDuration(l, cal);
  calendar::Limit warn = CountedLimit(total * warn_share, l.unit);
  warn.amount = std::max<int64_t>(warn.amount, 1);
  ASSIGN_OR_RETURN(absl::Time warn_at, calendar::Deadline(now, warn, cal));
  int attempt = 1;
  for (const v1::StageDeadline& d : c->deadlines()) {
    if (d.stage() == stage) ++attempt;
  }
  v1::StageDeadline* d = c->add_deadlines();
  d->set_stage(stage);
  d->set_attempt(attempt);
  *d->mutable_limit() = limit;
  *d->mutable_started_at() = ToTimestamp(now);
  *d->mutable_original_deadline() = ToTimestamp(due);
  *d->mutable_effective_deadline() = ToTimestamp(due);
  *d->mutable_warn_at() = ToTimestamp(std::min(warn_at, due));
  d->set_light(cases::LightAt(*d, now));
  return absl::OkStatus();
}

absl::Duration CompleteStage(v1::Case* c, v1::Stage stage, absl::Time now,
                             const calendar::WorkingCalendar& cal) {
  v1::StageDeadline* d = Running(c, stage);
  if (d == nullptr) return absl::ZeroDuration();
  if (d->pauses_size() > 0 && !d->pauses().rbegin()->has_end()) {
    v1::TimeRange* pause = d->mutable_pauses()->Mutable(d->pauses_size() - 1);
    *pause->mutable_end() = ToTimestamp(now);
    AddPaused(d, now - FromTimestamp(pause->start()));
  }
  absl::StatusOr<calendar::Limit> l = calendar::FromProto(d->limit(), "limit");
  calendar::Unit unit = l.ok() ? l->unit : calendar::Unit::kWorkingMinutes;
  absl::Duration worked = calendar::Elapsed(FromTimestamp(d->started_at()), now,
                                            unit, cal, Pauses(*d, now));
  // Frozen: RED if completed after the effective deadline, else the light
  // it showed (GREEN or YELLOW).
  bool late = now > FromTimestamp(d->effective_deadline());
  bool warned = d->has_warn_at() && now >= FromTimestamp(d->warn_at());
  d->set_light(late     ? v1::TRAFFIC_LIGHT_RED
               : warned ? v1::TRAFFIC_LIGHT_YELLOW
                        : v1::TRAFFIC_LIGHT_GREEN);
  *d->mutable_completed_at() = ToTimestamp(now);
  return worked;
}

void PauseStage(v1::Case* c, absl::Time now) {
  v1::StageDeadline* d = cases::MutableCurrentDeadline(c);
  if (d == nullptr) return;
  d->set_light(cases::LightAt(*d, now));
  *d->add_pauses()->mutable_start() = ToTimestamp(now);
}

absl::StatusOr<absl::Duration> ResumeStage(
    v1::Case* c, absl::Time now, const calendar::WorkingCalendar& cal) {
  v1::StageDeadline* d = cases::MutableCurrentDeadline(c);
  if (d == nullptr || d->pauses_size() == 0 ||
      d->pauses().rbegin()->has_end()) {
    return absl::ZeroDuration();
  }
  v1::TimeRange* pause = d->mutable_pauses()->Mutable(d->pauses_size() - 1);
  absl::Time start = FromTimestamp(pause->start());
  *pause->mutable_end() = ToTimestamp(now);
  absl::Duration wall = now - start;
  AddPaused(d, wall);
  ASSIGN_OR_RETURN(calendar::Limit l, calendar::FromProto(d->limit(), "limit"));
  absl::Duration counted = calendar::Elapsed(start, now, l.unit, cal);
  ASSIGN_OR_RETURN(absl::Time due, Shift(FromTimestamp(d->effective_deadline()),
                                         counted, l.unit, cal));
  ASSIGN_OR_RETURN(absl::Time warn,
                   Shift(FromTimestamp(d->warn_at()), counted, l.unit, cal));
  *d->mutable_effective_deadline() = ToTimestamp(due);
  *d->mutable_warn_at() = ToTimestamp(std::min(warn, due));
  d->set_light(cases::LightAt(*d, now));
  return wall;
}

absl::Status MoveDeadline(v1::StageDeadline* d, absl::Time due,
                          const calendar::WorkingCalendar& cal) {
  ASSIGN_OR_RETURN(calendar::Limit l, calendar::FromProto(d->limit(), "limit"));
  absl::Time old = FromTimestamp(d->effective_deadline());
  absl::Duration counted = calendar::Elapsed(old, due, l.unit, cal);
  ASSIGN_OR_RETURN(absl::Time warn,
                   Shift(FromTimestamp(d->warn_at()), counted, l.unit, cal));
  *d->mutable_effective_deadline() = ToTimestamp(due);
  *d->mutable_warn_at() = ToTimestamp(std::min(warn, due));
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> Extend(const v1::StageDeadline& d,
                                  const v1::TimeLimit& extra,
                                  const calendar::WorkingCalendar& cal) {
  ASSIGN_OR_RETURN(calendar::Limit l, calendar::FromProto(extra, "extra"));
  RETURN_IF_ERROR(calendar::ValidateLimit(l, cal));
  return calendar::Deadline(FromTimestamp(d.effective_deadline()), l, cal);
}

}  // namespace gridcase::cases
