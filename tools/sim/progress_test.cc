#include "tools/sim/progress.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::sim {
namespace {

using testing::HasSubstr;
using testing::Not;

Tally EveryPath() {
  Tally t;
  t.reports = 140;
  t.calls = 1200;
  t.states[v1::CASE_STATE_CLOSED] = 100;
  t.states[v1::CASE_STATE_MERGED] = 9;
  t.states[v1::CASE_STATE_IN_PROGRESS] = 25;
  t.returned = 2;
  t.reworked = 3;
  t.extended = 1;
  t.red = 6;
  t.open = 25;
  return t;
}

TEST(ProgressLine, ShowsCountsPerStateRatesAndPaths) {
  std::string line = ProgressLine(EveryPath(), absl::Seconds(20), 0.912);
  EXPECT_THAT(line, HasSubstr("[  20s] 140 reports 7.0/s · 1200 calls 60/s"));
  EXPECT_THAT(line, HasSubstr("in_progress 25 closed 100 merged 9"));
  EXPECT_THAT(line, HasSubstr("late 6 · returned 2 · reworked 3 · extended 1"));
  EXPECT_THAT(line, HasSubstr("按期结案率 today 91.2%"));
  EXPECT_THAT(ProgressLine(Tally{}, absl::Seconds(1), std::nullopt),
              Not(HasSubstr("按期结案率")));
}

TEST(Summary, SaysWhichPathsWereReached) {
  Tally t = EveryPath();
  EXPECT_TRUE(ReachedEveryPath(t));
  std::string s = Summary(t, absl::Seconds(90));
  EXPECT_THAT(s, HasSubstr("closed yes · reworked yes · returned yes · "
                           "extended yes · overdue yes · merged yes · "
                           "voided NO"));
  EXPECT_THAT(s, HasSubstr("still open:     25"));
  t.examples["reworked"] = "330483-20261126-000007";
  EXPECT_THAT(Summary(t, absl::Seconds(9)),
              HasSubstr("  a reworked  case: 330483-20261126-000007\n"));
  t.extended = 0;
  EXPECT_FALSE(ReachedEveryPath(t));
  EXPECT_THAT(Summary(t, absl::Seconds(90)), HasSubstr("extended NO"));
  t = EveryPath();
  t.states.erase(v1::CASE_STATE_MERGED);
  EXPECT_FALSE(ReachedEveryPath(t));
}

}  // namespace
}  // namespace gridcase::sim
