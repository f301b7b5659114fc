#include "common/auth/client_identity.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "common/auth/jwt_testing.h"
#include "common/auth/jwt_verifier.h"
#include "common/clock/clock.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;

class ClientIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = testing::WriteTestKeys();
    ASSERT_OK_AND_ASSIGN(
        verifier_, JwtVerifier::Create(keys_.Options(), RealClock::Get()));
  }
  std::unique_ptr<ClientIdentity> Minting(const SigningKey& key) {
    return ClientIdentity::Minting(key, std::string(testing::kIssuer),
                                   std::string(testing::kAudience));
  }
  testing::TestKeys keys_;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(ClientIdentityTest, MintedTokensVerifyAsTheActor) {
  v1::Actor as;
  as.set_subject("m-0042");
  as.add_roles(v1::ROLE_GRID_MANAGER);
  as.add_roles(v1::ROLE_DISPATCHER);
  as.add_grid_codes("330483101001001");
  as.set_department_id("sanitation");
  as.set_display_name("张伟");
  for (const SigningKey& key : {keys_.Hs(), keys_.Ec(), keys_.Rsa()}) {
    SCOPED_TRACE(key.alg);
    auto identity = Minting(key);
    ASSERT_OK_AND_ASSIGN(std::string token, identity->TokenFor(as));
    ASSERT_OK_AND_ASSIGN(v1::Actor back, verifier_->Verify(token));
    EXPECT_EQ(back.subject(), "m-0042");
    EXPECT_THAT(back.roles(),
                ElementsAre(v1::ROLE_GRID_MANAGER, v1::ROLE_DISPATCHER));
    EXPECT_THAT(back.grid_codes(), ElementsAre("330483101001001"));
    EXPECT_EQ(back.department_id(), "sanitation");
    EXPECT_EQ(back.display_name(), "张伟");
    // The same actor reuses its token until half its life is gone.
    EXPECT_EQ(*identity->TokenFor(as), token);
  }
}

TEST_F(ClientIdentityTest, AChannelEndUserIsReachedThroughItsBackendsToken) {
  v1::Actor user;
  user.set_subject("wx:o123");
  user.add_roles(v1::ROLE_CITIZEN);
  user.set_channel(v1::SOURCE_WECHAT);
  user.set_via("svc:wechat-backend");
  ASSERT_OK_AND_ASSIGN(std::string token, Minting(keys_.Hs())->TokenFor(user));
  ASSERT_OK_AND_ASSIGN(v1::Actor backend, verifier_->Verify(token));
  EXPECT_EQ(backend.subject(), "svc:wechat-backend");
  EXPECT_EQ(backend.channel(), v1::SOURCE_WECHAT);
  EXPECT_TRUE(backend.roles().empty());
}

TEST_F(ClientIdentityTest, TheHeaderModeMintsNothing) {
  v1::Actor as;
  as.set_subject("m-1");
  as.add_roles(v1::ROLE_ADMIN);
  auto header = ClientIdentity::Header();
  EXPECT_EQ(header->mode(), "header");
  EXPECT_THAT(header->TokenFor(as),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  EXPECT_EQ(ClientIdentity::Token("abc")->TokenFor(as).value(), "abc");
}

}  // namespace
}  // namespace gridcase::auth
