#include "tools/loadgen/schedule.h"

#include "gtest/gtest.h"

namespace gridcase::loadgen {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ArrivalScheduleTest, CallIStartsAtIOverRate) {
  ArrivalSchedule s(1000);
  EXPECT_EQ(s.IntendedStart(0), Nanos(0));
  EXPECT_EQ(s.IntendedStart(1), milliseconds(1));
  EXPECT_EQ(s.IntendedStart(2500), milliseconds(2500));
}

TEST(ArrivalScheduleTest, NoDriftOverAMillionCalls) {
  ArrivalSchedule s(3);  // 333.33... ms apart
  EXPECT_EQ(s.IntendedStart(3000000), seconds(1000000));
  EXPECT_EQ(s.IntendedStart(1), Nanos(333333333));
  EXPECT_EQ(s.IntendedStart(2), Nanos(666666667));
}

TEST(ArrivalScheduleTest, DueByCountsCallsAtOrBeforeTheInstant) {
  ArrivalSchedule s(10);  // every 100 ms
  EXPECT_EQ(s.DueBy(Nanos(-1)), 0);
  EXPECT_EQ(s.DueBy(Nanos(0)), 1);
  EXPECT_EQ(s.DueBy(milliseconds(99)), 1);
  EXPECT_EQ(s.DueBy(milliseconds(100)), 2);
  EXPECT_EQ(s.DueBy(seconds(1)), 11);
}

TEST(ArrivalScheduleTest, CallsBeforeIsHalfOpen) {
  ArrivalSchedule s(10);
  EXPECT_EQ(s.CallsBefore(Nanos(0)), 0);
  EXPECT_EQ(s.CallsBefore(seconds(1)), 10);  // 0 .. 900 ms
  EXPECT_EQ(s.CallsBefore(seconds(1) + Nanos(1)), 11);
}

TEST(ArrivalScheduleTest, FractionalRates) {
  ArrivalSchedule s(0.5);  // every 2 s
  EXPECT_EQ(s.IntendedStart(3), seconds(6));
  EXPECT_EQ(s.CallsBefore(seconds(10)), 5);
}

TEST(TimelineTest, PhasesAreHalfOpen) {
  Timeline t(absl::Seconds(2), absl::Seconds(10));
  EXPECT_EQ(t.PhaseAt(Nanos(0)), Phase::kWarmup);
  EXPECT_EQ(t.PhaseAt(seconds(2) - Nanos(1)), Phase::kWarmup);
  EXPECT_EQ(t.PhaseAt(seconds(2)), Phase::kMeasured);
  EXPECT_EQ(t.PhaseAt(seconds(12) - Nanos(1)), Phase::kMeasured);
  EXPECT_EQ(t.PhaseAt(seconds(12)), Phase::kOver);
}

TEST(TimelineTest, OpenLoopMeasuresRateTimesDurationCalls) {
  Timeline t(absl::Seconds(2), absl::Seconds(10));
  ArrivalSchedule s(250);
  int64_t measured = s.CallsBefore(t.end()) - s.CallsBefore(t.warmup());
  EXPECT_EQ(measured, 2500);
  EXPECT_EQ(t.PhaseAt(s.IntendedStart(s.CallsBefore(t.warmup()))),
            Phase::kMeasured);
  EXPECT_EQ(t.PhaseAt(s.IntendedStart(s.CallsBefore(t.warmup()) - 1)),
            Phase::kWarmup);
}

TEST(TimelineTest, NoWarmup) {
  Timeline t(absl::ZeroDuration(), absl::Seconds(1));
  EXPECT_EQ(t.PhaseAt(Nanos(0)), Phase::kMeasured);
}

}  // namespace
}  // namespace gridcase::loadgen
