#include "services/notify/notify_service.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::notify {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::SizeIs;

class MockOutbox : public Outbox {
 public:
  MOCK_METHOD(absl::StatusOr<int>, Enqueue,
              (const v1::CaseEvent&, const std::vector<NewDelivery>&,
               absl::Time),
              (override));
  MOCK_METHOD(absl::StatusOr<std::vector<Leased>>, Lease,
              (int, absl::Time, absl::Duration, int, int), (override));
  MOCK_METHOD(absl::StatusOr<bool>, Settle,
              (const Leased&, Outcome, absl::Time, absl::Time,
               const std::string&),
              (override));
  MOCK_METHOD(absl::StatusOr<DeliveryPage>, List,
              (const DeliveryFilter&, const std::string&, int), (override));
  MOCK_METHOD(absl::StatusOr<v1::Delivery>, Get, (const std::string&),
              (override));
  MOCK_METHOD(absl::StatusOr<int64_t>, DueCount, (absl::Time), (override));
};

constexpr char kCase[] = "330483-20261205-000042";

v1::Actor As(v1::Role role, const std::string& department = "") {
  v1::Actor a;
  a.set_subject("x-1");
  a.add_roles(role);
  a.set_department_id(department);
  return a;
}

v1::Delivery To(v1::RecipientKind kind, const std::string& id) {
  v1::Delivery d;
  d.set_id(absl::StrCat("2/1-0/", id));
  d.mutable_recipient()->set_kind(kind);
  d.mutable_recipient()->set_id(id);
  return d;
}

DeliveryPage Page(std::vector<v1::Delivery> d, std::string next = "") {
  DeliveryPage p;
  p.deliveries = std::move(d);
  p.next_key = std::move(next);
  return p;
}

TEST(ListDeliveries, NeedsExactlyOneOfCaseAndRecipient) {
  ::testing::StrictMock<MockOutbox> outbox;
  v1::ListDeliveriesRequest neither;
  EXPECT_THAT(ListDeliveries(outbox, 16, As(v1::ROLE_DUTY_CHIEF), neither),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("case_id: give exactly one")));
  v1::ListDeliveriesRequest both;
  both.set_case_id(kCase);
  both.mutable_recipient()->set_kind(v1::RECIPIENT_KIND_DUTY_CHIEF);
  both.mutable_recipient()->set_id("duty_chief");
  EXPECT_THAT(ListDeliveries(outbox, 16, As(v1::ROLE_DUTY_CHIEF), both),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  v1::ListDeliveriesRequest bad_case;
  bad_case.set_case_id("nope");
  EXPECT_THAT(ListDeliveries(outbox, 16, As(v1::ROLE_DUTY_CHIEF), bad_case),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("case_id: must be a case id")));
  v1::ListDeliveriesRequest no_kind;
  no_kind.mutable_recipient()->set_id("works");
  EXPECT_THAT(ListDeliveries(outbox, 16, As(v1::ROLE_DUTY_CHIEF), no_kind),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("recipient.kind")));
}

TEST(ListDeliveries, CentreStaffSeeEverythingAndPageOn) {
  MockOutbox outbox;
  EXPECT_CALL(outbox, List(_, "", 2))
      .WillOnce(Return(Page({To(v1::RECIPIENT_KIND_DEPARTMENT, "works"),
                             To(v1::RECIPIENT_KIND_REPORTER, "wx:1")},
                            "5|2/1-0/wx:1")));
  v1::ListDeliveriesRequest req;
  req.set_case_id(kCase);
  req.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(v1::ListDeliveriesResponse first,
                       ListDeliveries(outbox, 16, As(v1::ROLE_ACCEPTOR), req));
  EXPECT_THAT(first.deliveries(), SizeIs(2));
  ASSERT_FALSE(first.next_page_token().empty());
  EXPECT_CALL(outbox, List(_, "5|2/1-0/wx:1", 2)).WillOnce(Return(Page({})));
  req.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(v1::ListDeliveriesResponse second,
                       ListDeliveries(outbox, 16, As(v1::ROLE_ACCEPTOR), req));
  EXPECT_THAT(second.deliveries(), SizeIs(0));
  EXPECT_TRUE(second.next_page_token().empty());
  // A token is bound to its filter.
  req.set_case_id("330483-20261205-000043");
  EXPECT_THAT(
      ListDeliveries(outbox, 16, As(v1::ROLE_ACCEPTOR), req),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST(ListDeliveries, DepartmentStaffSeeOnlyTheirOwnDepartments) {
  MockOutbox outbox;
  EXPECT_CALL(outbox, List(_, _, _))
      .WillRepeatedly(Return(Page({To(v1::RECIPIENT_KIND_DEPARTMENT, "works"),
                                   To(v1::RECIPIENT_KIND_DEPARTMENT, "water"),
                                   To(v1::RECIPIENT_KIND_REPORTER, "wx:1")})));
  v1::ListDeliveriesRequest of_case;
  of_case.set_case_id(kCase);
  ASSERT_OK_AND_ASSIGN(
      v1::ListDeliveriesResponse r,
      ListDeliveries(outbox, 16, As(v1::ROLE_DEPARTMENT_STAFF, "works"),
                     of_case));
  ASSERT_THAT(r.deliveries(), SizeIs(1));
  EXPECT_EQ(r.deliveries(0).recipient().id(), "works");

  v1::ListDeliveriesRequest to_water;
  to_water.mutable_recipient()->set_kind(v1::RECIPIENT_KIND_DEPARTMENT);
  to_water.mutable_recipient()->set_id("water");
  EXPECT_THAT(ListDeliveries(outbox, 16, As(v1::ROLE_DEPARTMENT_STAFF, "works"),
                             to_water),
              StatusIs(absl::StatusCode::kPermissionDenied, _));
  EXPECT_THAT(ListDeliveries(outbox, 16, As(v1::ROLE_GRID_MANAGER), of_case),
              StatusIs(absl::StatusCode::kPermissionDenied, _));
}

}  // namespace
}  // namespace gridcase::notify
