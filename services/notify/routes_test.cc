#include "services/notify/routes.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::notify {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(DefaultRoutes, FollowTheIssue) {
  Routes r = DefaultRoutes();
  EXPECT_THAT(r.RecipientsOf(v1::CASE_EVENT_TYPE_DISPATCHED),
              ElementsAre(v1::RECIPIENT_KIND_DEPARTMENT));
  EXPECT_THAT(r.RecipientsOf(v1::CASE_EVENT_TYPE_REWORKED),
              ElementsAre(v1::RECIPIENT_KIND_DEPARTMENT));
  for (auto t : {v1::CASE_EVENT_TYPE_WARNING, v1::CASE_EVENT_TYPE_OVERDUE}) {
    EXPECT_THAT(r.RecipientsOf(t), ElementsAre(v1::RECIPIENT_KIND_DEPARTMENT,
                                               v1::RECIPIENT_KIND_DUTY_CHIEF));
  }
  EXPECT_THAT(r.RecipientsOf(v1::CASE_EVENT_TYPE_HANDLED),
              ElementsAre(v1::RECIPIENT_KIND_INSPECTOR));
  for (auto t :
       {v1::CASE_EVENT_TYPE_REGISTERED, v1::CASE_EVENT_TYPE_VOIDED,
        v1::CASE_EVENT_TYPE_VERIFIED, v1::CASE_EVENT_TYPE_SELF_CLOSED,
        v1::CASE_EVENT_TYPE_CLOSED, v1::CASE_EVENT_TYPE_MERGED_BY_STAFF,
        v1::CASE_EVENT_TYPE_UNMERGED}) {
    EXPECT_THAT(r.RecipientsOf(t), ElementsAre(v1::RECIPIENT_KIND_REPORTER,
                                               v1::RECIPIENT_KIND_FOLLOWER));
  }
  // Internal events reach nobody by default.
  for (auto t : {v1::CASE_EVENT_TYPE_RETURNED, v1::CASE_EVENT_TYPE_REPORTED,
                 v1::CASE_EVENT_TYPE_ACKNOWLEDGED,
                 v1::CASE_EVENT_TYPE_EXTENSION_REQUESTED}) {
    EXPECT_THAT(r.RecipientsOf(t), IsEmpty());
  }
  EXPECT_EQ(r.DepartmentUrl("works"), "");
}

TEST(ParseRoutes, OverridesTheEventsAndEndpointsItNames) {
  ASSERT_OK_AND_ASSIGN(Routes r, ParseRoutes(R"({
        "events": {"DISPATCHED": ["DEPARTMENT", "DUTY_CHIEF"], "VOIDED": []},
        "endpoints": {"department_default": "http://127.0.0.1:1/dept",
                      "departments": {"works": "https://works.example/hook"},
                      "duty_chief": "http://127.0.0.1:1/chief"},
        "templates": {"wechat": "tmpl-1", "sms": "SMS_1"}})",
                                             DefaultRoutes()));
  EXPECT_THAT(r.RecipientsOf(v1::CASE_EVENT_TYPE_DISPATCHED),
              ElementsAre(v1::RECIPIENT_KIND_DEPARTMENT,
                          v1::RECIPIENT_KIND_DUTY_CHIEF));
  EXPECT_THAT(r.RecipientsOf(v1::CASE_EVENT_TYPE_VOIDED), IsEmpty());
  // Not named: default kept.
  EXPECT_THAT(r.RecipientsOf(v1::CASE_EVENT_TYPE_HANDLED),
              ElementsAre(v1::RECIPIENT_KIND_INSPECTOR));
  EXPECT_EQ(r.DepartmentUrl("works"), "https://works.example/hook");
  EXPECT_EQ(r.DepartmentUrl("water"), "http://127.0.0.1:1/dept");
  EXPECT_EQ(r.endpoints.duty_chief, "http://127.0.0.1:1/chief");
  EXPECT_EQ(r.templates.wechat, "tmpl-1");
  EXPECT_EQ(r.templates.sms, "SMS_1");
}

TEST(ParseRoutes, NamesWhatIsWrong) {
  EXPECT_THAT(ParseRoutes("{", DefaultRoutes()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not valid JSON")));
  EXPECT_THAT(
      ParseRoutes(R"({"events": {"NOPE": []}})", DefaultRoutes()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("events.NOPE")));
  EXPECT_THAT(
      ParseRoutes(R"({"events": {"DISPATCHED": ["MAYOR"]}})", DefaultRoutes())
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("unknown recipient kind")));
  EXPECT_THAT(ParseRoutes(R"({"endpoints": {"duty_chief": "ftp://x"}})",
                          DefaultRoutes())
                  .status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("endpoints.duty_chief: must be an http")));
  EXPECT_THAT(
      ParseRoutes(R"({"endpoints": {"mayor": "http://x"}})", DefaultRoutes())
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("endpoints.mayor: unknown key")));
  EXPECT_THAT(ParseRoutes(R"({"extra": 1})", DefaultRoutes()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("extra: unknown key")));
}

}  // namespace
}  // namespace gridcase::notify
