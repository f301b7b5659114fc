#include "common/calendar/calendar.h"

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::calendar {
namespace {

using ::absl::CivilDay;
using ::absl::CivilSecond;
using ::absl::Weekday;
using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &tz));
  return tz;
}

// A local time in Asia/Shanghai.
absl::Time At(CivilSecond local) { return absl::FromCivil(local, Shanghai()); }

CivilSecond Local(absl::Time t) { return absl::ToCivilSecond(t, Shanghai()); }

std::vector<CivilDay> DaysFromTo(CivilDay first, CivilDay last) {
  std::vector<CivilDay> days;
  for (CivilDay d = first; d <= last; ++d) days.push_back(d);
  return days;
}

// The real 2026 arrangement (State Council notice):
// - Spring Festival: holidays Sun 02-15 .. Mon 02-23; make-up working days
//   Sat 02-14 and Sat 02-28.
// - National Day: holidays Thu 10-01 .. Wed 10-07; make-up working days
//   Sun 09-20 and Sat 10-10.
WorkingCalendar Calendar2026() {
  std::vector<CivilDay> holidays =
      DaysFromTo(CivilDay(2026, 2, 15), CivilDay(2026, 2, 23));
  for (CivilDay d : DaysFromTo(CivilDay(2026, 10, 1), CivilDay(2026, 10, 7))) {
    holidays.push_back(d);
  }
  absl::StatusOr<WorkingCalendar> cal = WorkingCalendar::Create(
      WorkingCalendar::DefaultPeriods(), std::move(holidays),
      {CivilDay(2026, 2, 14), CivilDay(2026, 2, 28), CivilDay(2026, 9, 20),
       CivilDay(2026, 10, 10)});
  EXPECT_THAT(cal, IsOk());
  return *std::move(cal);
}

// 08:30–11:30 and 13:30–17:00: 390 working minutes a day.
WorkingCalendar ShortDayCalendar() {
  absl::StatusOr<WorkingCalendar> cal =
      WorkingCalendar::Create({{510, 690}, {810, 1020}}, {}, {});
  EXPECT_THAT(cal, IsOk());
  return *std::move(cal);
}

// The expected values below rely on these weekdays; check them here rather
// than trust a comment.
TEST(Fixtures, DatesFallOnTheWeekdaysTheCommentsSay) {
  struct Day {
    CivilDay day;
    Weekday weekday;
  };
  for (const Day& d : {
           Day{CivilDay(2026, 3, 6), Weekday::friday},
           Day{CivilDay(2026, 3, 7), Weekday::saturday},
           Day{CivilDay(2026, 3, 8), Weekday::sunday},
           Day{CivilDay(2026, 3, 9), Weekday::monday},
           Day{CivilDay(2026, 3, 13), Weekday::friday},
           Day{CivilDay(2026, 2, 10), Weekday::tuesday},
           Day{CivilDay(2026, 2, 13), Weekday::friday},
           Day{CivilDay(2026, 2, 14), Weekday::saturday},
           Day{CivilDay(2026, 2, 23), Weekday::monday},
           Day{CivilDay(2026, 2, 28), Weekday::saturday},
           Day{CivilDay(2026, 3, 1), Weekday::sunday},
           Day{CivilDay(2026, 3, 16), Weekday::monday},
           Day{CivilDay(2026, 9, 18), Weekday::friday},
           Day{CivilDay(2026, 9, 20), Weekday::sunday},
           Day{CivilDay(2026, 9, 25), Weekday::friday},
           Day{CivilDay(2026, 9, 30), Weekday::wednesday},
           Day{CivilDay(2026, 10, 1), Weekday::thursday},
           Day{CivilDay(2026, 10, 7), Weekday::wednesday},
           Day{CivilDay(2026, 10, 8), Weekday::thursday},
           Day{CivilDay(2026, 10, 10), Weekday::saturday},
           Day{CivilDay(2026, 1, 1), Weekday::thursday},
           Day{CivilDay(2028, 1, 1), Weekday::saturday},
           Day{CivilDay(2028, 1, 3), Weekday::monday},
           Day{CivilDay(2028, 3, 9), Weekday::thursday},
       }) {
    EXPECT_EQ(absl::GetWeekday(d.day), d.weekday) << d.day;
  }
}

TEST(WorkingCalendar, DefaultIsEightToTwelveAndTwoToSix) {
  const WorkingCalendar cal = WorkingCalendar::Default();
  EXPECT_EQ(cal.WorkingMinutesPerDay(), 480);
  EXPECT_EQ(cal.time_zone_name(), "Asia/Shanghai");
  ASSERT_EQ(cal.periods().size(), 2u);
  EXPECT_EQ(cal.periods()[0], (WorkingPeriod{480, 720}));
  EXPECT_EQ(cal.periods()[1], (WorkingPeriod{840, 1080}));
}

TEST(WorkingCalendar, WorkingDaysAreWeekdaysMinusHolidaysPlusMakeupDays) {
  const WorkingCalendar cal = Calendar2026();
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 9, 30)));    // Wednesday
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 10, 1)));   // holiday, Thu
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 10, 3)));   // holiday, Sat
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 10, 10)));   // make-up, Sat
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 9, 20)));    // make-up, Sun
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 9, 19)));   // Saturday
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 10, 11)));  // Sunday
  EXPECT_TRUE(cal.IsHoliday(CivilDay(2026, 2, 16)));
  EXPECT_TRUE(cal.IsMakeupWorkday(CivilDay(2026, 2, 14)));
  EXPECT_FALSE(WorkingCalendar::Default().IsWorkingDay(CivilDay(2026, 3, 8)));
  EXPECT_TRUE(WorkingCalendar::Default().IsWorkingDay(CivilDay(2026, 10, 1)));
}

TEST(WorkingCalendar, AcceptsAdjacentPeriodsAndRoundTheClock) {
  ASSERT_OK_AND_ASSIGN(
      WorkingCalendar adjacent,
      WorkingCalendar::Create({{480, 720}, {720, 1080}}, {}, {}));
  EXPECT_EQ(adjacent.WorkingMinutesPerDay(), 600);
  ASSERT_OK_AND_ASSIGN(WorkingCalendar all_day,
                       WorkingCalendar::Create({{0, 1440}}, {}, {}));
  EXPECT_EQ(all_day.WorkingMinutesPerDay(), 1440);
}

struct BadCalendar {
  const char* name;
  std::vector<WorkingPeriod> periods;
  std::vector<CivilDay> holidays;
  std::vector<CivilDay> makeup_workdays;
  const char* time_zone;
  const char* message;
};

// Failures print the case name.
void PrintTo(const BadCalendar& c, std::ostream* os) { *os << c.name; }

class BadCalendars : public ::testing::TestWithParam<BadCalendar> {};

TEST_P(BadCalendars, AreInvalidArgumentNamingTheField) {
  const BadCalendar& c = GetParam();
  EXPECT_THAT(
      WorkingCalendar::Create(c.periods, c.holidays, c.makeup_workdays,
                              c.time_zone),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadCalendars,
    ::testing::Values(
        BadCalendar{"NoPeriods",
                    {},
                    {},
                    {},
                    "Asia/Shanghai",
                    "periods: must not be empty"},
        BadCalendar{"NegativeStart",
                    {{-1, 60}},
                    {},
                    {},
                    "Asia/Shanghai",
                    "periods[0].start_minute: must be in 0..1439 (got -1)"},
        BadCalendar{"StartAtMidnightEnd",
                    {{480, 720}, {1440, 1440}},
                    {},
                    {},
                    "Asia/Shanghai",
                    "periods[1].start_minute: must be in 0..1439 (got 1440)"},
        BadCalendar{"EmptyPeriod",
                    {{480, 480}},
                    {},
                    {},
                    "Asia/Shanghai",
                    "periods[0].end_minute: must be greater than start_minute "
                    "(480) and at most 1440 (got 480)"},
        BadCalendar{"EndAfterMidnight",
                    {{480, 1441}},
                    {},
                    {},
                    "Asia/Shanghai",
                    "periods[0].end_minute: must be greater than start_minute "
                    "(480) and at most 1440 (got 1441)"},
        BadCalendar{"Overlap",
                    {{480, 720}, {700, 900}},
                    {},
                    {},
                    "Asia/Shanghai",
                    "periods[1]: overlaps periods[0]"},
        BadCalendar{"Unsorted",
                    {{840, 1080}, {480, 720}},
                    {},
                    {},
                    "Asia/Shanghai",
                    "periods[1]: starts before periods[0]; periods must be "
                    "sorted"},
        BadCalendar{"HolidayAndMakeupDay",
                    {{480, 720}},
                    {CivilDay(2026, 2, 13), CivilDay(2026, 2, 14)},
                    {CivilDay(2026, 2, 14)},
                    "Asia/Shanghai",
                    "makeup_workdays: 2026-02-14 is also a holiday"},
        BadCalendar{"OtherTimeZone",
                    {{480, 720}},
                    {},
                    {},
                    "Europe/Berlin",
                    "time_zone: \"Europe/Berlin\" is not supported"},
        BadCalendar{"EmptyTimeZone",
                    {{480, 720}},
                    {},
                    {},
                    "",
                    "time_zone: \"\" is not supported"}),
    [](const ::testing::TestParamInfo<BadCalendar>& info) {
      return info.param.name;
    });

enum class Cal { kDefault, k2026, kShortDay };

WorkingCalendar Make(Cal cal) {
  switch (cal) {
    case Cal::kDefault:
      return WorkingCalendar::Default();
    case Cal::k2026:
      return Calendar2026();
    case Cal::kShortDay:
      return ShortDayCalendar();
  }
  return WorkingCalendar::Default();
}

struct DeadlineCase {
  const char* name;
  Cal cal;
  CivilSecond start;
  Limit limit;
  CivilSecond want;
};

// Failures print the case name.
void PrintTo(const DeadlineCase& c, std::ostream* os) { *os << c.name; }

class DeadlineTable : public ::testing::TestWithParam<DeadlineCase> {};

TEST_P(DeadlineTable, IsTheExpectedLocalTime) {
  const DeadlineCase& c = GetParam();
  ASSERT_OK_AND_ASSIGN(absl::Time due,
                       Deadline(At(c.start), c.limit, Make(c.cal)));
  EXPECT_EQ(Local(due), c.want);
}

// Deadline and Elapsed agree: the counted time at the deadline is the limit,
// and a nanosecond earlier it is less (the deadline is the earliest instant).
TEST_P(DeadlineTable, ElapsedAtDeadlineIsTheLimit) {
  const DeadlineCase& c = GetParam();
  const WorkingCalendar cal = Make(c.cal);
  ASSERT_OK_AND_ASSIGN(absl::Time due, Deadline(At(c.start), c.limit, cal));
  EXPECT_EQ(Elapsed(At(c.start), due, c.limit.unit, cal),
            LimitDuration(c.limit, cal));
  EXPECT_LT(Elapsed(At(c.start), due - absl::Nanoseconds(1), c.limit.unit, cal),
            LimitDuration(c.limit, cal));
  EXPECT_DOUBLE_EQ(ShareUsed(At(c.start), due, c.limit, cal), 1.0);
}

// Default calendar: 08:00–12:00 and 14:00–18:00, weekdays. Mon 2026-03-09.
INSTANTIATE_TEST_SUITE_P(
    Table, DeadlineTable,
    ::testing::Values(
        // 09:00 + 30 min, all inside the morning period.
        DeadlineCase{"InsideOnePeriod",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 9, 0, 0),
                     {30, Unit::kWorkingMinutes},
                     CivilSecond(2026, 3, 9, 9, 30, 0)},
        // 10–12 is 2 h; the lunch break does not count; 14–17 is 3 h.
        DeadlineCase{"FiveHoursSpanLunch",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 10, 0, 0),
                     {5, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 9, 17, 0, 0)},
        // 11:45–12:00 is 15 min, then 14:00–14:15.
        DeadlineCase{"MinutesSpanLunch",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 11, 45, 0),
                     {30, Unit::kWorkingMinutes},
                     CivilSecond(2026, 3, 9, 14, 15, 0)},
        // 10–12 is exactly 2 h: due at the period end, 12:00, not 14:00.
        DeadlineCase{"EndsExactlyAtMorningEnd",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 10, 0, 0),
                     {2, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 9, 12, 0, 0)},
        // 14–18 is exactly 4 h: due 18:00 the same day, not Tue 08:00.
        DeadlineCase{"EndsExactlyAtDayEnd",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 14, 0, 0),
                     {4, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 9, 18, 0, 0)},
        // Counting starts at 08:00: 08–10.
        DeadlineCase{"StartsBeforeWork",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 6, 30, 0),
                     {2, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 9, 10, 0, 0)},
        // Counting starts at 14:00: 14–15.
        DeadlineCase{"StartsInLunchBreak",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 12, 30, 0),
                     {1, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 9, 15, 0, 0)},
        // 12:00 is outside the morning period (end exclusive): 14–15.
        DeadlineCase{"StartsAtPeriodEnd",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 12, 0, 0),
                     {1, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 9, 15, 0, 0)},
        // Nothing counts after 18:00; Tue 08–09.
        DeadlineCase{"StartsAfterWork",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 19, 0, 0),
                     {1, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 10, 9, 0, 0)},
        // 18:00 itself is outside working time: Tue 08:00–08:01.
        DeadlineCase{"StartsAtDayEnd",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 18, 0, 0),
                     {1, Unit::kWorkingMinutes},
                     CivilSecond(2026, 3, 10, 8, 1, 0)},
        // Sunday does not count: Mon 08:00–08:30.
        DeadlineCase{"StartsOnSunday",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 8, 11, 0, 0),
                     {30, Unit::kWorkingMinutes},
                     CivilSecond(2026, 3, 9, 8, 30, 0)},
        // 1 working day = 480 min counted from Mon 08:00: all of Monday, so
        // due Mon 18:00 (period end), not Tue 08:00.
        DeadlineCase{"SaturdayOneWorkingDay",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 7, 15, 0, 0),
                     {1, Unit::kWorkingDays},
                     CivilSecond(2026, 3, 9, 18, 0, 0)},
        // Counting starts at 14:00: 14–18 = 4 h; Tue 08–09 = 1 h (README).
        DeadlineCase{"LunchBreakFiveHours",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 12, 30, 0),
                     {5, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 10, 9, 0, 0)},
        // Counting starts at 14:00: 14–18 = 240; Tue 08–12 = 240 (480): due
        // Tue 12:00, the end of a period.
        DeadlineCase{"LunchBreakOneWorkingDay",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 12, 30, 0),
                     {1, Unit::kWorkingDays},
                     CivilSecond(2026, 3, 10, 12, 0, 0)},
        // Fri 15–18 = 180; Mon 08–12 = 240 (420); Mon 14–15 = 60 (480).
        DeadlineCase{"FridayOneWorkingDayIsMonday",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 6, 15, 0, 0),
                     {1, Unit::kWorkingDays},
                     CivilSecond(2026, 3, 9, 15, 0, 0)},
        // Fri 16–18 = 2 h; weekend skipped; Mon 08–11 = 3 h.
        DeadlineCase{"HoursSkipWeekend",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 13, 16, 0, 0),
                     {5, Unit::kWorkingHours},
                     CivilSecond(2026, 3, 16, 11, 0, 0)},
        // Tue 10:00 + 3 × 480 min: the same time on the 3rd working day after
        // (Wed, Thu, Fri).
        DeadlineCase{"WorkingDaysKeepTimeOfDay",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 10, 10, 0, 0),
                     {3, Unit::kWorkingDays},
                     CivilSecond(2026, 3, 13, 10, 0, 0)},
        // 20 working days from Tue 02-10 10:00 without holidays: 10:00 on
        // the 20th weekday after: Feb 11 12 13 16 17 18 19 20 23 24 25 26 27,
        // Mar 2 3 4 5 6 9 10.
        DeadlineCase{"TwentyWorkingDaysNoHolidays",
                     Cal::kDefault,
                     CivilSecond(2026, 2, 10, 10, 0, 0),
                     {20, Unit::kWorkingDays},
                     CivilSecond(2026, 3, 10, 10, 0, 0)},
        // Short day (08:30–11:30, 13:30–17:00 = 390 min): Fri 15:00–17:00 =
        // 120; Mon 08:30–11:30 = 180 (300); 13:30–15:00 = 90 (390).
        DeadlineCase{"ShortDayOneWorkingDay",
                     Cal::kShortDay,
                     CivilSecond(2026, 3, 6, 15, 0, 0),
                     {1, Unit::kWorkingDays},
                     CivilSecond(2026, 3, 9, 15, 0, 0)},
        // Wall time: 23:00 + 2 h crosses midnight.
        DeadlineCase{"CalendarHoursAcrossMidnight",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 23, 0, 0),
                     {2, Unit::kCalendarHours},
                     CivilSecond(2026, 3, 10, 1, 0, 0)},
        // Wall time counts the weekend: Fri 17:00 + 24 h.
        DeadlineCase{"CalendarHoursCountWeekend",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 13, 17, 0, 0),
                     {24, Unit::kCalendarHours},
                     CivilSecond(2026, 3, 14, 17, 0, 0)},
        // Wall time counts holidays: Wed 09-30 16:00 + 24 h.
        DeadlineCase{"CalendarHoursCountHolidays",
                     Cal::k2026,
                     CivilSecond(2026, 9, 30, 16, 0, 0),
                     {24, Unit::kCalendarHours},
                     CivilSecond(2026, 10, 1, 16, 0, 0)},
        // Wall time counts the lunch break: 11:50 + 90 min.
        DeadlineCase{"CalendarMinutes",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 11, 50, 0),
                     {90, Unit::kCalendarMinutes},
                     CivilSecond(2026, 3, 9, 13, 20, 0)},
        DeadlineCase{"CalendarSeconds",
                     Cal::kDefault,
                     CivilSecond(2026, 3, 9, 11, 59, 30),
                     {45, Unit::kCalendarSeconds},
                     CivilSecond(2026, 3, 9, 12, 0, 15)},
        // National Day: Wed 09-30 16–18 = 120; Oct 1–7 are holidays; Thu
        // 10-08 08–12 = 240 (360); 14–16 = 120 (480).
        DeadlineCase{"NationalDayHolidayWeek",
                     Cal::k2026,
                     CivilSecond(2026, 9, 30, 16, 0, 0),
                     {1, Unit::kWorkingDays},
                     CivilSecond(2026, 10, 8, 16, 0, 0)},
        // Friday before the holiday week: Fri 09-25 16–18 = 120; Mon 28, Tue
        // 29, Wed 30 = 3 × 480 (1560); Oct 1–7 holidays; Thu 10-08 08–12 =
        // 240 (1800); 14–16 = 120 (1920 = 4 × 480).
        DeadlineCase{"FridayBeforeNationalDay",
                     Cal::k2026,
                     CivilSecond(2026, 9, 25, 16, 0, 0),
                     {4, Unit::kWorkingDays},
                     CivilSecond(2026, 10, 8, 16, 0, 0)},
        // Wed 09-30 16–18 = 120; Thu 10-08 = 480 (600); Fri 10-09 = 480
        // (1080); Sat 10-10 is a make-up day: 08–12 = 240 (1320), 14–16 = 120
        // (1440 = 3 × 480).
        DeadlineCase{"MakeupSaturdayAfterNationalDay",
                     Cal::k2026,
                     CivilSecond(2026, 9, 30, 16, 0, 0),
                     {3, Unit::kWorkingDays},
                     CivilSecond(2026, 10, 10, 16, 0, 0)},
        // Fri 09-18 16–18 = 120; Sat 09-19 off; Sun 09-20 is a make-up day:
        // 08–12 = 240 (360), 14–16 = 120 (480).
        DeadlineCase{"MakeupSundayBeforeNationalDay",
                     Cal::k2026,
                     CivilSecond(2026, 9, 18, 16, 0, 0),
                     {1, Unit::kWorkingDays},
                     CivilSecond(2026, 9, 20, 16, 0, 0)},
        // Reported on a weekday holiday (Thu 10-01): counting starts Thu
        // 10-08 08:00; 08–10.
        DeadlineCase{"StartsOnWeekdayHoliday",
                     Cal::k2026,
                     CivilSecond(2026, 10, 1, 9, 0, 0),
                     {2, Unit::kWorkingHours},
                     CivilSecond(2026, 10, 8, 10, 0, 0)},
        // Fri 02-13 17–18 = 1 h; Sat 02-14 is a make-up day: 08–09.
        DeadlineCase{"MakeupSaturdayBeforeSpringFestival",
                     Cal::k2026,
                     CivilSecond(2026, 2, 13, 17, 0, 0),
                     {2, Unit::kWorkingHours},
                     CivilSecond(2026, 2, 14, 9, 0, 0)},
        // Fri 02-13 17–18 = 60; Sat 02-14 = 480 (540); Feb 15–23 holidays;
        // Tue 02-24 08–12 = 240 (780), 14–17 = 180 (960 = 2 × 480).
        DeadlineCase{"TwoWorkingDaysOverSpringFestival",
                     Cal::k2026,
                     CivilSecond(2026, 2, 13, 17, 0, 0),
                     {2, Unit::kWorkingDays},
                     CivilSecond(2026, 2, 24, 17, 0, 0)},
        // Tue 02-10 10:00 + 20 × 480 min: 10:00 on the 20th working day
        // after Feb 10. Working days: Feb 11 (1), 12 (2), 13 (3), Sat 14
        // make-up (4); Feb 15–23 holidays; Feb 24 (5), 25 (6), 26 (7),
        // 27 (8), Sat 28 make-up (9); Mar 2 (10), 3, 4, 5, 6 (14), 9, 10, 11,
        // 12, 13 (19), Mon Mar 16 (20).
        DeadlineCase{"TwentyWorkingDaysOverSpringFestival",
                     Cal::k2026,
                     CivilSecond(2026, 2, 10, 10, 0, 0),
                     {20, Unit::kWorkingDays},
                     CivilSecond(2026, 3, 16, 10, 0, 0)}),
    [](const ::testing::TestParamInfo<DeadlineCase>& info) {
      return info.param.name;
    });

struct Pause {
  CivilSecond start;
  std::optional<CivilSecond> end;  // nullopt: open-ended (still suspended)
};

struct PausedCase {
  const char* name;
  CivilSecond start;
  Limit limit;
  std::vector<Pause> pauses;
  std::optional<CivilSecond> want;  // nullopt: no deadline (InfiniteFuture)
};

std::vector<Interval> ToIntervals(const std::vector<Pause>& pauses) {
  std::vector<Interval> out;
  for (const Pause& p : pauses) {
    out.push_back({At(p.start), p.end ? At(*p.end) : absl::InfiniteFuture()});
  }
  return out;
}

// Failures print the case name.
void PrintTo(const PausedCase& c, std::ostream* os) { *os << c.name; }

class PausedTable : public ::testing::TestWithParam<PausedCase> {};

TEST_P(PausedTable, PausesMoveTheDeadline) {
  const PausedCase& c = GetParam();
  const WorkingCalendar cal = WorkingCalendar::Default();
  const std::vector<Interval> pauses = ToIntervals(c.pauses);
  ASSERT_OK_AND_ASSIGN(absl::Time due,
                       Deadline(At(c.start), c.limit, cal, pauses));
  if (!c.want.has_value()) {
    EXPECT_EQ(due, absl::InfiniteFuture());
    return;
  }
  EXPECT_EQ(Local(due), *c.want);
  EXPECT_EQ(Elapsed(At(c.start), due, c.limit.unit, cal, pauses),
            LimitDuration(c.limit, cal));
}

// Default calendar; Mon 2026-03-09.
INSTANTIATE_TEST_SUITE_P(
    Table, PausedTable,
    ::testing::Values(
        // Counted: 10–11 (1 h), 15–18 (3 h), Tue 08–09 (1 h).
        PausedCase{"WorkingPause",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 11, 0, 0),
                     CivilSecond(2026, 3, 9, 15, 0, 0)}},
                   CivilSecond(2026, 3, 10, 9, 0, 0)},
        // Unsorted, overlapping pauses whose union is 11:00–15:00: as above.
        PausedCase{"OverlappingUnsortedPauses",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 12, 30, 0),
                     CivilSecond(2026, 3, 9, 15, 0, 0)},
                    {CivilSecond(2026, 3, 9, 11, 0, 0),
                     CivilSecond(2026, 3, 9, 13, 0, 0)}},
                   CivilSecond(2026, 3, 10, 9, 0, 0)},
        // A pause inside another one changes nothing: as above.
        PausedCase{"NestedPauses",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 11, 0, 0),
                     CivilSecond(2026, 3, 9, 15, 0, 0)},
                    {CivilSecond(2026, 3, 9, 12, 0, 0),
                     CivilSecond(2026, 3, 9, 13, 0, 0)}},
                   CivilSecond(2026, 3, 10, 9, 0, 0)},
        // A pause in the lunch break takes no working time: 17:00 as without.
        PausedCase{"PauseInLunchBreak",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 12, 0, 0),
                     CivilSecond(2026, 3, 9, 14, 0, 0)}},
                   CivilSecond(2026, 3, 9, 17, 0, 0)},
        // Before the start: ignored.
        PausedCase{"PauseBeforeStart",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 8, 0, 0),
                     CivilSecond(2026, 3, 9, 9, 0, 0)}},
                   CivilSecond(2026, 3, 9, 17, 0, 0)},
        // Covering the start: counting starts 10:30; 10:30–12 (1.5 h),
        // 14–17:30 (3.5 h).
        PausedCase{"PauseCoversStart",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 9, 0, 0),
                     CivilSecond(2026, 3, 9, 10, 30, 0)}},
                   CivilSecond(2026, 3, 9, 17, 30, 0)},
        // Empty and inverted intervals are ignored.
        PausedCase{"EmptyAndInvertedPauses",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 11, 0, 0),
                     CivilSecond(2026, 3, 9, 11, 0, 0)},
                    {CivilSecond(2026, 3, 9, 16, 0, 0),
                     CivilSecond(2026, 3, 9, 15, 0, 0)}},
                   CivilSecond(2026, 3, 9, 17, 0, 0)},
        // Suspended at 11:00 and not resumed: no deadline.
        PausedCase{"OpenEndedPauseBeforeDeadline",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 11, 0, 0), std::nullopt}},
                   std::nullopt},
        // Suspended only at 17:00, when the 5 h are already reached.
        PausedCase{"OpenEndedPauseAtDeadline",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {5, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 17, 0, 0), std::nullopt}},
                   CivilSecond(2026, 3, 9, 17, 0, 0)},
        // Fri 03-06 15–18 = 180; Mon and Tue paused; Wed 03-11 08–12 = 240
        // (420), 14–15 = 60 (480).
        PausedCase{"PauseOverWholeDays",
                   CivilSecond(2026, 3, 6, 15, 0, 0),
                   {1, Unit::kWorkingDays},
                   {{CivilSecond(2026, 3, 9, 0, 0, 0),
                     CivilSecond(2026, 3, 11, 0, 0, 0)}},
                   CivilSecond(2026, 3, 11, 15, 0, 0)},
        // 10:00–10:30 counted, then a two-year suspension resumed on Thu
        // 2028-03-09 10:30 (a weekday); the remaining 30 min end at 11:00.
        PausedCase{"TwoYearPause",
                   CivilSecond(2026, 3, 9, 10, 0, 0),
                   {1, Unit::kWorkingHours},
                   {{CivilSecond(2026, 3, 9, 10, 30, 0),
                     CivilSecond(2028, 3, 9, 10, 30, 0)}},
                   CivilSecond(2028, 3, 9, 11, 0, 0)},
        // Wall time: 23:00–23:30 (30 min), paused until 00:15, 00:15–01:45
        // (90 min).
        PausedCase{"CalendarPause",
                   CivilSecond(2026, 3, 9, 23, 0, 0),
                   {2, Unit::kCalendarHours},
                   {{CivilSecond(2026, 3, 9, 23, 30, 0),
                     CivilSecond(2026, 3, 10, 0, 15, 0)}},
                   CivilSecond(2026, 3, 10, 1, 45, 0)},
        // Overlapping pauses whose union is 23:30–00:15: as above.
        PausedCase{"CalendarOverlappingPauses",
                   CivilSecond(2026, 3, 9, 23, 0, 0),
                   {2, Unit::kCalendarHours},
                   {{CivilSecond(2026, 3, 9, 23, 45, 0),
                     CivilSecond(2026, 3, 10, 0, 15, 0)},
                    {CivilSecond(2026, 3, 9, 23, 30, 0),
                     CivilSecond(2026, 3, 10, 0, 0, 0)}},
                   CivilSecond(2026, 3, 10, 1, 45, 0)},
        PausedCase{"CalendarOpenEndedPause",
                   CivilSecond(2026, 3, 9, 23, 0, 0),
                   {2, Unit::kCalendarHours},
                   {{CivilSecond(2026, 3, 10, 0, 0, 0), std::nullopt}},
                   std::nullopt},
        // Suspended exactly when the 2 h are reached: due then.
        PausedCase{"CalendarOpenEndedPauseAtDeadline",
                   CivilSecond(2026, 3, 9, 23, 0, 0),
                   {2, Unit::kCalendarHours},
                   {{CivilSecond(2026, 3, 10, 1, 0, 0), std::nullopt}},
                   CivilSecond(2026, 3, 10, 1, 0, 0)}),
    [](const ::testing::TestParamInfo<PausedCase>& info) {
      return info.param.name;
    });

TEST(Deadline, RejectsInvalidLimits) {
  const WorkingCalendar cal = WorkingCalendar::Default();
  const absl::Time start = At(CivilSecond(2026, 3, 9, 10, 0, 0));
  EXPECT_THAT(Deadline(start, {0, Unit::kWorkingHours}, cal),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("limit.amount: must be > 0 (got 0)")));
  EXPECT_THAT(Deadline(start, {-3, Unit::kCalendarHours}, cal),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("limit.amount: must be > 0 (got -3)")));
  // kMaxLimit = 366 × 24 h = 8784 h = 1098 days of 480 working minutes.
  EXPECT_THAT(Deadline(start, {1099, Unit::kWorkingDays}, cal),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("limit.amount: must be at most 1098 working "
                                 "days")));
  EXPECT_THAT(Deadline(start, {8785, Unit::kCalendarHours}, cal),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must be at most 8784 calendar hours")));
  EXPECT_THAT(
      Deadline(start, {int64_t{1} << 62, Unit::kWorkingDays}, cal),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most 1098")));
  EXPECT_THAT(Deadline(start, {1, static_cast<Unit>(42)}, cal),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("limit.unit: unknown value 42")));
  EXPECT_THAT(Deadline(absl::InfinitePast(), {1, Unit::kWorkingHours}, cal),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("start: must be a finite time")));
}

TEST(Deadline, LargestLimitStaysConsistent) {
  const WorkingCalendar cal = Calendar2026();
  const absl::Time start = At(CivilSecond(2026, 3, 9, 10, 0, 0));
  const Limit limit{1098, Unit::kWorkingDays};
  ASSERT_OK_AND_ASSIGN(absl::Time due, Deadline(start, limit, cal));
  // Started inside working time, so due at 10:00 of a working day.
  EXPECT_EQ(absl::CivilMinute(Local(due)).hour(), 10);
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(Local(due))));
  EXPECT_EQ(Elapsed(start, due, limit.unit, cal), absl::Hours(1098 * 8));
}

TEST(Deadline, FailsWhenNoWorkingDayIsInReach) {
  // More than 3 years of holidays from 2026-01-01.
  ASSERT_OK_AND_ASSIGN(
      WorkingCalendar cal,
      WorkingCalendar::Create(
          WorkingCalendar::DefaultPeriods(),
          DaysFromTo(CivilDay(2026, 1, 1), CivilDay(2026, 1, 1) + 1200), {}));
  EXPECT_THAT(
      Deadline(At(CivilSecond(2026, 1, 1, 9, 0, 0)), {1, Unit::kWorkingHours},
               cal),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("calendar: no working day in the 1098 days after "
                         "2026-01-01")));
  // Calendar units do not need working days.
  EXPECT_THAT(Deadline(At(CivilSecond(2026, 1, 1, 9, 0, 0)),
                       {1, Unit::kCalendarHours}, cal),
              IsOk());
}

TEST(Deadline, FindsWorkAfterTwoYearsOfHolidays) {
  // Holidays 2026-01-01 .. 2027-12-31; 2028-01-01 is a Saturday, so the
  // first working time is Mon 2028-01-03 08:00; + 1 h.
  ASSERT_OK_AND_ASSIGN(
      WorkingCalendar cal,
      WorkingCalendar::Create(
          WorkingCalendar::DefaultPeriods(),
          DaysFromTo(CivilDay(2026, 1, 1), CivilDay(2027, 12, 31)), {}));
  ASSERT_OK_AND_ASSIGN(absl::Time due,
                       Deadline(At(CivilSecond(2026, 1, 1, 9, 0, 0)),
                                {1, Unit::kWorkingHours}, cal));
  EXPECT_EQ(Local(due), CivilSecond(2028, 1, 3, 9, 0, 0));
}

struct ElapsedCase {
  const char* name;
  Cal cal;
  CivilSecond start;
  CivilSecond now;
  Unit unit;
  std::vector<Pause> pauses;
  absl::Duration want;
};

// Failures print the case name.
void PrintTo(const ElapsedCase& c, std::ostream* os) { *os << c.name; }

class ElapsedTable : public ::testing::TestWithParam<ElapsedCase> {};

TEST_P(ElapsedTable, CountsTheRightTime) {
  const ElapsedCase& c = GetParam();
  EXPECT_EQ(Elapsed(At(c.start), At(c.now), c.unit, Make(c.cal),
                    ToIntervals(c.pauses)),
            c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ElapsedTable,
    ::testing::Values(
        // 10–12 and 14–17.
        ElapsedCase{"WorkingSkipsLunch",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 9, 10, 0, 0),
                    CivilSecond(2026, 3, 9, 17, 0, 0),
                    Unit::kWorkingHours,
                    {},
                    absl::Hours(5)},
        ElapsedCase{"CalendarCountsLunch",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 9, 10, 0, 0),
                    CivilSecond(2026, 3, 9, 17, 0, 0),
                    Unit::kCalendarHours,
                    {},
                    absl::Hours(7)},
        // Fri 15–18 (3 h) + Mon 08–12 (4 h) + Mon 14–15 (1 h).
        ElapsedCase{"WorkingSkipsWeekend",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 6, 15, 0, 0),
                    CivilSecond(2026, 3, 9, 15, 0, 0),
                    Unit::kWorkingDays,
                    {},
                    absl::Hours(8)},
        ElapsedCase{"CalendarCountsWeekend",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 6, 15, 0, 0),
                    CivilSecond(2026, 3, 9, 15, 0, 0),
                    Unit::kCalendarMinutes,
                    {},
                    absl::Hours(72)},
        ElapsedCase{"WeekendOnly",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 7, 0, 0, 0),
                    CivilSecond(2026, 3, 9, 0, 0, 0),
                    Unit::kWorkingMinutes,
                    {},
                    absl::ZeroDuration()},
        ElapsedCase{"NowEqualsStart",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 9, 10, 0, 0),
                    CivilSecond(2026, 3, 9, 10, 0, 0),
                    Unit::kCalendarHours,
                    {},
                    absl::ZeroDuration()},
        ElapsedCase{"NowBeforeStart",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 9, 10, 0, 0),
                    CivilSecond(2026, 3, 9, 9, 0, 0),
                    Unit::kWorkingHours,
                    {},
                    absl::ZeroDuration()},
        // Mon 10–18 minus the pause 11–15 = 10–11 and 15–18 (4 h), Tue 08–09.
        ElapsedCase{"WorkingWithPause",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 9, 10, 0, 0),
                    CivilSecond(2026, 3, 10, 9, 0, 0),
                    Unit::kWorkingHours,
                    {{CivilSecond(2026, 3, 9, 11, 0, 0),
                      CivilSecond(2026, 3, 9, 15, 0, 0)}},
                    absl::Hours(5)},
        // Still suspended since 11:00: only 10–11 counts.
        ElapsedCase{"WorkingOpenEndedPause",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 9, 10, 0, 0),
                    CivilSecond(2026, 3, 11, 10, 0, 0),
                    Unit::kWorkingHours,
                    {{CivilSecond(2026, 3, 9, 11, 0, 0), std::nullopt}},
                    absl::Hours(1)},
        // 7 h of wall time minus the 4 h pause.
        ElapsedCase{"CalendarWithPause",
                    Cal::kDefault,
                    CivilSecond(2026, 3, 9, 10, 0, 0),
                    CivilSecond(2026, 3, 9, 17, 0, 0),
                    Unit::kCalendarHours,
                    {{CivilSecond(2026, 3, 9, 11, 0, 0),
                      CivilSecond(2026, 3, 9, 15, 0, 0)}},
                    absl::Hours(3)},
        // Fri 02-13 all day (8 h) + make-up Sat 02-14 (8 h); Feb 15–23 off.
        ElapsedCase{"OverSpringFestival",
                    Cal::k2026,
                    CivilSecond(2026, 2, 13, 8, 0, 0),
                    CivilSecond(2026, 2, 24, 8, 0, 0),
                    Unit::kWorkingHours,
                    {},
                    absl::Hours(16)},
        // 2026 starts on a Thursday and has 365 = 52 × 7 + 1 days: 52 × 5 + 1
        // = 261 weekdays of 8 h.
        ElapsedCase{"WholeYearWithoutHolidays",
                    Cal::kDefault,
                    CivilSecond(2026, 1, 1, 0, 0, 0),
                    CivilSecond(2027, 1, 1, 0, 0, 0),
                    Unit::kWorkingHours,
                    {},
                    absl::Hours(261 * 8)},
        // Same year with the 2026 table: minus the weekday holidays (Feb 16,
        // 17, 18, 19, 20, 23; Oct 1, 2, 5, 6, 7 = 11 days), plus the make-up
        // days (Feb 14, Feb 28, Sep 20, Oct 10 = 4): 254 days.
        ElapsedCase{"WholeYearWithHolidayTable",
                    Cal::k2026,
                    CivilSecond(2026, 1, 1, 0, 0, 0),
                    CivilSecond(2027, 1, 1, 0, 0, 0),
                    Unit::kWorkingHours,
                    {},
                    absl::Hours(254 * 8)}),
    [](const ::testing::TestParamInfo<ElapsedCase>& info) {
      return info.param.name;
    });

TEST(Elapsed, InfiniteNowIsInfinite) {
  EXPECT_EQ(
      Elapsed(At(CivilSecond(2026, 3, 9, 10, 0, 0)), absl::InfiniteFuture(),
              Unit::kWorkingHours, WorkingCalendar::Default()),
      absl::InfiniteDuration());
}

TEST(ShareUsed, IsElapsedOverTheLimit) {
  const WorkingCalendar cal = WorkingCalendar::Default();
  const absl::Time start = At(CivilSecond(2026, 3, 9, 10, 0, 0));
  const Limit five_hours{5, Unit::kWorkingHours};
  // 10–12 and 14–16: 4 of 5 h.
  EXPECT_DOUBLE_EQ(
      ShareUsed(start, At(CivilSecond(2026, 3, 9, 16, 0, 0)), five_hours, cal),
      0.8);
  // 10–12 and 14–18: 6 of 5 h, overdue.
  EXPECT_DOUBLE_EQ(
      ShareUsed(start, At(CivilSecond(2026, 3, 9, 18, 0, 0)), five_hours, cal),
      1.2);
  // Paused 11–15: 10–11 and 15–16, 2 of 5 h.
  const std::vector<Interval> pause = {{At(CivilSecond(2026, 3, 9, 11, 0, 0)),
                                        At(CivilSecond(2026, 3, 9, 15, 0, 0))}};
  EXPECT_DOUBLE_EQ(ShareUsed(start, At(CivilSecond(2026, 3, 9, 16, 0, 0)),
                             five_hours, cal, pause),
                   0.4);
  // Wall time: 23:00–00:30 of 2 h.
  EXPECT_DOUBLE_EQ(ShareUsed(At(CivilSecond(2026, 3, 9, 23, 0, 0)),
                             At(CivilSecond(2026, 3, 10, 0, 30, 0)),
                             {2, Unit::kCalendarHours}, cal),
                   0.75);
  EXPECT_DOUBLE_EQ(ShareUsed(start, start - absl::Hours(1), five_hours, cal),
                   0.0);
  EXPECT_DOUBLE_EQ(
      ShareUsed(start, start + absl::Hours(1), {0, Unit::kWorkingHours}, cal),
      0.0);
}

TEST(LimitDuration, ConvertsEachUnit) {
  const WorkingCalendar cal = WorkingCalendar::Default();
  EXPECT_EQ(LimitDuration({30, Unit::kWorkingMinutes}, cal), absl::Minutes(30));
  EXPECT_EQ(LimitDuration({5, Unit::kWorkingHours}, cal), absl::Hours(5));
  EXPECT_EQ(LimitDuration({2, Unit::kWorkingDays}, cal), absl::Minutes(960));
  EXPECT_EQ(LimitDuration({2, Unit::kWorkingDays}, ShortDayCalendar()),
            absl::Minutes(780));
  EXPECT_EQ(LimitDuration({45, Unit::kCalendarSeconds}, cal),
            absl::Seconds(45));
  EXPECT_EQ(LimitDuration({90, Unit::kCalendarMinutes}, cal),
            absl::Minutes(90));
  EXPECT_EQ(LimitDuration({2, Unit::kCalendarHours}, cal), absl::Hours(2));
  EXPECT_TRUE(IsWorkingUnit(Unit::kWorkingDays));
  EXPECT_FALSE(IsWorkingUnit(Unit::kCalendarHours));
}

}  // namespace
}  // namespace gridcase::calendar
