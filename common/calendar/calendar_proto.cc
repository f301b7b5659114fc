#include "common/calendar/calendar_proto.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/calendar/calendar.h"
#include "common/status/status_macros.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::calendar {
namespace {

// Years a holiday table may be for.
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

// Parses exactly "YYYY-MM-DD" naming a real date (no "2026-2-1", no
// "2026-02-30", no surrounding spaces).
bool ParseDate(absl::string_view text, absl::CivilDay* day) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  auto number = [&](size_t pos, size_t len) {
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day_of_month = number(8, 2);
  const absl::CivilDay parsed(year, month, day_of_month);
  // CivilDay normalizes out-of-range fields (2026-13-01 -> 2027-01-01).
  if (parsed.year() != year || parsed.month() != month ||
      parsed.day() != day_of_month) {
    return false;
  }
  *day = parsed;
  return true;
}

// Parses the dates of one repeated field of a CalendarYear, appending them to
// `out`; `field` is e.g. "years[0].holidays".
absl::Status ParseYearDates(
    const google::protobuf::RepeatedPtrField<std::string>& dates, int year,
    absl::string_view field, std::vector<absl::CivilDay>& out,
    std::vector<std::string>& fields) {
  for (int j = 0; j < dates.size(); ++j) {
    const std::string name = absl::StrCat(field, "[", j, "]");
    absl::CivilDay day;
    if (!ParseDate(dates[j], &day)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": '", dates[j], "' is not a date YYYY-MM-DD"));
    }
    if (day.year() != year) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": ", dates[j], " is not in year ", year));
    }
    out.push_back(day);
    fields.push_back(name);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WorkingCalendar> FromProto(const v1::WorkingCalendar& proto) {
  std::vector<WorkingPeriod> periods;
  for (const v1::WorkingPeriod& p : proto.periods()) {
    periods.push_back({p.start_minute(), p.end_minute()});
  }
  if (periods.empty()) periods = WorkingCalendar::DefaultPeriods();

  std::vector<absl::CivilDay> holidays;
  std::vector<std::string> holiday_fields;
  std::vector<absl::CivilDay> makeup_workdays;
  std::vector<std::string> makeup_fields;
  for (int i = 0; i < proto.years_size(); ++i) {
    const v1::CalendarYear& y = proto.years(i);
    const std::string prefix = absl::StrCat("years[", i, "]");
    if (y.year() < kMinYear || y.year() > kMaxYear) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, ".year: must be in ", kMinYear, "..", kMaxYear,
                       " (got ", y.year(), ")"));
    }
    if (i > 0 && y.year() <= proto.years(i - 1).year()) {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, ".year: must be greater than years[", i - 1, "].year (",
          proto.years(i - 1).year(), "); one table per year, ascending"));
    }
    RETURN_IF_ERROR(ParseYearDates(y.holidays(), y.year(), prefix + ".holidays",
                                   holidays, holiday_fields));
    RETURN_IF_ERROR(ParseYearDates(y.makeup_workdays(), y.year(),
                                   prefix + ".makeup_workdays", makeup_workdays,
                                   makeup_fields));
  }
  // Name both fields of a clash (WorkingCalendar::Create could only say
  // "makeup_workdays").
  absl::flat_hash_map<absl::CivilDay, size_t> holiday_index;
  for (size_t k = 0; k < holidays.size(); ++k) {
    holiday_index.emplace(holidays[k], k);
  }
  for (size_t k = 0; k < makeup_workdays.size(); ++k) {
    auto it = holiday_index.find(makeup_workdays[k]);
    if (it != holiday_index.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          makeup_fields[k], ": ", absl::FormatCivilTime(makeup_workdays[k]),
          " is also a holiday (", holiday_fields[it->second], ")"));
    }
  }

  std::string time_zone =
      proto.time_zone().empty() ? kDefaultTimeZone : proto.time_zone();
  return WorkingCalendar::Create(std::move(periods), std::move(holidays),
                                 std::move(makeup_workdays),
                                 std::move(time_zone));
}

absl::StatusOr<Limit> FromProto(const v1::TimeLimit& proto,
                                absl::string_view field) {
  Limit limit;
  switch (proto.unit()) {
    case v1::TIME_UNIT_WORKING_MINUTES:
      limit.unit = Unit::kWorkingMinutes;
      break;
    case v1::TIME_UNIT_WORKING_HOURS:
      limit.unit = Unit::kWorkingHours;
      break;
    case v1::TIME_UNIT_WORKING_DAYS:
      limit.unit = Unit::kWorkingDays;
      break;
    case v1::TIME_UNIT_CALENDAR_SECONDS:
      limit.unit = Unit::kCalendarSeconds;
      break;
    case v1::TIME_UNIT_CALENDAR_MINUTES:
      limit.unit = Unit::kCalendarMinutes;
      break;
    case v1::TIME_UNIT_CALENDAR_HOURS:
      limit.unit = Unit::kCalendarHours;
      break;
    case v1::TIME_UNIT_UNSPECIFIED:
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".unit: must be set (got TIME_UNIT_UNSPECIFIED)"));
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".unit: unknown value ", proto.unit()));
  }
  if (proto.amount() <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".amount: must be > 0 (got ", proto.amount(), ")"));
  }
  limit.amount = proto.amount();
  return limit;
}

v1::TimeUnit ToProto(Unit unit) {
  switch (unit) {
    case Unit::kWorkingMinutes:
      return v1::TIME_UNIT_WORKING_MINUTES;
    case Unit::kWorkingHours:
      return v1::TIME_UNIT_WORKING_HOURS;
    case Unit::kWorkingDays:
      return v1::TIME_UNIT_WORKING_DAYS;
    case Unit::kCalendarSeconds:
      return v1::TIME_UNIT_CALENDAR_SECONDS;
    case Unit::kCalendarMinutes:
      return v1::TIME_UNIT_CALENDAR_MINUTES;
    case Unit::kCalendarHours:
      return v1::TIME_UNIT_CALENDAR_HOURS;
  }
  return v1::TIME_UNIT_UNSPECIFIED;
}

absl::StatusOr<std::shared_ptr<const WorkingCalendar>> SharedFromProto(
    const v1::WorkingCalendar& proto) {
  ASSIGN_OR_RETURN(WorkingCalendar parsed, FromProto(proto));
  return std::make_shared<const WorkingCalendar>(std::move(parsed));
}

v1::WorkingCalendar DefaultCalendarProto() {
  v1::WorkingCalendar proto;
  proto.set_time_zone(kDefaultTimeZone);
  for (const WorkingPeriod& p : WorkingCalendar::DefaultPeriods()) {
    v1::WorkingPeriod* period = proto.add_periods();
    period->set_start_minute(p.start_minute);
    period->set_end_minute(p.end_minute);
  }
  return proto;
}

}  // namespace gridcase::calendar
