// Periods: inclusive ranges of statistics days, the buckets that cover them
// (whole calendar months as "YYYYMM", the other days as "YYYYMMDD"), and the
// day / ISO week / month steps of a trend.
#ifndef GRIDCASE_SERVICES_STATS_PERIOD_H_
#define GRIDCASE_SERVICES_STATS_PERIOD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/stats.pb.h"
#include "services/stats/aggregates.h"

namespace gridcase::stats {

inline constexpr int kMaxPeriodDays = 731;
inline constexpr int kMaxTrendPoints = 366;

struct Period {
  absl::CivilDay start;
  absl::CivilDay end;  // inclusive
};

// INVALID_ARGUMENT naming `field`.start_date / .end_date: malformed date,
// end before start, longer than kMaxPeriodDays.
absl::StatusOr<Period> ParsePeriod(const v1::DateRange& range,
                                   absl::string_view field);

// A day "YYYY-MM-DD", exactly; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text,
                                        const std::string& field);

// The fewest buckets covering `p` exactly.
Buckets BucketsOf(const Period& p);

// The trend buckets of `p`; the first and last are clipped to it.
std::vector<Period> Steps(const Period& p, v1::TrendStep step);
// Every day of `p`, in order.
std::vector<absl::CivilDay> DaysOf(const Period& p);

// The day, ISO week (Monday to Sunday) or calendar month of a published
// report (REPORT_PERIOD_DAY, _WEEK, _MONTH) that contains `day`. The period
// before one is ReportPeriodOf(kind, period.start - 1).
Period ReportPeriodOf(v1::ReportPeriod kind, absl::CivilDay day);

// "YYYY-MM-DD".
std::string FormatDay(absl::CivilDay day);
// "YYYYMMDD": a day bucket, and the day in report ids and keys.
std::string CompactDay(absl::CivilDay day);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_PERIOD_H_
