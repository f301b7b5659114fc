// Two statistics snapshots compare equal only when their numbers are.
#include "tests/fault/stats_snapshot.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::fault {
namespace {

using ::testing::HasSubstr;

StatsSnapshot TownReports(int reports) {
  auto summary = std::make_shared<v1::SummaryResponse>();
  summary->mutable_scope()->set_kind(v1::SCOPE_KIND_REGION);
  summary->mutable_scope()->set_code("330483101");
  summary->mutable_indicators()->set_reports(reports);
  return {{"Summary SCOPE_KIND_REGION 330483101", summary}};
}

TEST(DiffStats, EqualSnapshotsHaveNoDifference) {
  EXPECT_EQ(DiffStats(TownReports(7), TownReports(7)), "");
}

TEST(DiffStats, NamesTheQueryAndTheFieldThatDiffer) {
  std::string diff = DiffStats(TownReports(7), TownReports(8));
  EXPECT_THAT(diff, HasSubstr("Summary SCOPE_KIND_REGION 330483101"));
  EXPECT_THAT(diff, HasSubstr("indicators.reports: 7 -> 8"));
}

}  // namespace
}  // namespace gridcase::fault
