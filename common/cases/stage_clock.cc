#include "common/cases/stage_clock.h"

#include "common/clock/timestamp.h"

namespace gridcase::cases {

v1::Stage RunningStage(v1::CaseState state, v1::CaseState suspended_from) {
  switch (state) {
    case v1::CASE_STATE_REPORTED:
      return v1::STAGE_REGISTER;
    case v1::CASE_STATE_REGISTERED:
      return v1::STAGE_DISPATCH;
    case v1::CASE_STATE_DISPATCHED:
    case v1::CASE_STATE_IN_PROGRESS:
      return v1::STAGE_HANDLE;
    case v1::CASE_STATE_HANDLED:
      return v1::STAGE_VERIFY;
    case v1::CASE_STATE_CHECKING:
      return v1::STAGE_CHECK;
    case v1::CASE_STATE_SUSPENDED:
      return suspended_from == v1::CASE_STATE_SUSPENDED
                 ? v1::STAGE_UNSPECIFIED
                 : RunningStage(suspended_from, v1::CASE_STATE_UNSPECIFIED);
    default:
      return v1::STAGE_UNSPECIFIED;
  }
}

v1::Stage RunningStage(const v1::Case& c) {
  return RunningStage(c.state(), c.suspended_from());
}

bool IsOpen(v1::CaseState state) {
  switch (state) {
    case v1::CASE_STATE_REPORTED:
    case v1::CASE_STATE_REGISTERED:
    case v1::CASE_STATE_DISPATCHED:
    case v1::CASE_STATE_IN_PROGRESS:
    case v1::CASE_STATE_HANDLED:
    case v1::CASE_STATE_SUSPENDED:
    case v1::CASE_STATE_CHECKING:
      return true;
    default:
      return false;
  }
}

namespace {

// Index of the current attempt of the running stage, or -1.
int CurrentIndex(const v1::Case& c) {
  v1::Stage stage = RunningStage(c);
  if (stage == v1::STAGE_UNSPECIFIED) return -1;
  for (int i = c.deadlines_size() - 1; i >= 0; --i) {
    const v1::StageDeadline& d = c.deadlines(i);
    if (d.stage() == stage) return d.has_completed_at() ? -1 : i;
  }
  return -1;
}

}  // namespace

const v1::StageDeadline* CurrentDeadline(const v1::Case& c) {
  int i = CurrentIndex(c);
  return i < 0 ? nullptr : &c.deadlines(i);
}

v1::StageDeadline* MutableCurrentDeadline(v1::Case* c) {
  int i = CurrentIndex(*c);
  return i < 0 ? nullptr : c->mutable_deadlines(i);
}

v1::TrafficLight LightAt(const v1::StageDeadline& d, absl::Time now) {
  bool paused = d.pauses_size() > 0 && !d.pauses().rbegin()->has_end();
  if (d.has_completed_at() || paused) return d.light();
  if (now >= FromTimestamp(d.effective_deadline())) {
    return v1::TRAFFIC_LIGHT_RED;
  }
  if (d.has_warn_at() && now >= FromTimestamp(d.warn_at())) {
    return v1::TRAFFIC_LIGHT_YELLOW;
  }
  return v1::TRAFFIC_LIGHT_GREEN;
}

void RefreshLights(v1::Case* c, absl::Time now) {
  for (v1::StageDeadline& d : *c->mutable_deadlines()) {
    d.set_light(LightAt(d, now));
  }
  const v1::StageDeadline* current = CurrentDeadline(*c);
  c->set_light(current == nullptr ? v1::TRAFFIC_LIGHT_UNSPECIFIED
                                  : current->light());
}

}  // namespace gridcase::cases
