// Which stage of a case is running and what its traffic light shows now.
// Shared by every reader of cases (intake's GetCase, dispatch's queues and
// scanner), so they all show the same light for the same instant.
#ifndef GRIDCASE_COMMON_CASES_STAGE_CLOCK_H_
#define GRIDCASE_COMMON_CASES_STAGE_CLOCK_H_

#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::cases {

// The stage whose clock runs in `state`: REPORTED → REGISTER, REGISTERED →
// DISPATCH, DISPATCHED and IN_PROGRESS → HANDLE, HANDLED → VERIFY,
// CHECKING → CHECK; for
// SUSPENDED the stage of `suspended_from` (its clock is stopped);
// UNSPECIFIED for CLOSED, VOIDED and MERGED.
v1::Stage RunningStage(v1::CaseState state, v1::CaseState suspended_from);
v1::Stage RunningStage(const v1::Case& c);

// True for the states in which the case is open (Open311 "open"): REPORTED
// through HANDLED, SUSPENDED and CHECKING.
bool IsOpen(v1::CaseState state);

// The current (last, uncompleted) attempt of the running stage, or null.
const v1::StageDeadline* CurrentDeadline(const v1::Case& c);
v1::StageDeadline* MutableCurrentDeadline(v1::Case* c);

// The light of a deadline record at `now`: frozen once completed or while
// paused (open-ended last pause); else RED at or after effective_deadline,
// YELLOW at or after warn_at, GREEN before.
v1::TrafficLight LightAt(const v1::StageDeadline& d, absl::Time now);

// Sets every running record's light and the case's light for `now`.
void RefreshLights(v1::Case* c, absl::Time now);

}  // namespace gridcase::cases

#endif  // GRIDCASE_COMMON_CASES_STAGE_CLOCK_H_
