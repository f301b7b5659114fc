#include "common/auth/jwt_authenticator.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/jwt_issuer.h"
#include "common/auth/jwt_testing.h"
#include "common/clock/clock.h"
#include "common/clock/fake_clock.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::gridcase::auth::testing;  // NOLINT: test helpers

class JwtAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = WriteTestKeys();
    ASSERT_OK_AND_ASSIGN(auth_,
                         JwtAuthenticator::Create(keys_.Options(), &clock_));
  }

  std::string Token(const TokenClaims& claims) {
    absl::StatusOr<std::string> token = MintToken(claims, keys_.Ec());
    EXPECT_OK(token);
    return token.value_or("");
  }

  // A channel backend's token: no roles, a channel claim.
  std::string BackendToken(absl::string_view channel,
                           absl::string_view sub = "svc:wechat-backend") {
    TokenClaims claims = StaffClaims();
    claims.sub = std::string(sub);
    claims.roles = {};
    claims.grids = {};
    claims.department = "";
    claims.channel = std::string(channel);
    return Token(claims);
  }

  absl::StatusOr<v1::Actor> Authenticate(const TestMetadata& metadata) {
    return auth_->Authenticate(metadata.get());
  }

  FakeClock clock_{TestNow()};
  TestKeys keys_;
  std::unique_ptr<JwtAuthenticator> auth_;
};

TEST_F(JwtAuthenticatorTest, BearerTokenNamesTheCaller) {
  TestMetadata md;
  md.Add("authorization", "Bearer " + Token(StaffClaims()));
  ASSERT_OK_AND_ASSIGN(v1::Actor actor, Authenticate(md));
  EXPECT_EQ(actor.subject(), "m-0042");
  EXPECT_THAT(actor.roles(),
              ElementsAre(v1::ROLE_GRID_MANAGER, v1::ROLE_DISPATCHER));
}

TEST_F(JwtAuthenticatorTest, SchemeIsCaseInsensitive) {
  TestMetadata md;
  md.Add("authorization", "bearer  " + Token(StaffClaims()));
  EXPECT_OK(Authenticate(md));
}

TEST_F(JwtAuthenticatorTest, RefusesMissingAuthorization) {
  TestMetadata md;
  md.Add("x-gridcase-actor", "subject=m-1; roles=admin");
  EXPECT_THAT(Authenticate(md),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       "authorization: missing; send 'authorization: Bearer "
                       "<JWT>'"));
}

TEST_F(JwtAuthenticatorTest, RefusesOtherSchemesWithoutQuotingThem) {
  std::string token = Token(StaffClaims());
  for (const std::string& value :
       std::vector<std::string>{"Basic dXNlcjpwYXNzd29yZA==", token, "Bearer",
                                "Bearer   ", "Token " + token}) {
    TestMetadata md;
    md.Add("authorization", value);
    absl::StatusOr<v1::Actor> actor = Authenticate(md);
    EXPECT_THAT(actor, StatusIs(absl::StatusCode::kUnauthenticated,
                                HasSubstr("authorization: not a bearer token")))
        << value;
    EXPECT_THAT(std::string(actor.status().message()),
                ::testing::Not(HasSubstr("dXNlcjpwYXNzd29yZA")));
    ExpectNoTokenPart(actor.status().message(), token);
  }
}

TEST_F(JwtAuthenticatorTest, RefusesTwoAuthorizationHeaders) {
  TestMetadata md;
  md.Add("authorization", "Bearer " + Token(StaffClaims()));
  md.Add("authorization", "Bearer " + Token(StaffClaims()));
  EXPECT_THAT(Authenticate(md),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("authorization: given more than once")));
}

TEST_F(JwtAuthenticatorTest, PassesOnTheVerifiersRefusal) {
  TokenClaims claims = StaffClaims();
  claims.aud = {"billing"};
  std::string token = Token(claims);
  TestMetadata md;
  md.Add("authorization", "Bearer " + token);
  absl::StatusOr<v1::Actor> actor = Authenticate(md);
  EXPECT_THAT(actor, StatusIs(absl::StatusCode::kUnauthenticated,
                              HasSubstr("token: aud does not include")));
  ExpectNoTokenPart(actor.status().message(), token);
}

// --- Channel backends --------------------------------------------------------

struct ChannelCase {
  const char* channel;
  const char* end_user;
  v1::Source source;
};

class ChannelBackends : public JwtAuthenticatorTest,
                        public ::testing::WithParamInterface<ChannelCase> {};

TEST_P(ChannelBackends, ActForTheirOwnUsersAsCitizens) {
  TestMetadata md;
  md.Add("authorization",
         "Bearer " + BackendToken(GetParam().channel, "svc:backend-1"));
  md.Add("x-gridcase-on-behalf-of", GetParam().end_user);
  ASSERT_OK_AND_ASSIGN(v1::Actor actor, Authenticate(md));
  EXPECT_EQ(actor.subject(), GetParam().end_user);
  EXPECT_THAT(actor.roles(), ElementsAre(v1::ROLE_CITIZEN));
  EXPECT_EQ(actor.channel(), GetParam().source);
  EXPECT_EQ(actor.via(), "svc:backend-1");
  EXPECT_THAT(actor.grid_codes(), ::testing::IsEmpty());
  EXPECT_EQ(actor.department_id(), "");
}

INSTANTIATE_TEST_SUITE_P(
    All, ChannelBackends,
    ::testing::Values(ChannelCase{"wechat", "wx:oX7a_9", v1::SOURCE_WECHAT},
                      ChannelCase{"app", "app:u-1001", v1::SOURCE_CITIZEN_APP},
                      ChannelCase{"hotline", "12345:13800000000",
                                  v1::SOURCE_HOTLINE},
                      ChannelCase{"video", "video:cam-7", v1::SOURCE_VIDEO}));

TEST_F(JwtAuthenticatorTest, ChannelBackendMustNameTheEndUser) {
  TestMetadata md;
  md.Add("authorization", "Bearer " + BackendToken("wechat"));
  EXPECT_THAT(Authenticate(md),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("x-gridcase-on-behalf-of: missing")));
}

TEST_F(JwtAuthenticatorTest, ChannelBackendCannotSpeakForAnotherChannel) {
  TestMetadata md;
  md.Add("authorization", "Bearer " + BackendToken("wechat"));
  md.Add("x-gridcase-on-behalf-of", "app:u-1001");
  EXPECT_THAT(Authenticate(md),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "x-gridcase-on-behalf-of: the wechat backend speaks "
                       "only for 'wx:' users"));
}

TEST_F(JwtAuthenticatorTest, ChannelBackendMustNameAWellFormedEndUser) {
  TestMetadata md;
  md.Add("authorization", "Bearer " + BackendToken("wechat"));
  md.Add("x-gridcase-on-behalf-of", "wx:has space");
  EXPECT_THAT(Authenticate(md),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("'wx:' must be followed by")));
}

TEST_F(JwtAuthenticatorTest, OnlyChannelBackendsMayActOnBehalfOfUsers) {
  TestMetadata md;
  md.Add("authorization", "Bearer " + Token(StaffClaims()));
  md.Add("x-gridcase-on-behalf-of", "wx:oX7a_9");
  EXPECT_THAT(Authenticate(md),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "x-gridcase-on-behalf-of: only channel backends may "
                       "act on behalf of users"));
}

TEST_F(JwtAuthenticatorTest, ChannelBackendTokenCarriesNoRoles) {
  TokenClaims claims = StaffClaims();
  claims.channel = "wechat";
  std::string token = Token(claims);
  TestMetadata md;
  md.Add("authorization", "Bearer " + token);
  md.Add("x-gridcase-on-behalf-of", "wx:oX7a_9");
  absl::StatusOr<v1::Actor> actor = Authenticate(md);
  EXPECT_THAT(actor, StatusIs(absl::StatusCode::kUnauthenticated,
                              HasSubstr("a channel backend token carries no "
                                        "roles")));
  ExpectNoTokenPart(actor.status().message(), token);
}

TEST_F(JwtAuthenticatorTest, RefusesTwoOnBehalfOfHeaders) {
  TestMetadata md;
  md.Add("authorization", "Bearer " + BackendToken("wechat"));
  md.Add("x-gridcase-on-behalf-of", "wx:a");
  md.Add("x-gridcase-on-behalf-of", "wx:b");
  EXPECT_THAT(Authenticate(md), StatusIs(absl::StatusCode::kUnauthenticated,
                                         HasSubstr("given more than once")));
}

}  // namespace
}  // namespace gridcase::auth
