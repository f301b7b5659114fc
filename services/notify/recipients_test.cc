#include "services/notify/recipients.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/notify_fixture.h"

namespace gridcase::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<std::string> Ids(const Plan& p) {
  std::vector<std::string> out;
  for (const Target& t : p.targets) out.push_back(t.delivery_id);
  return out;
}

TEST(PlanTargets, DispatchedGoesToTheDepartmentByItsUrl) {
  v1::Case c = testing::WeChatCase();
  c.set_department_id("water");
  Plan p =
      PlanTargets(testing::EverywhereRoutes(),
                  testing::EventOf(c, v1::CASE_EVENT_TYPE_DISPATCHED), c, {});
  ASSERT_THAT(p.targets, SizeIs(1));
  EXPECT_EQ(p.targets[0].delivery_id,
            "3/1764900000000-0/DEPARTMENT/water/WEBHOOK");
  EXPECT_EQ(p.targets[0].endpoint, "http://127.0.0.1:1/water");
  EXPECT_EQ(p.targets[0].channel, v1::NOTIFY_CHANNEL_WEBHOOK);
}

TEST(PlanTargets, OverdueGoesToTheDepartmentAndTheDutyChief) {
  v1::Case c = testing::WeChatCase();
  Plan p = PlanTargets(testing::EverywhereRoutes(),
                       testing::EventOf(c, v1::CASE_EVENT_TYPE_OVERDUE), c, {});
  EXPECT_THAT(Ids(p),
              ElementsAre("3/1764900000000-0/DEPARTMENT/works/WEBHOOK",
                          "3/1764900000000-0/DUTY_CHIEF/duty_chief/WEBHOOK"));
}

TEST(PlanTargets, HandledGoesToTheGridsInspectors) {
  v1::Case c = testing::WeChatCase();
  Plan p = PlanTargets(testing::EverywhereRoutes(),
                       testing::EventOf(c, v1::CASE_EVENT_TYPE_HANDLED), c, {});
  EXPECT_THAT(Ids(p), ElementsAre("3/1764900000000-0/INSPECTOR/"
                                  "330483101002007/WEBHOOK"));
}

TEST(PlanTargets, ClosingGoesToTheReporterAndFollowersOnTheirChannels) {
  v1::Case c = testing::WeChatCase();
  Plan p = PlanTargets(testing::EverywhereRoutes(),
                       testing::EventOf(c, v1::CASE_EVENT_TYPE_VERIFIED), c,
                       {"wx:o6_1", "wx:o7_2", "app:u9"});
  EXPECT_THAT(Ids(p), ElementsAre("3/1764900000000-0/REPORTER/wx:o6_1/WECHAT",
                                  "3/1764900000000-0/FOLLOWER/wx:o7_2/WECHAT"));
  EXPECT_EQ(p.targets[0].address, "o6_1");  // the openid
  EXPECT_EQ(p.targets[0].endpoint, "http://127.0.0.1:1/wechat");
  // The app follower left no contact.
  EXPECT_THAT(p.skipped, ElementsAre(v1::RECIPIENT_KIND_FOLLOWER));
}

TEST(PlanTargets, AHotlineReporterIsToldThroughTheHotlineSystem) {
  v1::Case c = testing::WeChatCase();
  c.set_source(v1::SOURCE_HOTLINE);
  c.mutable_reporter()->set_id("hl:13800001234");
  Plan p =
      PlanTargets(testing::EverywhereRoutes(),
                  testing::EventOf(c, v1::CASE_EVENT_TYPE_REGISTERED), c, {});
  ASSERT_THAT(p.targets, SizeIs(1));
  EXPECT_EQ(p.targets[0].channel, v1::NOTIFY_CHANNEL_WEBHOOK);
  EXPECT_EQ(p.targets[0].endpoint, "http://127.0.0.1:1/hotline");
}

TEST(PlanTargets, AnAppReporterWithAContactGetsAnSms) {
  v1::Case c = testing::WeChatCase();
  c.set_source(v1::SOURCE_CITIZEN_APP);
  c.mutable_reporter()->set_id("app:u1");
  Plan p = PlanTargets(testing::EverywhereRoutes(),
                       testing::EventOf(c, v1::CASE_EVENT_TYPE_VOIDED), c, {});
  ASSERT_THAT(p.targets, SizeIs(1));
  EXPECT_EQ(p.targets[0].channel, v1::NOTIFY_CHANNEL_SMS);
  EXPECT_EQ(p.targets[0].address, "13800001234");
}

TEST(PlanTargets, StaffReportersAreNotNotifiedAsReporters) {
  v1::Case c = testing::WeChatCase();
  c.mutable_reporter()->set_kind(v1::REPORTER_KIND_GRID_MANAGER);
  c.mutable_reporter()->set_id("m-1");
  Plan p =
      PlanTargets(testing::EverywhereRoutes(),
                  testing::EventOf(c, v1::CASE_EVENT_TYPE_REGISTERED), c, {});
  EXPECT_THAT(p.targets, IsEmpty());
}

TEST(PlanTargets, ARecipientWithoutAnEndpointIsSkippedNotAnError) {
  v1::Case c = testing::WeChatCase();
  Plan p = PlanTargets(DefaultRoutes(),
                       testing::EventOf(c, v1::CASE_EVENT_TYPE_WARNING), c, {});
  EXPECT_THAT(p.targets, IsEmpty());
  EXPECT_THAT(p.skipped, ElementsAre(v1::RECIPIENT_KIND_DEPARTMENT,
                                     v1::RECIPIENT_KIND_DUTY_CHIEF));
}

TEST(PlanTargets, UnroutedEventsReachNobody) {
  v1::Case c = testing::WeChatCase();
  Plan p = PlanTargets(testing::EverywhereRoutes(),
                       testing::EventOf(c, v1::CASE_EVENT_TYPE_RETURNED), c,
                       {"wx:o7_2"});
  EXPECT_THAT(p.targets, IsEmpty());
  EXPECT_THAT(p.skipped, IsEmpty());
}

}  // namespace
}  // namespace gridcase::notify
