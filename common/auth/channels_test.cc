#include "common/auth/channels.h"

#include <string>

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(Channels, LookUpByNameAndBySource) {
  struct Want {
    const char* name;
    v1::Source source;
    const char* prefix;
  };
  for (const Want& want : {Want{"wechat", v1::SOURCE_WECHAT, "wx:"},
                           Want{"app", v1::SOURCE_CITIZEN_APP, "app:"},
                           Want{"hotline", v1::SOURCE_HOTLINE, "12345:"},
                           Want{"video", v1::SOURCE_VIDEO, "video:"}}) {
    const Channel* by_name = FindChannelByName(want.name);
    ASSERT_NE(by_name, nullptr) << want.name;
    EXPECT_EQ(by_name->source, want.source);
    EXPECT_EQ(by_name->user_prefix, want.prefix);
    EXPECT_EQ(FindChannelBySource(want.source), by_name);
  }
  EXPECT_EQ(AllChannels().size(), 4u);
  EXPECT_EQ(KnownChannelNames(), "wechat, app, hotline, video");
}

TEST(Channels, OtherNamesAndSourcesAreNoChannel) {
  EXPECT_EQ(FindChannelByName("WeChat"), nullptr);
  EXPECT_EQ(FindChannelByName(""), nullptr);
  EXPECT_EQ(FindChannelBySource(v1::SOURCE_GRID_PATROL), nullptr);
  EXPECT_EQ(FindChannelBySource(v1::SOURCE_INSTRUCTION), nullptr);
  EXPECT_EQ(FindChannelBySource(v1::SOURCE_UNSPECIFIED), nullptr);
}

TEST(CheckEndUserId, AcceptsThePrefixThenUpTo120Characters) {
  const Channel& wechat = *FindChannelByName("wechat");
  EXPECT_OK(CheckEndUserId(wechat, "wx:oAbC_12.3-x@y:z"));
  EXPECT_OK(CheckEndUserId(wechat, "wx:" + std::string(120, 'a')));
  EXPECT_THAT(CheckEndUserId(wechat, "wx:" + std::string(121, 'a')),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("'wx:' must be followed by 1 to 120")));
  EXPECT_THAT(CheckEndUserId(wechat, "wx:"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("wx:")));
  EXPECT_THAT(CheckEndUserId(wechat, "wx:a b"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("wx:")));
}

TEST(CheckEndUserId, RefusesAnotherChannelsUsers) {
  EXPECT_THAT(
      CheckEndUserId(*FindChannelByName("wechat"), "app:42"),
      StatusIs(absl::StatusCode::kPermissionDenied,
               "x-gridcase-on-behalf-of: the wechat backend speaks only for "
               "'wx:' users"));
  EXPECT_THAT(CheckEndUserId(*FindChannelByName("hotline"), "m-0042"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("only for '12345:' users")));
}

TEST(EndUserActor, IsACitizenOfTheChannelViaTheBackend) {
  ASSERT_OK_AND_ASSIGN(
      v1::Actor actor,
      EndUserActor(*FindChannelByName("video"), "video:cam-7", "svc:video"));
  EXPECT_EQ(actor.subject(), "video:cam-7");
  EXPECT_THAT(actor.roles(), ElementsAre(v1::ROLE_CITIZEN));
  EXPECT_EQ(actor.channel(), v1::SOURCE_VIDEO);
  EXPECT_EQ(actor.via(), "svc:video");
}

}  // namespace
}  // namespace gridcase::auth
