// StatsProcessTest: the case stack of tests/case_stack.h plus a
// gridcase-stats process, with helpers to read the town's Summary (polling
// until the consumer caught up), a Ranking, and to close a case. Shared by
// the process tests of statistics.
#ifndef GRIDCASE_TESTS_STATS_STACK_H_
#define GRIDCASE_TESTS_STATS_STACK_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "tests/case_stack.h"

namespace gridcase::testing {

inline constexpr char kTown[] = "330483101";  // 濮院镇

class StatsProcessTest : public CaseStackTest {
 protected:
  void SetUp() override {
    CaseStackTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(StartStats());
    absl::TimeZone shanghai;
    absl::LoadTimeZone("Asia/Shanghai", &shanghai);
    absl::CivilDay today = absl::ToCivilDay(absl::Now(), shanghai);
    // Yesterday to tomorrow: safe if the test runs across midnight.
    period_.set_start_date(absl::FormatCivilTime(today - 1));
    period_.set_end_date(absl::FormatCivilTime(today + 1));
  }

  // (Re)starts gridcase-stats on the stack's Redis.
  void StartStats() {
    ASSERT_OK_AND_ASSIGN(
        stats_,
        ServiceProcess::Start(
            {.binary = GRIDCASE_STATS_BIN,
             .redis = redis_->address(),
             .extra_args = {absl::StrCat("--registry=", registry_->target()),
                            "--gauge_interval=200ms", "--claim_idle=1s"}}));
    stats_stub_ = v1::StatsService::NewStub(stats_->NewChannel());
  }

  absl::StatusOr<v1::SummaryResponse> Summary(
      v1::ScopeKind kind, const std::string& code,
      const std::string& actor = kChief) {
    v1::SummaryRequest req;
    req.mutable_scope()->set_kind(kind);
    req.mutable_scope()->set_code(code);
    *req.mutable_period() = period_;
    grpc::ClientContext context;
    WithActor(&context, actor);
    v1::SummaryResponse resp;
    RETURN_IF_ERROR(FromGrpcStatus(stats_stub_->Summary(&context, req, &resp)));
    return resp;
  }

  // Polls the town's Summary for up to 20 s until `done` holds; returns the
  // last indicators read (for the caller's expectations).
  v1::Indicators AwaitTownIndicators(
      const std::function<bool(const v1::Indicators&)>& done) {
    v1::Indicators x;
    absl::Time until = absl::Now() + absl::Seconds(20);
    while (absl::Now() < until) {
      absl::StatusOr<v1::SummaryResponse> s =
          Summary(v1::SCOPE_KIND_REGION, kTown);
      if (s.ok()) {
        x = s->indicators();
        if (done(x)) break;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    return x;
  }

  absl::StatusOr<v1::RankingResponse> Ranking(v1::RankingLevel level,
                                              v1::Indicator indicator) {
    v1::RankingRequest req;
    req.set_level(level);
    req.set_indicator(indicator);
    *req.mutable_period() = period_;
    grpc::ClientContext context;
    WithActor(&context, kChief);
    v1::RankingResponse resp;
    RETURN_IF_ERROR(FromGrpcStatus(stats_stub_->Ranking(&context, req, &resp)));
    return resp;
  }

  void Close(const std::string& id, const std::string& staff) {
    ASSERT_OK(
        AcknowledgeCase(staff, For<v1::AcknowledgeCaseRequest>(id)).status());
    ASSERT_OK(SubmitHandling(staff, Handled(id)).status());
    ASSERT_OK(VerifyCase(kInspector, Verify(id, true)).status());
  }

  std::unique_ptr<ServiceProcess> stats_;
  std::unique_ptr<v1::StatsService::Stub> stats_stub_;
  v1::DateRange period_;
};

}  // namespace gridcase::testing

#endif  // GRIDCASE_TESTS_STATS_STACK_H_
