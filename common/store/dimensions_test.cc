#include "common/store/dimensions.h"

#include "absl/time/civil_time.h"
#include "common/clock/timestamp.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

TEST(DimensionsOf, CarryTheCaseAsItIsNow) {
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  v1::Case c;
  c.set_grid_code("330483101002007");
  c.set_community_code("330483101002");
  c.set_town_code("330483101");
  c.set_city_code("330483");
  c.set_category_code("E0101");
  c.set_category_major_code("E01");
  c.set_source(v1::SOURCE_WECHAT);
  c.set_department_id("sanitation");
  c.mutable_reporter()->set_id("wx:o6_1");
  c.mutable_reporter()->set_kind(v1::REPORTER_KIND_CITIZEN);
  c.mutable_reporter()->set_anonymous(true);
  // 2026-06-30 23:30 UTC is 2026-07-01 07:30 in Shanghai.
  *c.mutable_reported_at() = ToTimestamp(absl::FromCivil(
      absl::CivilSecond(2026, 6, 30, 23, 30, 0), absl::UTCTimeZone()));
  v1::CaseDimensions d = DimensionsOf(c, shanghai);
  EXPECT_EQ(d.grid_code(), "330483101002007");
  EXPECT_EQ(d.community_code(), "330483101002");
  EXPECT_EQ(d.town_code(), "330483101");
  EXPECT_EQ(d.city_code(), "330483");
  EXPECT_EQ(d.category_code(), "E0101");
  EXPECT_EQ(d.category_major_code(), "E01");
  EXPECT_EQ(d.source(), v1::SOURCE_WECHAT);
  EXPECT_EQ(d.department_id(), "sanitation");
  EXPECT_EQ(d.reporter_id(), "wx:o6_1");
  EXPECT_EQ(d.reporter_kind(), v1::REPORTER_KIND_CITIZEN);
  EXPECT_TRUE(d.reporter_anonymous());
  EXPECT_EQ(d.report_date(), "2026-07-01");
  // Every field of CaseDimensions is set from the case.
  EXPECT_EQ(v1::CaseDimensions::descriptor()->field_count(), 12);
}

TEST(DimensionsOf, ANewReportHasNoDepartment) {
  v1::Case c;
  c.set_town_code("330483101");
  EXPECT_EQ(DimensionsOf(c, absl::UTCTimeZone()).department_id(), "");
  EXPECT_EQ(DimensionsOf(c, absl::UTCTimeZone()).report_date(), "1970-01-01");
}

}  // namespace
}  // namespace gridcase::store
