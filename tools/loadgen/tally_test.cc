#include "tools/loadgen/tally.h"

#include "gtest/gtest.h"

namespace gridcase::loadgen {
namespace {

using std::chrono::milliseconds;

TEST(TallyTest, OkCallsGiveLatencyAndRate) {
  Tally t;
  for (int i = 1; i <= 100; ++i) t.Record(Outcome::Ok(), milliseconds(i));
  RunResult r;
  r.duration_s = 10;
  t.Fill(&r);
  EXPECT_EQ(r.calls_ok, 100);
  EXPECT_EQ(r.calls_failed, 0);
  EXPECT_DOUBLE_EQ(r.calls_per_s, 10);
  EXPECT_NEAR(r.latency_ms.p50, 50, 0.5);
  EXPECT_NEAR(r.latency_ms.p99, 99, 1);
  EXPECT_DOUBLE_EQ(r.latency_ms.max, 100);
  EXPECT_NEAR(r.latency_ms.mean, 50.5, 0.01);
}

TEST(TallyTest, FailuresCountByCodeAndStepNotInLatency) {
  Tally t;
  t.Record(Outcome::Ok(), milliseconds(2));
  t.Record(Outcome::Failed("", "UNAVAILABLE", "down"), milliseconds(500));
  t.Record(Outcome::Failed("", "UNAVAILABLE", "down"), milliseconds(500));
  t.Record(Outcome::Failed("RegisterCase", "ABORTED", "stale version"),
           milliseconds(9));
  RunResult r;
  r.duration_s = 1;
  t.Fill(&r);
  EXPECT_EQ(r.calls_ok, 1);
  EXPECT_EQ(r.calls_failed, 3);
  EXPECT_EQ(r.errors.at("UNAVAILABLE"), 2);
  EXPECT_EQ(r.errors.at("ABORTED"), 1);
  EXPECT_EQ(r.step_errors.size(), 1u);
  EXPECT_EQ(r.step_errors.at("RegisterCase:ABORTED"), 1);
  EXPECT_DOUBLE_EQ(r.latency_ms.max, 2);
  ASSERT_EQ(r.error_samples.size(), 2u);
  EXPECT_EQ(r.error_samples[0], "UNAVAILABLE: down");
  EXPECT_EQ(r.error_samples[1], "RegisterCase ABORTED: stale version");
}

TEST(TallyTest, KeepsTheFirstFiveDistinctMessages) {
  Tally t;
  for (int i = 0; i < 20; ++i) {
    t.Record(Outcome::Failed("", "INTERNAL", std::to_string(i % 7)),
             milliseconds(1));
  }
  RunResult r;
  t.Fill(&r);
  ASSERT_EQ(r.error_samples.size(), 5u);
  EXPECT_EQ(r.error_samples[4], "INTERNAL: 4");
}

TEST(TallyTest, NotSentIsCounted) {
  Tally t;
  t.NotSent();
  t.NotSent();
  RunResult r;
  t.Fill(&r);
  EXPECT_EQ(r.not_sent, 2);
  EXPECT_EQ(r.calls_per_s, 0);  // no duration
}

TEST(OutcomeTest, OfMapsStatusCodesToNames) {
  EXPECT_TRUE(Outcome::Of("", grpc::Status::OK).ok());
  Outcome o = Outcome::Of(
      "ReportCase", grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow"));
  EXPECT_EQ(o.code, "DEADLINE_EXCEEDED");
  EXPECT_EQ(o.step, "ReportCase");
  EXPECT_EQ(o.message, "slow");
  EXPECT_EQ(Outcome::Of("x", absl::UnavailableError("no")).code, "UNAVAILABLE");
}

}  // namespace
}  // namespace gridcase::loadgen
