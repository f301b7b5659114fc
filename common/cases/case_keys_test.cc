#include "common/cases/case_keys.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::cases {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CaseKeys, ShardIsStableAndInRange) {
  EXPECT_EQ(ShardOf("330483101", 16), ShardOf("330483101", 16));
  for (const char* town : {"330483001", "330483101", "330483108"}) {
    int s = ShardOf(town, 16);
    EXPECT_GE(s, 0);
    EXPECT_LT(s, 16);
  }
  EXPECT_EQ(ShardOf("330483101", 1), 0);
  EXPECT_EQ(CaseKey(7, "x"), "{s:7}:case:x");
  EXPECT_EQ(EventsKey(3), "{s:3}:events");
  EXPECT_EQ(DeadEventsKey(3), "{s:3}:events:dead");
}

TEST(CaseKeys, IdsCarryTheirShard) {
  std::string id = FormatCaseId("330483", "20260630", 5 * 16 + 7);
  EXPECT_EQ(id, "330483-20260630-000087");
  ASSERT_OK_AND_ASSIGN(CaseId parsed, ParseCaseId(id, 16));
  EXPECT_EQ(parsed.division, "330483");
  EXPECT_EQ(parsed.date, "20260630");
  EXPECT_EQ(parsed.sequence, 87);
  EXPECT_EQ(parsed.shard, 7);
  EXPECT_EQ(FormatCaseId("330483", "20260630", 1234567),
            "330483-20260630-1234567");
}

TEST(CaseKeys, MalformedIdsNameTheField) {
  for (const char* bad : {"", "330483-2026063-000001", "33048-20260630-000001",
                          "330483-20260630-12", "330483-20260630-00000x",
                          "330483_20260630_000001"}) {
    EXPECT_THAT(ParseCaseId(bad, 16),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("case_id: must look like")))
        << bad;
  }
}

}  // namespace
}  // namespace gridcase::cases
