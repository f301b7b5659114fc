// IntakeServiceImpl over a mock store and a fake registry: what reaches the
// store, and what never does.
#include <grpcpp/client_context.h>

#include <map>
#include <set>
#include <string>

#include "common/clock/fake_clock.h"
#include "common/registry_client/fake_registry_client.h"
#include "common/status/grpc_status.h"
#include "common/status/retry_delay.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/in_process_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/case_store.h"
#include "services/intake/intake_service.h"
#include "services/intake/intake_test_data.h"
#include "services/intake/report_quota.h"

namespace gridcase::intake {
namespace {

using ::gridcase::testing::InProcessServer;
using ::gridcase::testing::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

class MockCaseStore : public CaseStore {
 public:
  MOCK_METHOD(absl::StatusOr<ReportResult>, Report, (const NewReport&),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::Case>, GetCase, (const std::string&),
              (override));
  MOCK_METHOD(absl::StatusOr<std::string>, CaseIdByExternalRef,
              (const v1::ExternalRef&), (override));
  MOCK_METHOD(absl::StatusOr<std::vector<v1::CaseEvent>>, Timeline,
              (const std::string&), (override));
  MOCK_METHOD(absl::StatusOr<std::vector<IndexEntry>>, ScanIndex,
              (int, const std::string&, const std::string&, int64_t,
               const std::string&, int),
              (override));
  MOCK_METHOD(absl::StatusOr<std::vector<v1::Case>>, GetCases,
              (const std::vector<std::string>&), (override));
  MOCK_METHOD(absl::StatusOr<std::vector<NearbyEntry>>, Nearby,
              (double, double, int), (override));
  MOCK_METHOD(absl::StatusOr<FollowUpResult>, FollowUp, (const NewFollowUp&),
              (override));
  MOCK_METHOD(absl::StatusOr<std::string>, StreamTail, (int), (override));
  MOCK_METHOD((absl::StatusOr<std::map<int, std::string>>), StreamTails,
              (const std::vector<int>&), (override));
  MOCK_METHOD(absl::Status, CheckRetained, (int, const std::string&),
              (override));
  MOCK_METHOD(absl::StatusOr<std::vector<StreamEvent>>, ReadEvents,
              ((const std::vector<std::pair<int, std::string>>&),
               absl::Duration, int),
              (override));
  MOCK_METHOD(absl::StatusOr<std::vector<StreamEvent>>, ReadRange,
              (int, const std::string&, const std::string&, int), (override));
};

class IntakeHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::LocateGridResponse grid;
    grid.mutable_grid()->set_code("330483101002002");
    grid.mutable_community()->set_code("330483101002");
    grid.mutable_town()->set_code("330483101");
    grid.mutable_city()->set_code("330483");
    registry_.AddGrid({grid, 30.68, 120.62, 30.69, 120.64});
    registry_.AddCategory(testdata::GarbageCategory());
    service_ = std::make_unique<IntakeServiceImpl>(
        &store_, &registry_, &authenticator_, &clock_, &metrics_, nullptr,
        options_);
    ASSERT_OK_AND_ASSIGN(
        server_, InProcessServer::Start(
                     {.services = {{service_.get(),
                                    v1::IntakeService::service_full_name()}}}));
    stub_ = v1::IntakeService::NewStub(server_->NewChannel());
  }

  absl::Status Report(const v1::ReportCaseRequest& r,
                      const std::string& actor = "subject=wx-1; roles=citizen",
                      std::string* retry_pushback = nullptr) {
    grpc::ClientContext context;
    context.AddMetadata("x-gridcase-actor", actor);
    v1::ReportCaseResponse response;
    absl::Status s = FromGrpcStatus(stub_->ReportCase(&context, r, &response));
    if (retry_pushback != nullptr) {
      auto it = context.GetServerTrailingMetadata().find(
          std::string(kRetryPushbackKey));
      *retry_pushback = it == context.GetServerTrailingMetadata().end()
                            ? ""
                            : std::string(it->second.data(), it->second.size());
    }
    return s;
  }

  // Expects one new case from the store.
  void ExpectStored(const std::string& case_id, bool replayed = false) {
    EXPECT_CALL(store_, Report(_))
        .WillOnce(
            Return(ReportResult{.case_id = case_id, .replayed = replayed}));
    v1::Case stored;
    stored.set_id(case_id);
    stored.set_state(v1::CASE_STATE_REPORTED);
    EXPECT_CALL(store_, GetCase(case_id)).WillOnce(Return(stored));
  }

  IntakeOptions options_;

  ::testing::StrictMock<MockCaseStore> store_;
  registry_client::FakeRegistryClient registry_;
  auth::DevHeaderAuthenticator authenticator_;
  FakeClock clock_{absl::FromUnixSeconds(1782784800)};
  prometheus::Registry prometheus_;
  IntakeMetrics metrics_{prometheus_};
  std::unique_ptr<IntakeServiceImpl> service_;
  std::unique_ptr<InProcessServer> server_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
};

TEST_F(IntakeHandlerTest, NothingReachesTheStoreOnAnyError) {
  // StrictMock: any store call fails the test.
  v1::ReportCaseRequest bad = testdata::GoodReport("r-1");
  bad.set_description("");
  EXPECT_THAT(Report(bad), StatusIs(absl::StatusCode::kInvalidArgument, _));
  v1::ReportCaseRequest outside = testdata::GoodReport("r-2");
  outside.mutable_location()->set_latitude(31);
  EXPECT_THAT(Report(outside), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("outside every grid")));
  v1::ReportCaseRequest wrong_source = testdata::GoodReport("r-3");
  wrong_source.set_source(v1::SOURCE_VIDEO);
  EXPECT_THAT(Report(wrong_source),
              StatusIs(absl::StatusCode::kPermissionDenied, _));
  registry_.SetFailure(absl::UnavailableError("registry unavailable: down"));
  EXPECT_THAT(Report(testdata::GoodReport("r-4")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("registry")));
}

TEST_F(IntakeHandlerTest, TheStoreGetsTheLocatedCaseAndItsShard) {
  NewReport seen;
  EXPECT_CALL(store_, Report(_)).WillOnce([&](const NewReport& r) {
    seen = r;
    return ReportResult{"330483-20260630-000023"};
  });
  v1::Case stored;
  stored.set_id("330483-20260630-000023");
  stored.set_state(v1::CASE_STATE_REPORTED);
  EXPECT_CALL(store_, GetCase("330483-20260630-000023"))
      .WillOnce(Return(stored));
  ASSERT_OK(Report(testdata::GoodReport("r-1")));
  EXPECT_EQ(seen.case_template.grid_code(), "330483101002002");
  EXPECT_EQ(seen.division, "330483");
  EXPECT_EQ(seen.date, "20260630");
  EXPECT_EQ(seen.idempotency_scope, "4:wx-1:r-1");  // length-prefixed
  EXPECT_EQ(seen.duplicate_radius_m, 50);
  EXPECT_EQ(seen.reported_event.type(), v1::CASE_EVENT_TYPE_REPORTED);
  EXPECT_EQ(seen.merged_event.type(), v1::CASE_EVENT_TYPE_MERGED);
  EXPECT_EQ(seen.reporter_id, "wx-1");
}

TEST_F(IntakeHandlerTest, StoreOutagesAreReportedAsTheyAre) {
  EXPECT_CALL(store_, Report(_))
      .WillOnce(Return(absl::UnavailableError("redis: connection refused")));
  EXPECT_THAT(Report(testdata::GoodReport("r-1")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("redis")));
}

// The daily quota over an in-memory count; idempotency scopes in
// `acknowledged` are replays.
class FakeReportQuota final : public ReportQuota {
 public:
  absl::StatusOr<int64_t> Used(const std::string& reporter_id,
                               const std::string& date) override {
    return counts[reporter_id + "|" + date];
  }
  absl::Status Add(const std::string& reporter_id,
                   const std::string& date) override {
    ++counts[reporter_id + "|" + date];
    return absl::OkStatus();
  }
  absl::StatusOr<bool> Acknowledged(int shard,
                                    const std::string& scope) override {
    return acknowledged.count(scope) > 0;
  }
  std::map<std::string, int64_t> counts;
  std::set<std::string> acknowledged;
};

class ReportQuotaTest : public IntakeHandlerTest {
 protected:
  ReportQuotaTest() {
    options_.report_quota_per_day = 2;
    options_.report_quota = &quota_;
  }
  FakeReportQuota quota_;
};

TEST_F(ReportQuotaTest, CountsEachNewReportOfACitizen) {
  ExpectStored("330483-20260630-000023");
  ASSERT_OK(Report(testdata::GoodReport("r-1")));
  // 02:00 UTC is 10:00 on 30 June in Shanghai.
  EXPECT_EQ(quota_.counts["wx-1|20260630"], 1);
}

TEST_F(ReportQuotaTest, RefusesANewReportPastTheQuotaUntilMidnight) {
  quota_.counts["wx-1|20260630"] = 2;
  std::string pushback;
  // StrictMock: the store is not asked.
  EXPECT_THAT(
      Report(testdata::GoodReport("r-3"), "subject=wx-1; roles=citizen",
             &pushback),
      StatusIs(absl::StatusCode::kResourceExhausted,
               "report quota: reporter wx-1 has made 2 new reports on "
               "2026-06-30 (Asia/Shanghai); the quota is 2 a day; retry after "
               "50400000 ms"));
  EXPECT_EQ(pushback, "50400000");  // 14 h to midnight in Shanghai
  EXPECT_EQ(metrics_.limits().refused(limits::LimitKind::kQuota).Value(), 1);
  // Another citizen is not affected.
  ExpectStored("330483-20260630-000039");
  EXPECT_OK(Report(testdata::GoodReport("r-1"), "subject=wx-2; roles=citizen"));
}

TEST_F(ReportQuotaTest, AnswersAReplayPastTheQuotaWithoutCountingIt) {
  quota_.counts["wx-1|20260630"] = 2;
  quota_.acknowledged.insert(store::IdempotencyScope("wx-1", "r-1"));
  ExpectStored("330483-20260630-000023", /*replayed=*/true);
  EXPECT_OK(Report(testdata::GoodReport("r-1")));
  EXPECT_EQ(quota_.counts["wx-1|20260630"], 2);
}

TEST_F(ReportQuotaTest, ReplaysUnderTheQuotaAreNotCounted) {
  ExpectStored("330483-20260630-000023", /*replayed=*/true);
  EXPECT_OK(Report(testdata::GoodReport("r-1")));
  EXPECT_EQ(quota_.counts["wx-1|20260630"], 0);
}

TEST_F(ReportQuotaTest, StaffReportsAreNotCounted) {
  quota_.counts["gm-1|20260630"] = 100;
  v1::ReportCaseRequest patrol = testdata::GoodReport("p-1");
  patrol.set_source(v1::SOURCE_GRID_PATROL);
  ExpectStored("330483-20260630-000023");
  EXPECT_OK(Report(patrol,
                   "subject=gm-1; roles=grid_manager; grids=330483101002002"));
  EXPECT_EQ(quota_.counts["gm-1|20260630"], 100);
}

}  // namespace
}  // namespace gridcase::intake
