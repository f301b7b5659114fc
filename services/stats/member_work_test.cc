// The grid-member work: coverage counts only the member's own grids, and the
// score leaves out what is undefined and compares volumes with the most any
// member ranked with them did.
#include "services/stats/member_work.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/stats/indicators.h"

namespace gridcase::stats {
namespace {

v1::Indicators Reported(int64_t reports, int64_t valid, int64_t self) {
  v1::Indicators x;
  x.set_reports(reports);
  x.set_self_handled(self);
  *x.mutable_valid_report_rate() = MakeRatio(valid, reports);
  return x;
}

v1::Indicators Verified(int64_t verified, int64_t on_time, int64_t checked) {
  v1::Indicators x;
  x.set_verified(verified);
  x.set_checked(checked);
  *x.mutable_on_time_verify_rate() = MakeRatio(on_time, verified);
  return x;
}

TEST(MemberWork, CoverageCountsOnlyTheMembersOwnGrids) {
  MemberPatrols p{
      .grids_visited = {"g1", "g3", "other"}, .patrols = 2, .check_ins = 3};
  v1::GridMemberWork w =
      WorkOf({"g1", "g2", "g3", "g4"}, p, Reported(0, 0, 0), Verified(0, 0, 0));
  EXPECT_EQ(w.grids(), 4);
  EXPECT_EQ(w.grids_visited(), 2);
  EXPECT_DOUBLE_EQ(w.patrol_coverage().value(), 0.5);
  EXPECT_EQ(w.patrols(), 2);
  EXPECT_EQ(w.check_ins(), 3);
  // No grids: coverage is undefined, not 0%.
  EXPECT_FALSE(WorkOf({}, p, Reported(0, 0, 0), Verified(0, 0, 0))
                   .patrol_coverage()
                   .defined());
}

TEST(MemberWork, TheScoreWeighsWhatIsDefinedAndComparesVolumesWithTheBest) {
  v1::GridMemberWork a = WorkOf({"g1", "g2"}, {.grids_visited = {"g1", "g2"}},
                                Reported(4, 3, 2), Verified(2, 1, 2));
  v1::GridMemberWork b = WorkOf({"g3", "g4"}, {.grids_visited = {"g3"}},
                                Reported(2, 2, 0), Verified(0, 0, 0));
  ScoreWork({&a, &b});
  // a: 30·1 + 15·3/4 + 15·1/2 + 20·4/4 + 10·2/2 + 10·4/4 = 88.75 of 100.
  EXPECT_TRUE(a.score_defined());
  EXPECT_DOUBLE_EQ(a.score(), 88.75);
  // b: 30·1/2 + 15·1 + 20·2/4 + 10·0 + 10·0 = 40 of 85 (nothing to verify).
  EXPECT_DOUBLE_EQ(b.score(), 100.0 * 40 / 85);

  // Nobody did anything: only coverage is defined.
  v1::GridMemberWork idle =
      WorkOf({"g1"}, {}, Reported(0, 0, 0), Verified(0, 0, 0));
  ScoreWork({&idle});
  EXPECT_TRUE(idle.score_defined());
  EXPECT_DOUBLE_EQ(idle.score(), 0);
  // Nothing at all defined: no score.
  v1::GridMemberWork none =
      WorkOf({}, {}, Reported(0, 0, 0), Verified(0, 0, 0));
  ScoreWork({&none});
  EXPECT_FALSE(none.score_defined());
}

}  // namespace
}  // namespace gridcase::stats
