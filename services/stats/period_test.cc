// Periods, their buckets and trend steps; dimension scopes.
#include "services/stats/period.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/stats/dimensions.h"

namespace gridcase::stats {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::DateRange Range(const std::string& a, const std::string& b) {
  v1::DateRange r;
  r.set_start_date(a);
  r.set_end_date(b);
  return r;
}

TEST(Period, WholeMonthsBecomeMonthBuckets) {
  ASSERT_OK_AND_ASSIGN(
      Period p, ParsePeriod(Range("2026-01-30", "2026-03-02"), "period"));
  EXPECT_THAT(BucketsOf(p), ElementsAre("20260130", "20260131", "202602",
                                        "20260301", "20260302"));
  ASSERT_OK_AND_ASSIGN(
      Period q, ParsePeriod(Range("2026-04-01", "2026-06-30"), "period"));
  EXPECT_THAT(BucketsOf(q), ElementsAre("202604", "202605", "202606"));
}

TEST(Period, BadRangesNameTheField) {
  EXPECT_THAT(ParsePeriod(Range("2026-02-30", "2026-03-01"), "period"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("period.start_date: must be a date")));
  EXPECT_THAT(ParsePeriod(Range("2026-03-02", "2026-03-01"), "period"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("period.end_date: must not be before")));
  EXPECT_THAT(ParsePeriod(Range("2024-01-01", "2026-01-01"), "period"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("at most 731 days")));
}

TEST(Period, WeeksAreIsoAndClipped) {
  // 2026-11-25 is a Wednesday.
  ASSERT_OK_AND_ASSIGN(Period p,
                       ParsePeriod(Range("2026-11-25", "2026-12-08"), "p"));
  std::vector<std::string> got;
  for (const Period& s : Steps(p, v1::TREND_STEP_WEEK)) {
    got.push_back(FormatDay(s.start) + ".." + FormatDay(s.end));
  }
  EXPECT_THAT(got,
              ElementsAre("2026-11-25..2026-11-29", "2026-11-30..2026-12-06",
                          "2026-12-07..2026-12-08"));
  got.clear();
  for (const Period& s : Steps(p, v1::TREND_STEP_MONTH)) {
    got.push_back(FormatDay(s.start) + ".." + FormatDay(s.end));
  }
  EXPECT_THAT(got,
              ElementsAre("2026-11-25..2026-11-30", "2026-12-01..2026-12-08"));
  EXPECT_EQ(Steps(p, v1::TREND_STEP_DAY).size(), 14u);
}

TEST(Period, ReportPeriodsContainTheDayAndFollowEachOther) {
  auto text = [](const Period& p) {
    return FormatDay(p.start) + ".." + FormatDay(p.end);
  };
  // 2026-12-06 is a Sunday; 2026-03-01 a Sunday after a 28-day February.
  EXPECT_EQ(
      text(ReportPeriodOf(v1::REPORT_PERIOD_DAY, absl::CivilDay(2026, 12, 6))),
      "2026-12-06..2026-12-06");
  EXPECT_EQ(
      text(ReportPeriodOf(v1::REPORT_PERIOD_WEEK, absl::CivilDay(2026, 12, 6))),
      "2026-11-30..2026-12-06");
  EXPECT_EQ(text(ReportPeriodOf(v1::REPORT_PERIOD_WEEK,
                                absl::CivilDay(2026, 11, 30))),
            "2026-11-30..2026-12-06");
  EXPECT_EQ(text(ReportPeriodOf(v1::REPORT_PERIOD_MONTH,
                                absl::CivilDay(2026, 3, 1) - 1)),
            "2026-02-01..2026-02-28");
  // The period before a period.
  Period week =
      ReportPeriodOf(v1::REPORT_PERIOD_WEEK, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(text(week), "2025-12-29..2026-01-04");
  EXPECT_EQ(text(ReportPeriodOf(v1::REPORT_PERIOD_WEEK, week.start - 1)),
            "2025-12-22..2025-12-28");
}

TEST(Dimensions, ScopesMapToKindsOrNameTheRule) {
  v1::Scope s;
  s.set_kind(v1::SCOPE_KIND_REGION);
  s.set_code("330483101");
  ASSERT_OK_AND_ASSIGN(Dim d, DimOfScope(s, "scope"));
  EXPECT_EQ(d.kind, kTown);
  s.set_code("33048310");
  EXPECT_THAT(DimOfScope(s, "scope"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scope.code: must be a city")));
  s.set_kind(v1::SCOPE_KIND_CATEGORY);
  s.set_code("E01");
  ASSERT_OK_AND_ASSIGN(d, DimOfScope(s, "scope"));
  EXPECT_EQ(d.kind, kMajor);
  s.set_code("E0101");
  ASSERT_OK_AND_ASSIGN(d, DimOfScope(s, "scope"));
  EXPECT_EQ(d.kind, kCategory);
  s.set_kind(v1::SCOPE_KIND_SOURCE);
  s.set_code("SOURCE_WECHAT");
  ASSERT_OK_AND_ASSIGN(d, DimOfScope(s, "scope"));
  EXPECT_EQ(d.kind, kSource);
  s.set_code("WECHAT");
  EXPECT_THAT(DimOfScope(s, "scope"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("Source value name")));
  s.set_kind(v1::SCOPE_KIND_ALL);
  EXPECT_THAT(
      DimOfScope(s, "scope"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must be empty")));
  s.set_kind(v1::SCOPE_KIND_UNSPECIFIED);
  EXPECT_THAT(
      DimOfScope(s, "scope"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("scope.kind")));
}

TEST(Dimensions, CitizensAreNotRankedAsReporters) {
  v1::CaseDimensions d;
  d.set_town_code("330483101");
  d.set_reporter_id("wx-1");
  d.set_reporter_kind(v1::REPORTER_KIND_CITIZEN);
  for (const Dim& dim : DimsOf(d, "")) EXPECT_NE(dim.kind, kReporter);
  d.set_reporter_kind(v1::REPORTER_KIND_GRID_MANAGER);
  bool found = false;
  for (const Dim& dim : DimsOf(d, "works")) {
    found |= dim.kind == kReporter && dim.value == "wx-1";
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace gridcase::stats
