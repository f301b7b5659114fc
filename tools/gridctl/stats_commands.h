// gridctl stats: StatsService — summary, ranking, trend, hotspots.
#ifndef GRIDCASE_TOOLS_GRIDCTL_STATS_COMMANDS_H_
#define GRIDCASE_TOOLS_GRIDCTL_STATS_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/stats.pb.h"
#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {

int RunStats(const std::vector<std::string>& args);

// The statistics' time zone, Asia/Shanghai.
absl::TimeZone Shanghai();

// Parsing shared with the tests.
// --scope: "all", "region:CODE", "department:ID", "category:CODE",
// "source:NAME" (e.g. wechat), "reporter:ID".
absl::StatusOr<v1::Scope> ParseScope(const std::string& text);
// --period: "today", "yesterday", "week" (this ISO week), "month" (this
// month), "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD", as of `now`
// in Asia/Shanghai.
absl::StatusOr<v1::DateRange> ParsePeriod(const std::string& text,
                                          absl::Time now);
// --by / --indicator: an Indicator name without the prefix, any case, e.g.
// "on_time_close_rate" or "composite".
absl::StatusOr<v1::Indicator> ParseIndicator(const std::string& text);

}  // namespace gridcase::gridctl

#endif  // GRIDCASE_TOOLS_GRIDCTL_STATS_COMMANDS_H_
