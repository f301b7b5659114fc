// The fault suite's census counts each kind of damage, and only it.
#include "tests/fault/census.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::fault {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

Acked Ack(const std::string& request, const std::string& id, int seconds,
          bool patrol = true, int phase = 0) {
  return {.request_id = request,
          .case_id = id,
          .patrol = patrol,
          .at = kT0 + absl::Seconds(seconds),
          .phase = phase};
}

StoredCase Stored(const std::string& id, const std::string& marker,
                  v1::CaseState state = v1::CASE_STATE_DISPATCHED,
                  const std::string& department = "sanitation") {
  return {.id = id,
          .marker = marker,
          .source = v1::SOURCE_GRID_PATROL,
          .state = state,
          .department_id = department};
}

TEST(Census, MarkersRoundTripThroughTheDescription) {
  EXPECT_EQ(MarkerOf(DescriptionWithMarker("fault-00042")), "fault-00042");
  EXPECT_EQ(MarkerOf("绿化带旁暴露垃圾"), "");
}

TEST(Census, EverythingFoundCountsNothingElse) {
  Census c = Count({Ack("r1", "c1", 1), Ack("r2", "c2", 2)},
                   {Stored("c1", "r1"), Stored("c2", "r2")}, RestoreWindow());
  EXPECT_EQ(c.acknowledged, 2);
  EXPECT_EQ(c.found, 2);
  EXPECT_EQ(c.lost + c.lost_to_restore + c.duplicated + c.reissued + c.stuck +
                c.stored_unacknowledged + c.merged,
            0);
  EXPECT_TRUE(c.examples.empty());
}

TEST(Census, LossesInsideTheRestoreWindowAreCountedApart) {
  RestoreWindow window{.from = kT0 + absl::Seconds(10),
                       .to = kT0 + absl::Seconds(20)};
  Census c = Count({Ack("r1", "c1", 5, true, 1), Ack("r2", "c2", 15, true, 7)},
                   {}, window);
  EXPECT_EQ(c.lost, 1);
  EXPECT_EQ(c.lost_by_phase, (std::map<int, int>{{1, 1}}));
  EXPECT_EQ(c.lost_to_restore, 1);
  EXPECT_EQ(c.lost_to_restore_by_phase, (std::map<int, int>{{7, 1}}));
  EXPECT_EQ(c.found, 0);
}

TEST(Census, AnIdHoldingAnotherReportIsReissuedAndTheFirstReportLost) {
  RestoreWindow window{.from = kT0 + absl::Seconds(10),
                       .to = kT0 + absl::Seconds(20)};
  // r1 was acknowledged as c7 before the restore; after it, c7 was issued
  // again to r2.
  Census c = Count({Ack("r1", "c7", 15, true, 7), Ack("r2", "c7", 30, true, 7)},
                   {Stored("c7", "r2")}, window);
  EXPECT_EQ(c.found, 1);
  EXPECT_EQ(c.lost_to_restore, 1);
  EXPECT_EQ(c.reissued, 1);
  EXPECT_EQ(c.reissued_by_phase, (std::map<int, int>{{7, 1}}));
  EXPECT_THAT(c.examples, ::testing::Contains(HasSubstr(
                              "re-issued: r1 acknowledged as c7, which holds "
                              "r2")));
}

TEST(Census, AMarkerInTwoCasesIsDuplicated) {
  Census c = Count({Ack("r1", "c1", 1)},
                   {Stored("c1", "r1"), Stored("c2", "r1")}, RestoreWindow());
  EXPECT_EQ(c.found, 1);
  EXPECT_EQ(c.duplicated, 1);
  EXPECT_EQ(c.stored, 2);
}

TEST(Census, PatrolCasesNotDispatchedAreStuck) {
  StoredCase manual = Stored("c4", "r4", v1::CASE_STATE_REPORTED, "");
  manual.source = v1::SOURCE_WECHAT;  // waits for review: not stuck
  Census c = Count(
      {Ack("r1", "c1", 1), Ack("r2", "c2", 1), Ack("r3", "c3", 1),
       Ack("r4", "c4", 1, false)},
      {Stored("c1", "r1", v1::CASE_STATE_REPORTED, ""),
       Stored("c2", "r2", v1::CASE_STATE_REGISTERED, ""),
       Stored("c3", "r3", v1::CASE_STATE_REGISTERED, "sanitation"), manual},
      RestoreWindow());
  EXPECT_EQ(c.stuck, 2);
  EXPECT_EQ(c.found, 4);
}

TEST(Census, StoredButNeverAcknowledgedAndMergedAreCounted) {
  Census c =
      Count({Ack("r1", "c1", 1)},
            {Stored("c1", "r1"), Stored("c2", "r9", v1::CASE_STATE_MERGED, "")},
            RestoreWindow());
  EXPECT_EQ(c.stored_unacknowledged, 1);
  EXPECT_EQ(c.merged, 1);
}

TEST(Census, PrintsEachCountWithTheModeAndThePhases) {
  RestoreWindow window{.from = kT0, .to = kT0 + absl::Seconds(1)};
  Census c = Count({Ack("r1", "c1", 0, true, 1)}, {}, window);
  std::ostringstream out;
  PrintCensus(c, {"warm-up", "restore"}, "everysec", out);
  EXPECT_THAT(out.str(),
              HasSubstr("lost to the restore window (appendfsync everysec)"));
  EXPECT_THAT(out.str(), HasSubstr("(restore: 1)"));
  EXPECT_THAT(out.str(), ::testing::ContainsRegex("reports acknowledged +1"));
}

}  // namespace
}  // namespace gridcase::fault
