// Who may report from which source, and as whom (AuthorizeReporter).
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/intake_service.h"

namespace gridcase::intake {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

v1::Actor EndUser(const std::string& subject, v1::Source channel) {
  v1::Actor a;
  a.set_subject(subject);
  a.add_roles(v1::ROLE_CITIZEN);
  a.set_channel(channel);
  a.set_via("svc:backend");
  return a;
}

TEST(AuthorizeReporter, AChannelsUserReportsFromThatChannelAsThemselves) {
  ASSERT_OK_AND_ASSIGN(v1::Reporter r,
                       AuthorizeReporter(EndUser("wx:o1", v1::SOURCE_WECHAT),
                                         v1::SOURCE_WECHAT, {}));
  EXPECT_EQ(r.id(), "wx:o1");
  EXPECT_EQ(r.kind(), v1::REPORTER_KIND_CITIZEN);
  // The hotline system's callers are citizens too; the video platform's
  // reports come from cameras and analytics.
  ASSERT_OK_AND_ASSIGN(
      r, AuthorizeReporter(EndUser("12345:c9", v1::SOURCE_HOTLINE),
                           v1::SOURCE_HOTLINE, {}));
  EXPECT_EQ(r.kind(), v1::REPORTER_KIND_CITIZEN);
  ASSERT_OK_AND_ASSIGN(
      r, AuthorizeReporter(EndUser("video:cam-7", v1::SOURCE_VIDEO),
                           v1::SOURCE_VIDEO, {}));
  EXPECT_EQ(r.kind(), v1::REPORTER_KIND_SYSTEM);
}

TEST(AuthorizeReporter, AChannelsUserNeverReportsFromAnotherChannel) {
  EXPECT_THAT(
      AuthorizeReporter(EndUser("wx:o1", v1::SOURCE_WECHAT), v1::SOURCE_HOTLINE,
                        {}),
      StatusIs(absl::StatusCode::kPermissionDenied,
               "source: wx:o1 speaks through the WECHAT channel and reports "
               "only from it, not from HOTLINE"));
  EXPECT_THAT(AuthorizeReporter(EndUser("wx:o1", v1::SOURCE_WECHAT),
                                v1::SOURCE_GRID_PATROL, {}),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("not from GRID_PATROL")));
}

TEST(AuthorizeReporter, AChannelsUserNeverReportsAsSomeoneElse) {
  v1::Reporter other;
  other.set_id("wx:o2");
  EXPECT_THAT(AuthorizeReporter(EndUser("wx:o1", v1::SOURCE_WECHAT),
                                v1::SOURCE_WECHAT, other),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("reports as themselves (wx:o1)")));
}

TEST(AuthorizeReporter, ACitizenWithoutAChannelCannotUseTheHotlineSource) {
  v1::Actor citizen;
  citizen.set_subject("c-1");
  citizen.add_roles(v1::ROLE_CITIZEN);
  EXPECT_THAT(
      AuthorizeReporter(citizen, v1::SOURCE_HOTLINE, {}),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("needs role")));
}

}  // namespace
}  // namespace gridcase::intake
