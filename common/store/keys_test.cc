#include "common/store/keys.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_matchers.h"
#include "common/store/case_id.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CaseKeys, IdempotencyScopesOfDifferentCallersNeverCollide) {
  EXPECT_NE(IdempotencyScope("wx:a", "b:c"), IdempotencyScope("wx:a:b", "c"));
  EXPECT_NE(IdempotencyScope("a", "1:b:c"), IdempotencyScope("a:1:b", "c"));
  EXPECT_EQ(IdempotencyScope("wx:a", "r-1"), "4:wx:a:r-1");
}

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

TEST(CaseKeys, IdsAfterARestoreStillParseAndCarryTheirShard) {
  // A counter at 123 jumps by the gap ...
  int64_t gap_jump = 123 + kCounterGapAfterRestart + 1;
  std::string id = FormatCaseId("330483", "20260630", gap_jump * 16 + 7);
  EXPECT_EQ(id, "330483-20260630-1601991");
  ASSERT_OK_AND_ASSIGN(CaseId parsed, ParseCaseId(id, 16));
  EXPECT_EQ(parsed.sequence, 1601991);
  EXPECT_EQ(parsed.shard, 7);
  EXPECT_EQ(parsed.sequence / 16, gap_jump);
  // ... or to the clock: 10:00:00.003 is 36,000,003 ms into the day.
  ASSERT_OK_AND_ASSIGN(
      CaseId clock,
      ParseCaseId(FormatCaseId("330483", "20260630", 36000003LL * 16 + 7), 16));
  EXPECT_EQ(clock.shard, 7);
  // Ids issued before the gap existed still parse.
  ASSERT_OK_AND_ASSIGN(CaseId old, ParseCaseId("330483-20260630-000087", 16));
  EXPECT_EQ(old.sequence, 87);
  // A dozen digits hold the clock's largest (86,400,000 ms plus a day of
  // skew) at 1,024 shards, and 9,765 gap jumps in one day.
  for (int64_t counter : std::vector<int64_t>{
           2 * 86400000LL, 9765 * (kCounterGapAfterRestart + 1)}) {
    std::string most =
        FormatCaseId("330483", "20260630", counter * 1024 + 1023);
    absl::StatusOr<CaseId> big = ParseCaseId(most, 1024);
    ASSERT_OK(big.status()) << most;
    EXPECT_EQ(big->shard, 1023);
  }
  EXPECT_THAT(
      ParseCaseId("330483-20260630-1000000000000", 16),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("case_id")));
}

TEST(CaseKeys, CounterKeysShareTheShardTag) {
  EXPECT_EQ(SequenceKey(3, "330483", "20260630"), "{s:3}:seq:330483:20260630");
  EXPECT_EQ(SequenceRunKey(3, "330483", "20260630"),
            "{s:3}:seqrun:330483:20260630");
}

TEST(CaseKeys, CaseDayIsTheLocalDateAndItsMidnight) {
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  // 2026-06-30 00:30 in Shanghai is still 2026-06-29 in UTC.
  absl::Time t =
      absl::FromCivil(absl::CivilSecond(2026, 6, 30, 0, 30, 0), shanghai);
  CaseDay day = CaseDayOf(t, shanghai);
  EXPECT_EQ(day.yyyymmdd, "20260630");
  EXPECT_EQ(day.start, t - absl::Minutes(30));
  EXPECT_EQ(CaseDayOf(day.start, shanghai).yyyymmdd, "20260630");
  EXPECT_EQ(CaseDayOf(day.start - absl::Nanoseconds(1), shanghai).yyyymmdd,
            "20260629");
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

TEST(CaseKeys, AlarmMembersRoundTrip) {
  EXPECT_EQ(AlarmMember("330483-20260630-000087", true),
            "330483-20260630-000087|d");
  std::optional<AlarmOf> warn = ParseAlarmMember(AlarmMember("c-1", false));
  ASSERT_TRUE(warn.has_value());
  EXPECT_EQ(warn->case_id, "c-1");
  EXPECT_FALSE(warn->overdue);
  EXPECT_FALSE(ParseAlarmMember("no-bar").has_value());
}

TEST(CaseKeys, CountFieldsRoundTrip) {
  std::string f = OpenCountField(v1::CASE_STATE_REGISTERED, "330483101");
  EXPECT_EQ(f, "2|330483101");
  OpenCountOf parsed = ParseOpenCountField(f);
  EXPECT_EQ(parsed.state, v1::CASE_STATE_REGISTERED);
  EXPECT_EQ(parsed.town_code, "330483101");
  EXPECT_EQ(OverdueCountField(""), "-");
  EXPECT_EQ(DepartmentOfOverdueField(OverdueCountField("")), "");
  EXPECT_EQ(DepartmentOfOverdueField(OverdueCountField("works")), "works");
}

TEST(CaseKeys, EventsKeysTellTheirShard) {
  EXPECT_EQ(ShardOfEventsKey(EventsKey(12)), 12);
  EXPECT_FALSE(ShardOfEventsKey(DeadEventsKey(12)).has_value());
  EXPECT_FALSE(ShardOfEventsKey("{s:x}:events").has_value());
}

TEST(CaseKeys, StatsKeysTellTheirGeneration) {
  std::string key = absl::StrCat(StatsGenerationPrefix(4, 17),
                                 StatsBucketSuffix("tn", "20261126"));
  EXPECT_EQ(key, "{s:4}:st:17:tn:20261126");
  EXPECT_EQ(StatsGenerationOfKey(4, key), 17);
  EXPECT_FALSE(StatsGenerationOfKey(4, StatsMetaKey(4)).has_value());
  EXPECT_FALSE(StatsGenerationOfKey(5, key).has_value());
  EXPECT_EQ(StatsSeenSuffix("1719712800000-0"), "seen:20240630");
}

}  // namespace
}  // namespace gridcase::store
