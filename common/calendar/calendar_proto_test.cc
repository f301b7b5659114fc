#include "common/calendar/calendar_proto.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/calendar.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/registry.pb.h"
#include "gtest/gtest.h"

namespace gridcase::calendar {
namespace {

using ::absl::CivilDay;
using ::absl::CivilSecond;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

v1::WorkingCalendar ParseCalendar(const std::string& text) {
  v1::WorkingCalendar proto;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &proto))
      << text;
  return proto;
}

// The 2026 table as the registry stores it (State Council notice): Spring
// Festival Feb 15–23 with make-up Saturdays Feb 14 and 28; National Day
// Oct 1–7 with make-up Sun Sep 20 and Sat Oct 10.
constexpr char k2026[] = R"pb(
  time_zone: "Asia/Shanghai"
  years {
    year: 2026
    holidays: [
      "2026-02-15",
      "2026-02-16",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-02-20",
      "2026-02-21",
      "2026-02-22",
      "2026-02-23",
      "2026-10-01",
      "2026-10-02",
      "2026-10-03",
      "2026-10-04",
      "2026-10-05",
      "2026-10-06",
      "2026-10-07"
    ]
    makeup_workdays: [ "2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10" ]
  }
)pb";

TEST(CalendarFromProto, EmptyMessageIsTheDefaultCalendar) {
  ASSERT_OK_AND_ASSIGN(WorkingCalendar cal,
                       FromProto(v1::WorkingCalendar::default_instance()));
  EXPECT_EQ(cal.periods(), WorkingCalendar::DefaultPeriods());
  EXPECT_EQ(cal.time_zone_name(), "Asia/Shanghai");
  EXPECT_EQ(cal.WorkingMinutesPerDay(), 480);
}

TEST(CalendarFromProto, DefaultCalendarProtoRoundTrips) {
  const v1::WorkingCalendar proto = DefaultCalendarProto();
  EXPECT_EQ(proto.time_zone(), "Asia/Shanghai");
  EXPECT_EQ(proto.years_size(), 0);
  ASSERT_EQ(proto.periods_size(), 2);
  EXPECT_EQ(proto.periods(0).start_minute(), 480);
  EXPECT_EQ(proto.periods(1).end_minute(), 1080);
  ASSERT_OK_AND_ASSIGN(WorkingCalendar cal, FromProto(proto));
  EXPECT_EQ(cal.periods(), WorkingCalendar::Default().periods());
}

TEST(CalendarFromProto, ReadsTheHolidayTable) {
  ASSERT_OK_AND_ASSIGN(WorkingCalendar cal, FromProto(ParseCalendar(k2026)));
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 2, 14)));   // make-up Saturday
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 2, 16)));  // holiday Monday
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 9, 20)));   // make-up Sunday
  EXPECT_FALSE(cal.IsWorkingDay(CivilDay(2026, 10, 1)));  // holiday Thursday
  EXPECT_TRUE(cal.IsWorkingDay(CivilDay(2026, 10, 8)));   // Thursday
  // Wed 09-30 16–18 = 120 min; Oct 1–7 off; Thu 10-08 08–12 = 240 (360),
  // 14–16 = 120 (480 = 1 working day).
  absl::TimeZone tz;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &tz));
  ASSERT_OK_AND_ASSIGN(
      absl::Time due,
      Deadline(absl::FromCivil(CivilSecond(2026, 9, 30, 16, 0, 0), tz),
               {1, Unit::kWorkingDays}, cal));
  EXPECT_EQ(absl::ToCivilSecond(due, tz), CivilSecond(2026, 10, 8, 16, 0, 0));
}

TEST(CalendarFromProto, KeepsCustomPeriods) {
  ASSERT_OK_AND_ASSIGN(WorkingCalendar cal, FromProto(ParseCalendar(R"pb(
                         periods { start_minute: 510 end_minute: 690 }
                         periods { start_minute: 810 end_minute: 1020 }
                       )pb")));
  EXPECT_EQ(cal.periods(),
            (std::vector<WorkingPeriod>{{510, 690}, {810, 1020}}));
  EXPECT_EQ(cal.WorkingMinutesPerDay(), 390);
}

struct BadCalendar {
  const char* name;
  const char* text;
  const char* message;
};

// Failures print the case name.
void PrintTo(const BadCalendar& c, std::ostream* os) { *os << c.name; }

class BadCalendars : public ::testing::TestWithParam<BadCalendar> {};

TEST_P(BadCalendars, AreInvalidArgumentNamingTheField) {
  EXPECT_THAT(FromProto(ParseCalendar(GetParam().text)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadCalendars,
    ::testing::Values(
        BadCalendar{"MonthThirteen",
                    R"pb(years {
                           year: 2026
                           holidays: [
                             "2026-01-01",
                             "2026-02-15",
                             "2026-02-16",
                             "2026-13-01"
                           ]
                         })pb",
                    "years[0].holidays[3]: '2026-13-01' is not a date "
                    "YYYY-MM-DD"},
        BadCalendar{"February30",
                    R"pb(years { year: 2026 holidays: "2026-02-30" })pb",
                    "years[0].holidays[0]: '2026-02-30' is not a date"},
        BadCalendar{"DayZero",
                    R"pb(years { year: 2026 holidays: "2026-02-00" })pb",
                    "years[0].holidays[0]: '2026-02-00' is not a date"},
        BadCalendar{"NoLeadingZeros",
                    R"pb(years { year: 2026 holidays: "2026-2-1" })pb",
                    "years[0].holidays[0]: '2026-2-1' is not a date"},
        BadCalendar{"NoDashes",
                    R"pb(years { year: 2026 holidays: "20260201" })pb",
                    "years[0].holidays[0]: '20260201' is not a date"},
        BadCalendar{"Spaces",
                    R"pb(years { year: 2026 holidays: " 2026-02-01" })pb",
                    "years[0].holidays[0]: ' 2026-02-01' is not a date"},
        BadCalendar{"TrailingText",
                    R"pb(years { year: 2026 holidays: "2026-02-01Z" })pb",
                    "years[0].holidays[0]: '2026-02-01Z' is not a date"},
        BadCalendar{"Slashes",
                    R"pb(years { year: 2026 holidays: "2026/02/01" })pb",
                    "years[0].holidays[0]: '2026/02/01' is not a date"},
        BadCalendar{"Empty", R"pb(years { year: 2026 holidays: "" })pb",
                    "years[0].holidays[0]: '' is not a date"},
        BadCalendar{"BadMakeupDay",
                    R"pb(years {
                           year: 2026
                           makeup_workdays: [ "2026-02-14", "Sat" ]
                         })pb",
                    "years[0].makeup_workdays[1]: 'Sat' is not a date"},
        BadCalendar{"DateOutsideItsYear",
                    R"pb(years { year: 2026 }
                         years { year: 2027 holidays: "2026-12-31" })pb",
                    "years[1].holidays[0]: 2026-12-31 is not in year 2027"},
        BadCalendar{"MakeupDayAlsoHoliday",
                    R"pb(years {
                           year: 2026
                           holidays: [ "2026-02-13", "2026-02-14" ]
                           makeup_workdays: "2026-02-14"
                         })pb",
                    "years[0].makeup_workdays[0]: 2026-02-14 is also a "
                    "holiday (years[0].holidays[1])"},
        BadCalendar{"YearMissing", R"pb(years { holidays: "2026-02-14" })pb",
                    "years[0].year: must be in 1900..9999 (got 0)"},
        BadCalendar{"YearsRepeated",
                    R"pb(years { year: 2026 }
                         years { year: 2026 })pb",
                    "years[1].year: must be greater than years[0].year "
                    "(2026)"},
        BadCalendar{"YearsDescending",
                    R"pb(years { year: 2027 }
                         years { year: 2026 })pb",
                    "years[1].year: must be greater than years[0].year "
                    "(2027)"},
        BadCalendar{"OverlappingPeriods",
                    R"pb(periods { start_minute: 480 end_minute: 720 }
                         periods { start_minute: 700 end_minute: 1080 })pb",
                    "periods[1]: overlaps periods[0]"},
        BadCalendar{"PeriodPastMidnight",
                    R"pb(periods { start_minute: 480 end_minute: 1500 })pb",
                    "periods[0].end_minute: must be greater than start_minute "
                    "(480) and at most 1440 (got 1500)"},
        BadCalendar{"OtherTimeZone", R"pb(time_zone: "UTC")pb",
                    "time_zone: \"UTC\" is not supported"}),
    [](const ::testing::TestParamInfo<BadCalendar>& info) {
      return info.param.name;
    });

v1::TimeLimit MakeLimit(int64_t amount, v1::TimeUnit unit) {
  v1::TimeLimit proto;
  proto.set_amount(amount);
  proto.set_unit(unit);
  return proto;
}

TEST(LimitFromProto, ConvertsEveryUnitAndBack) {
  struct Pair {
    v1::TimeUnit proto;
    Unit unit;
  };
  for (const Pair& p : {
           Pair{v1::TIME_UNIT_WORKING_MINUTES, Unit::kWorkingMinutes},
           Pair{v1::TIME_UNIT_WORKING_HOURS, Unit::kWorkingHours},
           Pair{v1::TIME_UNIT_WORKING_DAYS, Unit::kWorkingDays},
           Pair{v1::TIME_UNIT_CALENDAR_SECONDS, Unit::kCalendarSeconds},
           Pair{v1::TIME_UNIT_CALENDAR_MINUTES, Unit::kCalendarMinutes},
           Pair{v1::TIME_UNIT_CALENDAR_HOURS, Unit::kCalendarHours},
       }) {
    ASSERT_OK_AND_ASSIGN(Limit limit, FromProto(MakeLimit(7, p.proto)));
    EXPECT_EQ(limit.amount, 7);
    EXPECT_EQ(limit.unit, p.unit) << v1::TimeUnit_Name(p.proto);
    EXPECT_EQ(ToProto(limit.unit), p.proto);
  }
}

struct BadLimit {
  const char* name;
  int64_t amount;
  int unit;
  const char* message;
};

// Failures print the case name.
void PrintTo(const BadLimit& c, std::ostream* os) { *os << c.name; }

class BadLimits : public ::testing::TestWithParam<BadLimit> {};

TEST_P(BadLimits, AreInvalidArgumentNamingTheField) {
  const BadLimit& c = GetParam();
  EXPECT_THAT(
      FromProto(MakeLimit(c.amount, static_cast<v1::TimeUnit>(c.unit))),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadLimits,
    ::testing::Values(
        BadLimit{"UnitUnspecified", 5, v1::TIME_UNIT_UNSPECIFIED,
                 "limit.unit: must be set (got TIME_UNIT_UNSPECIFIED)"},
        BadLimit{"UnitUnknown", 5, 42, "limit.unit: unknown value 42"},
        BadLimit{"AmountZero", 0, v1::TIME_UNIT_WORKING_HOURS,
                 "limit.amount: must be > 0 (got 0)"},
        BadLimit{"AmountNegative", -2, v1::TIME_UNIT_CALENDAR_HOURS,
                 "limit.amount: must be > 0 (got -2)"}),
    [](const ::testing::TestParamInfo<BadLimit>& info) {
      return info.param.name;
    });

TEST(LimitFromProto, NamesTheCallersField) {
  EXPECT_THAT(FromProto(MakeLimit(0, v1::TIME_UNIT_WORKING_DAYS),
                        "stage_limits[2].limit"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("stage_limits[2].limit.amount: must be > 0")));
}

}  // namespace
}  // namespace gridcase::calendar
