// Stage clocks of one case on the working calendar: starting an attempt,
// completing it, pausing it while the case is SUSPENDED, moving it by the
// suspended working time on resume, and extending it. Pure functions over the
// Case message; the caller supplies `now` and the calendar.
#ifndef GRIDCASE_COMMON_CASES_DEADLINES_H_
#define GRIDCASE_COMMON_CASES_DEADLINES_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/calendar/calendar.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::cases {

// Appends attempt n+1 of `stage`, started at `now`: original and effective
// deadline = now + limit on the calendar; warn_at = the instant `warn_share`
// of the limit is used. INVALID_ARGUMENT for a bad limit.
absl::Status StartStage(v1::Case* c, v1::Stage stage,
                        const v1::TimeLimit& limit, absl::Time now,
                        const calendar::WorkingCalendar& cal,
                        double warn_share);

// Completes the running attempt of `stage` at `now` (light frozen) and
// returns its counted working time, suspensions excluded; zero if no attempt
// of `stage` is running.
absl::Duration CompleteStage(v1::Case* c, v1::Stage stage, absl::Time now,
                             const calendar::WorkingCalendar& cal);

// Opens a pause on the running attempt (call before the state becomes
// SUSPENDED); the light freezes at its value at `now`.
void PauseStage(v1::Case* c, absl::Time now);

// Closes the open pause of the running attempt (call while the case is still
// SUSPENDED) and moves effective_deadline and warn_at by the counted time
// that elapsed while suspended: working minutes for working limits, wall time
// for calendar limits. Returns the wall-clock pause.
absl::StatusOr<absl::Duration> ResumeStage(
    v1::Case* c, absl::Time now, const calendar::WorkingCalendar& cal);

// Moves the effective deadline of `d` to `due` (an approved extension) and
// warn_at by the same counted time, so the warning keeps its distance before
// the deadline.
absl::Status MoveDeadline(v1::StageDeadline* d, absl::Time due,
                          const calendar::WorkingCalendar& cal);

// The effective deadline of `d` moved by `extra` on the calendar.
absl::StatusOr<absl::Time> Extend(const v1::StageDeadline& d,
                                  const v1::TimeLimit& extra,
                                  const calendar::WorkingCalendar& cal);

}  // namespace gridcase::cases

#endif  // GRIDCASE_COMMON_CASES_DEADLINES_H_
