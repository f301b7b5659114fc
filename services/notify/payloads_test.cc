#include "services/notify/payloads.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/notify/notify_fixture.h"
#include "services/notify/recipients.h"

namespace gridcase::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr char kSecret[] = "wrong dispatch: the pipe belongs to the water co";

// Every body a routes file sending `type` to everybody would produce.
std::vector<std::pair<Target, std::string>> Bodies(v1::CaseEventType type,
                                                   const std::string& note,
                                                   v1::Case c) {
  Routes routes = testing::EverywhereRoutes();
  routes.by_event[type] = {
      v1::RECIPIENT_KIND_DEPARTMENT, v1::RECIPIENT_KIND_DUTY_CHIEF,
      v1::RECIPIENT_KIND_INSPECTOR, v1::RECIPIENT_KIND_REPORTER,
      v1::RECIPIENT_KIND_FOLLOWER};
  v1::CaseEvent e = testing::EventOf(c, type, note);
  Plan p = PlanTargets(routes, e, c, {"wx:o7_2"});
  std::vector<std::pair<Target, std::string>> out;
  for (const Target& t : p.targets) {
    out.emplace_back(t, BuildBody(t, e, c, routes.templates));
  }
  return out;
}

TEST(BuildBody, ACitizenNeverReadsAnInternalNote) {
  for (v1::Source source :
       {v1::SOURCE_WECHAT, v1::SOURCE_HOTLINE, v1::SOURCE_CITIZEN_APP}) {
    v1::Case c = testing::WeChatCase();
    c.set_source(source);
    if (source != v1::SOURCE_WECHAT) c.mutable_reporter()->set_id("app:u1");
    c.set_status_note(kSecret);
    int citizens = 0;
    int staff = 0;
    for (auto type :
         {v1::CASE_EVENT_TYPE_RETURNED, v1::CASE_EVENT_TYPE_DISPATCHED,
          v1::CASE_EVENT_TYPE_HANDLED}) {
      for (const auto& [t, body] : Bodies(type, kSecret, c)) {
        if (IsCitizen(t.recipient.kind())) {
          ++citizens;
          EXPECT_THAT(body, Not(HasSubstr("water co"))) << t.delivery_id;
          EXPECT_THAT(body, Not(HasSubstr("垃圾堆在路口"))) << t.delivery_id;
          EXPECT_THAT(body, Not(HasSubstr("梧桐街道"))) << t.delivery_id;
        } else {
          ++staff;
          EXPECT_THAT(body, HasSubstr("water co")) << t.delivery_id;
        }
      }
    }
    EXPECT_GT(citizens, 0);
    EXPECT_GT(staff, 0);
  }
}

TEST(BuildBody, ACitizenReadsAPublicNote) {
  v1::Case c = testing::WeChatCase();
  for (const auto& [t, body] :
       Bodies(v1::CASE_EVENT_TYPE_VOIDED, "不属于城管范围", c)) {
    EXPECT_THAT(body, HasSubstr("不属于城管范围")) << t.delivery_id;
  }
}

TEST(BuildBody, StaffNeverReadAnAnonymousReportersId) {
  v1::Case c = testing::WeChatCase();
  c.mutable_reporter()->set_anonymous(true);
  for (const auto& [t, body] : Bodies(v1::CASE_EVENT_TYPE_DISPATCHED, "", c)) {
    if (IsCitizen(t.recipient.kind())) continue;
    EXPECT_THAT(body, Not(HasSubstr("o6_1"))) << t.delivery_id;
    EXPECT_THAT(body, Not(HasSubstr("13800001234"))) << t.delivery_id;
  }
}

TEST(BuildBody, WeChatIsASubscribeMessage) {
  v1::Case c = testing::WeChatCase();
  for (const auto& [t, body] : Bodies(v1::CASE_EVENT_TYPE_VERIFIED, "", c)) {
    if (t.recipient.kind() != v1::RECIPIENT_KIND_REPORTER) continue;
    json j = json::parse(body);
    EXPECT_EQ(j["touser"], "o6_1");
    EXPECT_EQ(j["template_id"], "tmpl-1");
    EXPECT_EQ(j["data"]["character_string1"]["value"], c.id());
    EXPECT_EQ(j["data"]["thing2"]["value"], "暴露垃圾");
    EXPECT_EQ(j["data"]["phrase3"]["value"], "已办结");
    EXPECT_EQ(j["delivery_id"], t.delivery_id);
    // A follower is a stranger to the case's external reference.
    EXPECT_FALSE(j.contains("external_ref"));
  }
}

TEST(BuildBody, AStaffMergeSendsCitizensToTheCaseTheyNowFollow) {
  const std::string into = "330483-20261205-000077";
  int webhooks = 0;
  for (v1::Source source : {v1::SOURCE_WECHAT, v1::SOURCE_HOTLINE}) {
    v1::Case c = testing::WeChatCase();
    c.set_source(source);
    if (source != v1::SOURCE_WECHAT) c.mutable_reporter()->set_id("app:u1");
    Routes routes = testing::EverywhereRoutes();
    v1::CaseEvent e =
        testing::EventOf(c, v1::CASE_EVENT_TYPE_MERGED_BY_STAFF, kSecret);
    e.set_related_case_id(into);
    Plan p = PlanTargets(routes, e, c, {"wx:o7_2"});
    ASSERT_EQ(p.targets.size(), 2u);  // the reporter and the follower
    for (const Target& t : p.targets) {
      EXPECT_TRUE(IsCitizen(t.recipient.kind())) << t.delivery_id;
      std::string body = BuildBody(t, e, c, routes.templates);
      EXPECT_THAT(body, Not(HasSubstr("water co")));  // the staff's reason
      json j = json::parse(body);
      if (t.channel == v1::NOTIFY_CHANNEL_WECHAT) {
        EXPECT_EQ(j["page"], "pages/case/detail?id=" + into);
        EXPECT_EQ(j["data"]["phrase3"]["value"], "已合并");
      } else {
        ++webhooks;
        EXPECT_EQ(j["case"]["merged_into"], into) << body;
      }
    }
  }
  EXPECT_EQ(webhooks, 1);  // the hotline's reporter
}

TEST(BuildBody, SmsIsATemplateWithParams) {
  v1::Case c = testing::WeChatCase();
  c.set_source(v1::SOURCE_CITIZEN_APP);
  c.mutable_reporter()->set_id("app:u1");
  int sms = 0;
  for (const auto& [t, body] : Bodies(v1::CASE_EVENT_TYPE_CLOSED, "", c)) {
    if (t.channel != v1::NOTIFY_CHANNEL_SMS) continue;
    ++sms;
    json j = json::parse(body);
    EXPECT_EQ(j["phone"], "13800001234");
    EXPECT_EQ(j["template"], "SMS_1");
    EXPECT_EQ(j["params"]["case_id"], c.id());
    EXPECT_EQ(j["params"]["status"], "已办结");
  }
  EXPECT_EQ(sms, 1);
}

TEST(BuildBody, WebhooksCarryTheExternalReference) {
  v1::Case c = testing::WeChatCase();
  c.set_source(v1::SOURCE_HOTLINE);
  c.mutable_reporter()->set_id("hl:1");
  int hotline = 0;
  for (const auto& [t, body] : Bodies(v1::CASE_EVENT_TYPE_CLOSED, "", c)) {
    json j = json::parse(body);
    if (t.recipient.kind() == v1::RECIPIENT_KIND_FOLLOWER) continue;
    if (t.channel != v1::NOTIFY_CHANNEL_WEBHOOK) continue;
    if (t.recipient.kind() == v1::RECIPIENT_KIND_REPORTER) ++hotline;
    EXPECT_EQ(j["external_ref"]["system"], "12345") << t.delivery_id;
    EXPECT_EQ(j["external_ref"]["id"], "GD-20261205-00042") << t.delivery_id;
    EXPECT_EQ(j["event"]["type"], "case.closed");
  }
  EXPECT_EQ(hotline, 1);
}

}  // namespace
}  // namespace gridcase::notify
