#include "common/calendar/calendar.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/status/status_macros.h"

namespace gridcase::calendar {
namespace {

// Asia/Shanghai from the system's tzdata (cctz caches it after the first
// load).
absl::TimeZone LoadShanghai() {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(kDefaultTimeZone, &tz)) {
    // No tzdata (e.g. a slim container image). China has kept UTC+8 without
    // daylight saving since 1991, so a fixed +08:00 zone gives the same
    // answer for every date this service handles.
    tz = absl::FixedTimeZone(8 * 3600);
  }
  return tz;
}

absl::string_view UnitName(Unit unit) {
  switch (unit) {
    case Unit::kWorkingMinutes:
      return "working minutes";
    case Unit::kWorkingHours:
      return "working hours";
    case Unit::kWorkingDays:
      return "working days";
    case Unit::kCalendarSeconds:
      return "calendar seconds";
    case Unit::kCalendarMinutes:
      return "calendar minutes";
    case Unit::kCalendarHours:
      return "calendar hours";
  }
  return "unknown unit";
}

bool IsKnownUnit(Unit unit) {
  switch (unit) {
    case Unit::kWorkingMinutes:
    case Unit::kWorkingHours:
    case Unit::kWorkingDays:
    case Unit::kCalendarSeconds:
    case Unit::kCalendarMinutes:
    case Unit::kCalendarHours:
      return true;
  }
  return false;
}

// The pauses that matter after `from`: non-empty, sorted by start, merged
// where they overlap or touch.
std::vector<Interval> NormalizePauses(absl::Span<const Interval> paused,
                                      absl::Time from) {
  std::vector<Interval> sorted;
  sorted.reserve(paused.size());
  for (const Interval& p : paused) {
    if (p.start < p.end && p.end > from) sorted.push_back(p);
  }
  std::sort(
      sorted.begin(), sorted.end(),
      [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> merged;
  for (const Interval& p : sorted) {
    if (!merged.empty() && p.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, p.end);
    } else {
      merged.push_back(p);
    }
  }
  return merged;
}

// A walk forward over counted time, spending a budget. Elapsed walks with an
// infinite budget up to `now`; Deadline walks with the limit as budget and
// no end.
class Walk final {
 public:
  Walk(absl::Duration budget, std::vector<Interval> pauses)
      : budget_(budget), pauses_(std::move(pauses)) {}

  // Counted time so far.
  absl::Duration counted() const { return counted_; }
  // True once the budget is spent; `reached_at()` is then the instant.
  bool done() const { return done_; }
  absl::Time reached_at() const { return reached_at_; }

  // Drops the pauses that end at or before `t` (the walk only goes forward).
  void SkipPausesEndedBy(absl::Time t) {
    while (next_ < pauses_.size() && pauses_[next_].end <= t) ++next_;
  }
  // The end of the pause containing `t`, or `t` if none does. Call after
  // SkipPausesEndedBy(t).
  absl::Time ResumeTime(absl::Time t) const {
    if (next_ < pauses_.size() && pauses_[next_].start <= t) {
      return pauses_[next_].end;
    }
    return t;
  }
  // True if no pause overlaps [t, end). Call after SkipPausesEndedBy(t).
  bool NoPauseBefore(absl::Time end) const {
    return next_ == pauses_.size() || pauses_[next_].start >= end;
  }
  // Counts a span known to hold no pause; false (and nothing counted) if it
  // would reach the budget.
  bool CountWhole(absl::Duration d) {
    if (d >= budget_) return false;
    budget_ -= d;
    counted_ += d;
    return true;
  }

  // Counts the unpaused time in [a, b), in order, until the budget is spent.
  // Call after SkipPausesEndedBy(a).
  void Count(absl::Time a, absl::Time b) {
    for (size_t i = next_; i < pauses_.size() && pauses_[i].start < b; ++i) {
      if (pauses_[i].start > a) {
        CountPiece(a, pauses_[i].start);
        if (done_) return;
      }
      a = std::max(a, pauses_[i].end);
      if (a >= b) return;
    }
    CountPiece(a, b);
  }

 private:
  void CountPiece(absl::Time a, absl::Time b) {
    const absl::Duration d = b - a;
    if (d >= budget_) {
      reached_at_ = a + budget_;
      counted_ += budget_;
      budget_ = absl::ZeroDuration();
      done_ = true;
      return;
    }
    budget_ -= d;
    counted_ += d;
  }

  absl::Duration budget_;
  const std::vector<Interval> pauses_;
  size_t next_ = 0;  // first pause that may still matter
  absl::Duration counted_;
  bool done_ = false;
  absl::Time reached_at_ = absl::InfiniteFuture();
};

// Walks wall-clock time from `from` to `until` (which may be infinite).
void WalkWallTime(absl::Time from, absl::Time until, Walk& walk) {
  walk.SkipPausesEndedBy(from);
  walk.Count(from, until);
}

// Walks working time from `from` to `until`, a civil day at a time: a whole
// working day with no pause in it is counted in one step. With `until`
// infinite, fails after kMaxDaysWithoutWork days in a row without a working
// day.
absl::Status WalkWorkingTime(absl::Time from, absl::Time until,
                             const WorkingCalendar& cal, Walk& walk) {
  const absl::TimeZone tz = cal.time_zone();
  const absl::Duration whole_day = absl::Minutes(cal.WorkingMinutesPerDay());
  // Invariant: `cursor` lies within `day` (local time).
  absl::Time cursor = from;
  absl::CivilDay day(tz.At(cursor).cs);
  int days_without_work = 0;
  while (cursor < until && !walk.done()) {
    walk.SkipPausesEndedBy(cursor);
    if (const absl::Time resume = walk.ResumeTime(cursor); resume > cursor) {
      // Paused now: jump to the end of the pause, however far.
      cursor = resume;
      if (cursor >= until) break;
      day = absl::CivilDay(tz.At(cursor).cs);
      continue;
    }
    const absl::Time day_end = absl::FromCivil(day + 1, tz);
    if (!cal.IsWorkingDay(day)) {
      if (++days_without_work > kMaxDaysWithoutWork &&
          until == absl::InfiniteFuture()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "calendar: no working day in the ", kMaxDaysWithoutWork,
            " days after ", absl::FormatCivilTime(day - days_without_work + 1),
            "; check the holiday table"));
      }
      ++day;
      cursor = day_end;
      continue;
    }
    days_without_work = 0;
    if (cursor == absl::FromCivil(day, tz) && day_end <= until &&
        walk.NoPauseBefore(day_end) && walk.CountWhole(whole_day)) {
      ++day;
      cursor = day_end;
      continue;
    }
    const absl::CivilMinute midnight(day);
    for (const WorkingPeriod& p : cal.periods()) {
      const absl::Time a =
          std::max(cursor, absl::FromCivil(midnight + p.start_minute, tz));
      const absl::Time b =
          std::min(until, absl::FromCivil(midnight + p.end_minute, tz));
      if (a >= b) continue;
      walk.SkipPausesEndedBy(a);
      walk.Count(a, b);
      if (walk.done()) return absl::OkStatus();
    }
    ++day;
    cursor = day_end;
  }
  return absl::OkStatus();
}

}  // namespace

WorkingCalendar::WorkingCalendar(
    std::vector<WorkingPeriod> periods,
    absl::flat_hash_set<absl::CivilDay> holidays,
    absl::flat_hash_set<absl::CivilDay> makeup_workdays,
    std::string time_zone_name, absl::TimeZone time_zone)
    : periods_(std::move(periods)),
      holidays_(std::move(holidays)),
      makeup_workdays_(std::move(makeup_workdays)),
      time_zone_name_(std::move(time_zone_name)),
      time_zone_(time_zone) {
  for (const WorkingPeriod& p : periods_) {
    minutes_per_day_ += p.end_minute - p.start_minute;
  }
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::Create(
    std::vector<WorkingPeriod> periods, std::vector<absl::CivilDay> holidays,
    std::vector<absl::CivilDay> makeup_workdays, std::string time_zone) {
  if (periods.empty()) {
    return absl::InvalidArgumentError("periods: must not be empty");
  }
  for (size_t i = 0; i < periods.size(); ++i) {
    const WorkingPeriod& p = periods[i];
    if (p.start_minute < 0 || p.start_minute >= kMinutesPerDay) {
      return absl::InvalidArgumentError(
          absl::StrCat("periods[", i, "].start_minute: must be in 0..",
                       kMinutesPerDay - 1, " (got ", p.start_minute, ")"));
    }
    if (p.end_minute <= p.start_minute || p.end_minute > kMinutesPerDay) {
      return absl::InvalidArgumentError(absl::StrCat(
          "periods[", i, "].end_minute: must be greater than start_minute (",
          p.start_minute, ") and at most ", kMinutesPerDay, " (got ",
          p.end_minute, ")"));
    }
    if (i == 0) continue;
    const WorkingPeriod& prev = periods[i - 1];
    if (p.start_minute < prev.start_minute) {
      return absl::InvalidArgumentError(
          absl::StrCat("periods[", i, "]: starts before periods[", i - 1,
                       "]; periods must be sorted"));
    }
    if (p.start_minute < prev.end_minute) {
      return absl::InvalidArgumentError(
          absl::StrCat("periods[", i, "]: overlaps periods[", i - 1, "]"));
    }
  }
  if (time_zone != kDefaultTimeZone) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_zone: \"", time_zone, "\" is not supported; only \"",
                     kDefaultTimeZone, "\" is in v1"));
  }
  absl::flat_hash_set<absl::CivilDay> holiday_set(holidays.begin(),
                                                  holidays.end());
  for (const absl::CivilDay& day : makeup_workdays) {
    if (holiday_set.contains(day)) {
      return absl::InvalidArgumentError(
          absl::StrCat("makeup_workdays: ", absl::FormatCivilTime(day),
                       " is also a holiday"));
    }
  }
  absl::flat_hash_set<absl::CivilDay> makeup_set(makeup_workdays.begin(),
                                                 makeup_workdays.end());
  return WorkingCalendar(std::move(periods), std::move(holiday_set),
                         std::move(makeup_set), std::move(time_zone),
                         LoadShanghai());
}

std::vector<WorkingPeriod> WorkingCalendar::DefaultPeriods() {
  return {{8 * 60, 12 * 60}, {14 * 60, 18 * 60}};
}

WorkingCalendar WorkingCalendar::Default() {
  return WorkingCalendar(DefaultPeriods(), {}, {}, kDefaultTimeZone,
                         LoadShanghai());
}

bool WorkingCalendar::IsHoliday(absl::CivilDay day) const {
  return holidays_.contains(day);
}

bool WorkingCalendar::IsMakeupWorkday(absl::CivilDay day) const {
  return makeup_workdays_.contains(day);
}

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  if (IsMakeupWorkday(day)) return true;
  if (IsHoliday(day)) return false;
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
}

bool IsWorkingUnit(Unit unit) {
  return unit == Unit::kWorkingMinutes || unit == Unit::kWorkingHours ||
         unit == Unit::kWorkingDays;
}

absl::Duration LimitDuration(Limit limit, const WorkingCalendar& cal) {
  switch (limit.unit) {
    case Unit::kWorkingMinutes:
    case Unit::kCalendarMinutes:
      return absl::Minutes(limit.amount);
    case Unit::kWorkingHours:
    case Unit::kCalendarHours:
      return absl::Hours(limit.amount);
    case Unit::kWorkingDays:
      return absl::Minutes(cal.WorkingMinutesPerDay()) * limit.amount;
    case Unit::kCalendarSeconds:
      return absl::Seconds(limit.amount);
  }
  return absl::ZeroDuration();
}

absl::Status ValidateLimit(Limit limit, const WorkingCalendar& cal) {
  if (!IsKnownUnit(limit.unit)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit.unit: unknown value ", static_cast<int>(limit.unit)));
  }
  if (limit.amount <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit.amount: must be > 0 (got ", limit.amount, ")"));
  }
  absl::Duration rest;
  const int64_t max_amount =
      absl::IDivDuration(kMaxLimit, LimitDuration({1, limit.unit}, cal), &rest);
  if (limit.amount > max_amount) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit.amount: must be at most ", max_amount, " ", UnitName(limit.unit),
        " (366 days of counted time), got ", limit.amount));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> Deadline(absl::Time start, Limit limit,
                                    const WorkingCalendar& cal,
                                    absl::Span<const Interval> paused) {
  RETURN_IF_ERROR(ValidateLimit(limit, cal));
  if (start == absl::InfinitePast() || start == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("start: must be a finite time");
  }
  Walk walk(LimitDuration(limit, cal), NormalizePauses(paused, start));
  if (IsWorkingUnit(limit.unit)) {
    RETURN_IF_ERROR(WalkWorkingTime(start, absl::InfiniteFuture(), cal, walk));
  } else {
    WalkWallTime(start, absl::InfiniteFuture(), walk);
  }
  // Not done: an open-ended pause began before the limit was reached.
  return walk.done() ? walk.reached_at() : absl::InfiniteFuture();
}

absl::Duration Elapsed(absl::Time start, absl::Time now, Unit unit,
                       const WorkingCalendar& cal,
                       absl::Span<const Interval> paused) {
  if (now <= start) return absl::ZeroDuration();
  if (start == absl::InfinitePast() || now == absl::InfiniteFuture()) {
    return absl::InfiniteDuration();
  }
  Walk walk(absl::InfiniteDuration(), NormalizePauses(paused, start));
  if (IsWorkingUnit(unit)) {
    // `now` is finite, so the walk cannot fail.
    WalkWorkingTime(start, now, cal, walk).IgnoreError();
  } else {
    WalkWallTime(start, now, walk);
  }
  return walk.counted();
}

double ShareUsed(absl::Time start, absl::Time now, Limit limit,
                 const WorkingCalendar& cal,
                 absl::Span<const Interval> paused) {
  const absl::Duration full = LimitDuration(limit, cal);
  if (full <= absl::ZeroDuration()) return 0;
  return absl::FDivDuration(Elapsed(start, now, limit.unit, cal, paused), full);
}

}  // namespace gridcase::calendar
