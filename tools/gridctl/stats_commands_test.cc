// gridctl stats: parsing of --scope, --period and indicators.
#include "tools/gridctl/stats_commands.h"

#include "absl/time/civil_time.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

absl::Time Shanghai(int y, int m, int d, int h) {
  absl::TimeZone tz;
  absl::LoadTimeZone("Asia/Shanghai", &tz);
  return absl::FromCivil(absl::CivilHour(y, m, d, h), tz);
}

TEST(StatsCommands, ScopesParse) {
  ASSERT_OK_AND_ASSIGN(v1::Scope s, ParseScope("region:330483101"));
  EXPECT_EQ(s.kind(), v1::SCOPE_KIND_REGION);
  EXPECT_EQ(s.code(), "330483101");
  ASSERT_OK_AND_ASSIGN(s, ParseScope("source:wechat"));
  EXPECT_EQ(s.code(), "SOURCE_WECHAT");
  ASSERT_OK_AND_ASSIGN(s, ParseScope("all"));
  EXPECT_EQ(s.kind(), v1::SCOPE_KIND_ALL);
  ASSERT_OK_AND_ASSIGN(s, ParseScope("worker:m-0009"));
  EXPECT_EQ(s.kind(), v1::SCOPE_KIND_WORKER);
  EXPECT_EQ(s.code(), "m-0009");
  EXPECT_THAT(ParseScope("town:1"), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("--scope")));
  EXPECT_THAT(
      ParseScope("region:"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("region:CODE")));
}

TEST(StatsCommands, PeriodsAreShanghaiDays) {
  // 2026-11-25 23:30 UTC is already Thursday 11-26 in Shanghai.
  absl::Time now = absl::FromCivil(absl::CivilMinute(2026, 11, 25, 23, 30),
                                   absl::UTCTimeZone());
  ASSERT_OK_AND_ASSIGN(v1::DateRange r, ParsePeriod("today", now));
  EXPECT_EQ(r.start_date(), "2026-11-26");
  ASSERT_OK_AND_ASSIGN(r, ParsePeriod("week", now));
  EXPECT_EQ(r.start_date(), "2026-11-23");
  EXPECT_EQ(r.end_date(), "2026-11-29");
  ASSERT_OK_AND_ASSIGN(r, ParsePeriod("month", Shanghai(2026, 2, 10, 9)));
  EXPECT_EQ(r.end_date(), "2026-02-28");
  ASSERT_OK_AND_ASSIGN(r, ParsePeriod("2026-04", now));
  EXPECT_EQ(r.start_date(), "2026-04-01");
  EXPECT_EQ(r.end_date(), "2026-04-30");
  ASSERT_OK_AND_ASSIGN(r, ParsePeriod("2026-04-01..2026-06-30", now));
  EXPECT_EQ(r.end_date(), "2026-06-30");
  EXPECT_THAT(
      ParsePeriod("last quarter", now),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--period")));
}

TEST(StatsCommands, IndicatorsByLowerCaseName) {
  EXPECT_THAT(
      ParseIndicator("on_time_close_rate"),
      ::gridcase::testing::IsOkAndHolds(v1::INDICATOR_ON_TIME_CLOSE_RATE));
  EXPECT_THAT(ParseIndicator("COMPOSITE"),
              ::gridcase::testing::IsOkAndHolds(v1::INDICATOR_COMPOSITE));
  EXPECT_THAT(
      ParseIndicator("speed"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown")));
}

}  // namespace
}  // namespace gridcase::gridctl
