// Deadline arithmetic on the working calendar (处置时限): given a start time,
// a limit with its unit, the working calendar and the intervals during which
// the clock was stopped (suspensions), computes the deadline and the counted
// time elapsed so far. Pure: no I/O, no clock reads; callers pass `now`.
//
//   WorkingCalendar cal = WorkingCalendar::Default();  // 08-12, 14-18
//   ASSIGN_OR_RETURN(absl::Time due,
//                    Deadline(reported, {5, Unit::kWorkingHours}, cal));
//   double used = ShareUsed(reported, clock.Now(), limit, cal, pauses);
//
// The rules (also in common/calendar/README.md):
// - Working time is time inside a working period of a working day. A day is
//   a working day if it is Monday–Friday and not a holiday, or if it is a
//   make-up working day (调休). Periods and dates are local to the
//   calendar's time zone (Asia/Shanghai).
// - N working hours = 60·N working minutes. N working days = N ×
//   WorkingMinutesPerDay() working minutes, counted like minutes: with the
//   default 480-minute day, 1 working day from Friday 15:00 is due Monday
//   15:00 when Monday is a working day (the same time of day on the N-th
//   working day after the start, when the start lies inside working time).
// - Calendar units count wall-clock time around the clock.
// - Paused intervals never count, in either kind of unit.
// - The deadline is the earliest instant at which the counted time reaches
//   the limit, so a deadline that lands on the end of a working period is
//   that end (12:00, not 14:00).
#ifndef GRIDCASE_COMMON_CALENDAR_CALENDAR_H_
#define GRIDCASE_COMMON_CALENDAR_CALENDAR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace gridcase::calendar {

// The only time zone supported in v1.
inline constexpr char kDefaultTimeZone[] = "Asia/Shanghai";

// Minutes in a civil day; a period may end at kMinutesPerDay (midnight).
inline constexpr int kMinutesPerDay = 24 * 60;

// A daily working period in local time: [start_minute, end_minute) minutes
// after local midnight, e.g. {480, 720} = 08:00–12:00.
struct WorkingPeriod {
  int start_minute = 0;
  int end_minute = 0;

  friend bool operator==(const WorkingPeriod& a, const WorkingPeriod& b) {
    return a.start_minute == b.start_minute && a.end_minute == b.end_minute;
  }
};

// Daily working periods, holidays and make-up working days in one time zone.
// Immutable once built; cheap to share by const reference, copyable.
class WorkingCalendar final {
 public:
  // Validates and builds a calendar. InvalidArgument, naming the field, if
  // `periods` is empty, a period is outside 0 <= start < end <= 1440, the
  // periods are not sorted or overlap ("periods[1]: overlaps periods[0]"), a
  // date is both a holiday and a make-up day ("makeup_workdays: 2026-02-14
  // is also a holiday"), or `time_zone` is not "Asia/Shanghai". Holidays on
  // weekends and duplicate dates are allowed (official tables list them).
  static absl::StatusOr<WorkingCalendar> Create(
      std::vector<WorkingPeriod> periods, std::vector<absl::CivilDay> holidays,
      std::vector<absl::CivilDay> makeup_workdays,
      std::string time_zone = kDefaultTimeZone);

  // 08:00–12:00 and 14:00–18:00 in Asia/Shanghai, no holidays.
  static WorkingCalendar Default();

  // The default periods: {480, 720}, {840, 1080}.
  static std::vector<WorkingPeriod> DefaultPeriods();

  // Monday–Friday and not a holiday, or a make-up working day.
  bool IsWorkingDay(absl::CivilDay day) const;
  bool IsHoliday(absl::CivilDay day) const;
  bool IsMakeupWorkday(absl::CivilDay day) const;

  // Sum of the periods' lengths (480 for the default calendar).
  int64_t WorkingMinutesPerDay() const { return minutes_per_day_; }

  const std::vector<WorkingPeriod>& periods() const { return periods_; }
  const std::string& time_zone_name() const { return time_zone_name_; }
  absl::TimeZone time_zone() const { return time_zone_; }

 private:
  WorkingCalendar(std::vector<WorkingPeriod> periods,
                  absl::flat_hash_set<absl::CivilDay> holidays,
                  absl::flat_hash_set<absl::CivilDay> makeup_workdays,
                  std::string time_zone_name, absl::TimeZone time_zone);

  std::vector<WorkingPeriod> periods_;
  absl::flat_hash_set<absl::CivilDay> holidays_;
  absl::flat_hash_set<absl::CivilDay> makeup_workdays_;
  std::string time_zone_name_;
  absl::TimeZone time_zone_;
  int64_t minutes_per_day_ = 0;
};

// Unit of a limit. Working units count working time only; calendar units
// count wall-clock time.
enum class Unit {
  kWorkingMinutes,
  kWorkingHours,
  kWorkingDays,  // N × WorkingMinutesPerDay() working minutes
  kCalendarSeconds,
  kCalendarMinutes,
  kCalendarHours,
};

// True for kWorkingMinutes, kWorkingHours and kWorkingDays.
bool IsWorkingUnit(Unit unit);

// An amount of time with an explicit unit, e.g. {5, Unit::kWorkingHours}.
struct Limit {
  int64_t amount = 0;
  Unit unit = Unit::kWorkingMinutes;
};

// A half-open interval [start, end) of absolute time. As a pause it may
// overlap other pauses, come in any order, and be open-ended
// (end = absl::InfiniteFuture()) while a case is still suspended. Empty or
// inverted intervals (end <= start) are ignored.
struct Interval {
  absl::Time start;
  absl::Time end;
};

// The largest limit accepted, in counted time: 366 days (for working units,
// 8784 hours of working time, 1098 default working days). It keeps the
// arithmetic far from overflow and the walk over days short.
inline constexpr absl::Duration kMaxLimit = absl::Hours(366 * 24);

// Consecutive days without a working day after which Deadline gives up
// (more than 3 years of holidays: the calendar is wrong).
inline constexpr int kMaxDaysWithoutWork = 3 * 366;

// The counted time a limit stands for: amount × (1 min, 60 min,
// WorkingMinutesPerDay() min, 1 s, 1 min, 1 h). Saturates on overflow.
absl::Duration LimitDuration(Limit limit, const WorkingCalendar& cal);

// OK if 0 < amount and LimitDuration(limit, cal) <= kMaxLimit; otherwise
// InvalidArgument "limit.amount: must be > 0" (or "must be at most …").
absl::Status ValidateLimit(Limit limit, const WorkingCalendar& cal);

// The earliest instant at which the counted time since `start` equals the
// limit: working time outside `paused` for working units, wall time outside
// `paused` for calendar units. Returns absl::InfiniteFuture() when an
// open-ended pause begins before the limit is reached (a suspended case has
// no deadline). InvalidArgument for an invalid limit (see ValidateLimit) or
// an infinite `start`; FailedPrecondition if the calendar has no working day
// for more than 3 years (kMaxDaysWithoutWork) in a row after `start`.
// Cost: one step per civil day up to the deadline (a whole unpaused working
// day is counted at once), plus one per pause.
absl::StatusOr<absl::Time> Deadline(absl::Time start, Limit limit,
                                    const WorkingCalendar& cal,
                                    absl::Span<const Interval> paused = {});

// The counted time in [start, now): working time (for working units) or wall
// time (for calendar units), minus `paused`. Zero if now <= start; infinite
// if either end is infinite. Only the kind of `unit` matters.
absl::Duration Elapsed(absl::Time start, absl::Time now, Unit unit,
                       const WorkingCalendar& cal,
                       absl::Span<const Interval> paused = {});

// Elapsed(start, now, limit.unit, …) / LimitDuration(limit, cal): the share
// of the limit used, for the traffic light (0.8 = yellow by default; > 1
// once overdue). 0 for a limit with amount <= 0.
double ShareUsed(absl::Time start, absl::Time now, Limit limit,
                 const WorkingCalendar& cal,
                 absl::Span<const Interval> paused = {});

}  // namespace gridcase::calendar

#endif  // GRIDCASE_COMMON_CALENDAR_CALENDAR_H_
