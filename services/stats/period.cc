#include "services/stats/period.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/validation/field_errors.h"

namespace gridcase::stats {
namespace {

using validation::FieldError;

absl::CivilDay MonthEnd(absl::CivilMonth m) {
  return absl::CivilDay(m + 1) - 1;
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text,
                                        const std::string& field) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) ||
      FormatDay(day) != text) {
    return FieldError(
        field, absl::StrCat("must be a date YYYY-MM-DD, got '", text, "'"));
  }
  return day;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<Period> ParsePeriod(const v1::DateRange& range,
                                   absl::string_view field) {
  Period p;
  auto start = ParseDay(range.start_date(), absl::StrCat(field, ".start_date"));
  if (!start.ok()) return start.status();
  auto end = ParseDay(range.end_date(), absl::StrCat(field, ".end_date"));
  if (!end.ok()) return end.status();
  p.start = *start;
  p.end = *end;
  if (p.end < p.start) {
    return FieldError(absl::StrCat(field, ".end_date"),
                      "must not be before start_date");
  }
  if (p.end - p.start + 1 > kMaxPeriodDays) {
    return FieldError(
        field, absl::StrCat("must be at most ", kMaxPeriodDays, " days long"));
  }
  return p;
}

Buckets BucketsOf(const Period& p) {
  Buckets out;
  absl::CivilDay day = p.start;
  while (day <= p.end) {
    absl::CivilMonth month(day);
    absl::CivilDay last = MonthEnd(month);
    if (day.day() == 1 && last <= p.end) {
      out.push_back(absl::StrFormat("%04d%02d", month.year(), month.month()));
      day = last + 1;
      continue;
    }
    out.push_back(CompactDay(day));
    ++day;
  }
  return out;
}

Period ReportPeriodOf(v1::ReportPeriod kind, absl::CivilDay day) {
  switch (kind) {
    case v1::REPORT_PERIOD_WEEK: {
      int from_monday = (static_cast<int>(absl::GetWeekday(day)) -
                         static_cast<int>(absl::Weekday::monday) + 7) %
                        7;
      return {day - from_monday, day - from_monday + 6};
    }
    case v1::REPORT_PERIOD_MONTH:
      return {absl::CivilDay(absl::CivilMonth(day)),
              MonthEnd(absl::CivilMonth(day))};
    default:
      return {day, day};
  }
}

std::string CompactDay(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

std::vector<Period> Steps(const Period& p, v1::TrendStep step) {
  std::vector<Period> out;
  absl::CivilDay day = p.start;
  while (day <= p.end) {
    absl::CivilDay last = day;
    if (step == v1::TREND_STEP_WEEK) {
      // ISO weeks run Monday to Sunday.
      int from_monday = (static_cast<int>(absl::GetWeekday(day)) -
                         static_cast<int>(absl::Weekday::monday) + 7) %
                        7;
      last = day + (6 - from_monday);
    } else if (step == v1::TREND_STEP_MONTH) {
      last = MonthEnd(absl::CivilMonth(day));
    }
    last = std::min(last, p.end);
    out.push_back({day, last});
    day = last + 1;
  }
  return out;
}

std::vector<absl::CivilDay> DaysOf(const Period& p) {
  std::vector<absl::CivilDay> days;
  for (absl::CivilDay d = p.start; d <= p.end; ++d) days.push_back(d);
  return days;
}

}  // namespace gridcase::stats
