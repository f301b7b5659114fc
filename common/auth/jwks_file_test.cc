#include "common/auth/jwks_file.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/jwt_issuer.h"
#include "common/auth/jwt_testing.h"
#include "common/auth/jwt_verifier.h"
#include "common/clock/clock.h"
#include "common/clock/fake_clock.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace ::gridcase::auth::testing;  // NOLINT: test helpers

class JwksFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = NewTempDir() + "/jwks.json";
    ReplaceFile(path_, JwksJson({PublicJwk(RsaPrivateKeyPem(0), "key-a")}));
    JwtOptions options;
    options.issuer = std::string(kIssuer);
    options.audience = std::string(kAudience);
    options.jwks_file = path_;
    ASSERT_OK_AND_ASSIGN(verifier_, JwtVerifier::Create(options, &clock_));
  }

  absl::StatusOr<v1::Actor> VerifyTokenBy(const SigningKey& key) {
    absl::StatusOr<std::string> token = MintToken(StaffClaims(), key);
    EXPECT_OK(token);
    return verifier_->Verify(token.value_or(""));
  }

  const SigningKey key_a_{"RS256", "key-a", RsaPrivateKeyPem(0)};
  const SigningKey key_b_{"ES256", "key-b", EcPrivateKeyPem(0)};
  FakeClock clock_{TestNow()};
  std::string path_;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(JwksFileTest, RotatedKeysTakeEffectAfterTheReloadInterval) {
  EXPECT_OK(VerifyTokenBy(key_a_));
  ReplaceFile(path_, JwksJson({PublicJwk(EcPrivateKeyPem(0), "key-b")}));

  // The file is looked at again only once the interval has passed.
  clock_.Advance(absl::Milliseconds(500));
  EXPECT_THAT(VerifyTokenBy(key_b_),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("unknown key id 'key-b'")));
  EXPECT_OK(VerifyTokenBy(key_a_));

  clock_.Advance(absl::Milliseconds(600));
  EXPECT_OK(VerifyTokenBy(key_b_));
  EXPECT_THAT(VerifyTokenBy(key_a_),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("unknown key id 'key-a'")));
  EXPECT_OK(verifier_->jwks_reload_error());
}

// A token verified before is remembered (VerifiedTokenCache), but only
// while the key that verified it is still the one under its kid.
TEST_F(JwksFileTest, AKeyReplacedUnderTheSameKidRefusesTokensItVerified) {
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(StaffClaims(), key_a_));
  EXPECT_OK(verifier_->Verify(token));
  EXPECT_OK(verifier_->Verify(token));

  ReplaceFile(path_, JwksJson({PublicJwk(RsaPrivateKeyPem(1), "key-a")}));
  clock_.Advance(absl::Seconds(2));
  EXPECT_THAT(verifier_->Verify(token),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("signature does not verify")));
}

TEST_F(JwksFileTest, CorruptReplacementKeepsThePreviousKeys) {
  ReplaceFile(path_, "{\"keys\": [ {\"kty\": \"RSA\", ");
  clock_.Advance(absl::Seconds(2));
  EXPECT_OK(VerifyTokenBy(key_a_));
  EXPECT_THAT(verifier_->jwks_reload_error(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("still using the previous keys")));
  EXPECT_THAT(verifier_->jwks_reload_error(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(path_)));

  // A repaired file is picked up and clears the error.
  ReplaceFile(path_, JwksJson({PublicJwk(EcPrivateKeyPem(0), "key-b")}));
  clock_.Advance(absl::Seconds(2));
  EXPECT_OK(VerifyTokenBy(key_b_));
  EXPECT_OK(verifier_->jwks_reload_error());
}

TEST_F(JwksFileTest, KeySetWithABadKeyKeepsThePreviousKeys) {
  ReplaceFile(path_,
              "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"AA\"}]}");
  clock_.Advance(absl::Seconds(2));
  EXPECT_OK(VerifyTokenBy(key_a_));
  EXPECT_THAT(verifier_->jwks_reload_error(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("kty 'oct' is not accepted")));
}

TEST_F(JwksFileTest, RemovedFileKeepsThePreviousKeys) {
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  clock_.Advance(absl::Seconds(2));
  EXPECT_OK(VerifyTokenBy(key_a_));
  EXPECT_THAT(verifier_->jwks_reload_error(), Not(IsOk()));
}

TEST_F(JwksFileTest, VerifiesFromManyThreadsWhileKeysRotate) {
  absl::StatusOr<std::string> token = MintToken(StaffClaims(), key_a_);
  ASSERT_OK(token);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (!verifier_->Verify(*token).ok()) ++failures;
      }
    });
  }
  // Rewrite the file (key-a stays) and let reloads happen meanwhile.
  for (int i = 0; i < 20; ++i) {
    ReplaceFile(
        path_, JwksJson({PublicJwk(RsaPrivateKeyPem(0), "key-a"),
                         PublicJwk(EcPrivateKeyPem(0), absl::StrCat("b", i))}));
    clock_.Advance(absl::Seconds(1));
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_OK(verifier_->jwks_reload_error());
}

TEST(JwksFile, FindsKeysByKid) {
  std::string path = NewTempDir() + "/jwks.json";
  ReplaceFile(path, JwksJson({PublicJwk(EcPrivateKeyPem(0), "k")}));
  FakeClock clock(TestNow());
  ASSERT_OK_AND_ASSIGN(auto file, JwksFile::Load(path, &clock));
  ASSERT_OK_AND_ASSIGN(VerificationKey key, file->Find("k"));
  EXPECT_EQ(key.alg, "ES256");
  EXPECT_THAT(file->Find("nope"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
}

TEST(JwksFile, LoadFailsForAMissingOrBadFile) {
  std::string dir = NewTempDir();
  FakeClock clock(TestNow());
  EXPECT_THAT(JwksFile::Load(dir + "/absent.json", &clock),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("No such file or directory")));
  ReplaceFile(dir + "/bad.json", "{}");
  EXPECT_THAT(JwksFile::Load(dir + "/bad.json", &clock),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("jwks: keys: is required")));
}

}  // namespace
}  // namespace gridcase::auth
