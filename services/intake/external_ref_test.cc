// External references (ReportCaseRequest.external_ref): unique per system,
// and GetCase finds a case by one. Real redis-server, in-process gRPC.
#include <string>

#include "common/store/keys.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/intake_service_fixture.h"

namespace gridcase::intake {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kAcceptor[] = "subject=m-acc; roles=acceptor";

// A 12345 hotline work order taken by an acceptor, `metres_north` of the
// standard point.
v1::ReportCaseRequest WorkOrder(const std::string& request_id,
                                const std::string& order,
                                double metres_north = 0) {
  v1::ReportCaseRequest r = testdata::GoodReport(request_id);
  r.set_source(v1::SOURCE_HOTLINE);
  r.mutable_location()->set_latitude(kLat + metres_north / 111195.0);
  r.mutable_reporter()->set_id("caller-13812345678");
  r.mutable_external_ref()->set_system("12345");
  r.mutable_external_ref()->set_id(order);
  return r;
}

class ExternalRefTest : public IntakeServiceTest {
 protected:
  absl::StatusOr<v1::GetCaseResponse> GetByRef(const std::string& system,
                                               const std::string& id,
                                               const std::string& actor) {
    v1::GetCaseRequest request;
    request.mutable_external_ref()->set_system(system);
    request.mutable_external_ref()->set_id(id);
    return Call(&v1::IntakeService::Stub::GetCase, request, actor);
  }

  int64_t EventCount() {
    int64_t n = 0;
    for (int shard = 0; shard < 16; ++shard) {
      absl::StatusOr<redis::Reply> len =
          redis_client_->Command({"XLEN", store::EventsKey(shard)});
      EXPECT_OK(len);
      if (len.ok()) n += len->integer();
    }
    return n;
  }
};

TEST_F(ExternalRefTest, TheSameReferenceReturnsTheExistingCase) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse first,
                       Report(WorkOrder("r-1", "GD-20260630-0042"), kAcceptor));
  EXPECT_EQ(first.outcome(), v1::REPORT_OUTCOME_CREATED);
  EXPECT_EQ(first.case_().external_ref().system(), "12345");
  EXPECT_EQ(first.case_().external_ref().id(), "GD-20260630-0042");
  // The hotline sends the work order again under a new request id, 300 m
  // away (not a duplicate by place): the answer is the first case.
  ASSERT_OK_AND_ASSIGN(
      v1::ReportCaseResponse again,
      Report(WorkOrder("r-2", "GD-20260630-0042", 300), kAcceptor));
  EXPECT_EQ(again.outcome(), v1::REPORT_OUTCOME_EXISTING);
  EXPECT_FALSE(again.replayed());
  EXPECT_EQ(again.case_().id(), first.case_().id());
  EXPECT_EQ(again.report_count(), 1);
  EXPECT_EQ(EventCount(), 1);
  // A retry of the first request still replays it.
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse retry,
                       Report(WorkOrder("r-1", "GD-20260630-0042"), kAcceptor));
  EXPECT_TRUE(retry.replayed());
  EXPECT_EQ(retry.outcome(), v1::REPORT_OUTCOME_CREATED);
  EXPECT_EQ(retry.case_().id(), first.case_().id());
  // Another system's order with the same number is another case.
  v1::ReportCaseRequest other = WorkOrder("r-3", "GD-20260630-0042", 300);
  other.mutable_external_ref()->set_system("city-app");
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse other_case,
                       Report(other, kAcceptor));
  EXPECT_EQ(other_case.outcome(), v1::REPORT_OUTCOME_CREATED);
  EXPECT_NE(other_case.case_().id(), first.case_().id());
  EXPECT_EQ(EventCount(), 2);
}

TEST_F(ExternalRefTest, AReferenceOfAnotherTownIsFoundOnItsShard) {
  // Chongfu, another town: its cases live on another shard.
  v1::LocateGridResponse chongfu;
  chongfu.mutable_grid()->set_code("330483104001001");
  chongfu.mutable_community()->set_code("330483104001");
  chongfu.mutable_town()->set_code("330483104");
  chongfu.mutable_city()->set_code("330483");
  registry_.AddGrid({chongfu, 30.540, 120.420, 30.550, 120.430});
  ASSERT_NE(store::ShardOf("330483104", 16), store::ShardOf("330483101", 16));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse first,
                       Report(WorkOrder("r-1", "GD-7"), kAcceptor));
  // The same order again, now placed in Chongfu (the operator corrected
  // the address): still the first case, and nothing stored there.
  v1::ReportCaseRequest moved = WorkOrder("r-2", "GD-7");
  moved.mutable_location()->set_latitude(30.545);
  moved.mutable_location()->set_longitude(120.425);
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse again, Report(moved, kAcceptor));
  EXPECT_EQ(again.outcome(), v1::REPORT_OUTCOME_EXISTING);
  EXPECT_EQ(again.case_().id(), first.case_().id());
  EXPECT_EQ(EventCount(), 1);
}

TEST_F(ExternalRefTest, GetCaseFindsACaseByItsReference) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse first,
                       Report(WorkOrder("r-1", "GD/2026/06/30:42"), kAcceptor));
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse got,
                       GetByRef("12345", "GD/2026/06/30:42", kDispatcher));
  EXPECT_EQ(got.case_().id(), first.case_().id());
  EXPECT_EQ(got.case_().external_ref().id(), "GD/2026/06/30:42");
  EXPECT_THAT(GetByRef("12345", "GD-none", kDispatcher),
              StatusIs(absl::StatusCode::kNotFound,
                       "external_ref: no case has 12345 reference 'GD-none'"));
  v1::GetCaseRequest both;
  both.set_case_id(first.case_().id());
  *both.mutable_external_ref() = first.case_().external_ref();
  EXPECT_THAT(Call(&v1::IntakeService::Stub::GetCase, both, kDispatcher),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("external_ref: give either case_id or "
                                 "external_ref, not both")));
  EXPECT_THAT(GetByRef("", "GD-1", kDispatcher),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("external_ref.system: must be 1-32")));
}

// The reference is the centre's business with the other system: citizens
// other than the reporter see the public view, which has no reference.
TEST_F(ExternalRefTest, TheReferenceIsNotInThePublicView) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse first,
                       Report(WorkOrder("r-1", "GD-9"), kAcceptor));
  ASSERT_OK_AND_ASSIGN(v1::GetCaseResponse seen, Get(first.case_().id()));
  EXPECT_FALSE(seen.case_().has_external_ref());
}

TEST_F(ExternalRefTest, OnlyChannelBackendsAndCentreStaffSetOne) {
  v1::ReportCaseRequest own = testdata::GoodReport("r-1");
  own.mutable_external_ref()->set_system("12345");
  own.mutable_external_ref()->set_id("GD-1");
  EXPECT_THAT(Report(own, kCitizen),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("external_ref: set only by a channel "
                                 "backend or by centre staff")));
  EXPECT_EQ(EventCount(), 0);
}

TEST_F(ExternalRefTest, MalformedReferencesNameTheFieldAndTheRule) {
  struct Case {
    std::string system, id, message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "GD-1", "external_ref.system: must be 1-32 characters"},
           {std::string(33, 'a'), "GD-1", "external_ref.system: must be 1-32"},
           {"12 345", "GD-1", "external_ref.system: must be 1-32"},
           {"12345", "", "external_ref.id: must be 1-64 characters"},
           {"12345", std::string(65, '1'), "external_ref.id: must be 1-64"},
           {"12345", "GD 1", "external_ref.id: must be 1-64"},
           {"12345", "工单1", "external_ref.id: must be 1-64"},
       }) {
    v1::ReportCaseRequest r = WorkOrder("r-1", c.id);
    r.mutable_external_ref()->set_system(c.system);
    EXPECT_THAT(
        Report(r, kAcceptor),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.system << " / " << c.id;
  }
  EXPECT_EQ(EventCount(), 0);
}

}  // namespace
}  // namespace gridcase::intake
