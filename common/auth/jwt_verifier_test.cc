#include "common/auth/jwt_verifier.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/base64url.h"
#include "common/auth/jwks.h"
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

class JwtVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = WriteTestKeys();
    ASSERT_OK_AND_ASSIGN(verifier_,
                         JwtVerifier::Create(keys_.Options(), &clock_));
  }

  std::string Mint(const TokenClaims& claims, const SigningKey& key) {
    absl::StatusOr<std::string> token = MintToken(claims, key);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  // Expects `token` refused as UNAUTHENTICATED with `message`, quoting no
  // part of the token.
  void ExpectRefused(const std::string& token, absl::string_view message) {
    absl::StatusOr<v1::Actor> actor = verifier_->Verify(token);
    EXPECT_THAT(actor, StatusIs(absl::StatusCode::kUnauthenticated,
                                HasSubstr(std::string(message))));
    ExpectNoTokenPart(actor.status().message(), token);
  }

  // A payload with a valid iss, aud and exp, plus `members` (JSON object
  // members, e.g. "\"sub\":\"m-1\"").
  static std::string Payload(absl::string_view members) {
    return absl::StrCat("{", members, members.empty() ? "" : ",", "\"iss\":\"",
                        kIssuer, "\",\"aud\":\"", kAudience, "\",\"exp\":",
                        absl::ToUnixSeconds(TestNow() + absl::Hours(1)), "}");
  }

  FakeClock clock_{TestNow()};
  TestKeys keys_;
  std::unique_ptr<JwtVerifier> verifier_;
};

void ExpectStaffActor(const v1::Actor& actor) {
  EXPECT_EQ(actor.subject(), "m-0042");
  EXPECT_THAT(actor.roles(),
              ElementsAre(v1::ROLE_GRID_MANAGER, v1::ROLE_DISPATCHER));
  EXPECT_THAT(actor.grid_codes(),
              ElementsAre("330483101001001", "330483101001002"));
  EXPECT_EQ(actor.department_id(), "sanitation");
  EXPECT_EQ(actor.display_name(), "张伟");
  EXPECT_EQ(actor.channel(), v1::SOURCE_UNSPECIFIED);
  EXPECT_EQ(actor.via(), "");
}

// --- Valid tokens -----------------------------------------------------------

TEST_F(JwtVerifierTest, Rs256TokenYieldsTheActor) {
  ASSERT_OK_AND_ASSIGN(v1::Actor actor,
                       verifier_->Verify(Mint(StaffClaims(), keys_.Rsa())));
  ExpectStaffActor(actor);
}

TEST_F(JwtVerifierTest, Es256TokenYieldsTheActor) {
  ASSERT_OK_AND_ASSIGN(v1::Actor actor,
                       verifier_->Verify(Mint(StaffClaims(), keys_.Ec())));
  ExpectStaffActor(actor);
}

TEST_F(JwtVerifierTest, Hs256TokenYieldsTheActor) {
  ASSERT_OK_AND_ASSIGN(v1::Actor actor,
                       verifier_->Verify(Mint(StaffClaims(), keys_.Hs())));
  ExpectStaffActor(actor);
}

TEST_F(JwtVerifierTest, AudienceArrayContainingOursIsAccepted) {
  TokenClaims claims = StaffClaims();
  claims.aud = {"other-service", std::string(kAudience), "third"};
  EXPECT_OK(verifier_->Verify(Mint(claims, keys_.Rsa())));
}

TEST_F(JwtVerifierTest, ExpiredWithinLeewayIsAccepted) {
  clock_.Set(TestNow() + absl::Hours(1) + absl::Seconds(59));
  EXPECT_OK(verifier_->Verify(Mint(StaffClaims(), keys_.Rsa())));
}

TEST_F(JwtVerifierTest, NotBeforeWithinLeewayIsAccepted) {
  TokenClaims claims = StaffClaims();
  claims.nbf = TestNow() + absl::Seconds(30);
  EXPECT_OK(verifier_->Verify(Mint(claims, keys_.Ec())));
}

// --- Malformed tokens --------------------------------------------------------

TEST_F(JwtVerifierTest, RefusesTokenWithoutThreeParts) {
  std::string token = Mint(StaffClaims(), keys_.Rsa());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ExpectRefused(parts[0] + "." + parts[1], "token: malformed");
  ExpectRefused(token + "." + parts[2], "token: malformed");
  ExpectRefused("not-a-jwt", "token: malformed");
}

TEST_F(JwtVerifierTest, RefusesPartsThatAreNotBase64Url) {
  std::string token = Mint(StaffClaims(), keys_.Rsa());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  ExpectRefused(absl::StrCat(parts[0], ".", parts[1], "+/.", parts[2]),
                "token: malformed: the payload is not base64url");
  ExpectRefused(absl::StrCat(parts[0], ".", parts[1], ".", parts[2], "="),
                "token: malformed: the signature is not base64url");
}

TEST_F(JwtVerifierTest, RefusesHeaderOrPayloadThatIsNotJson) {
  ExpectRefused(
      CraftHs256Token("{\"alg\":\"HS256\"", Payload(""), keys_.secret),
      "token: malformed: the header is not a JSON object");
  ExpectRefused(CraftHs256Token("{\"alg\":\"HS256\"}", "[1,2]", keys_.secret),
                "token: malformed: the payload is not a JSON object");
}

// --- Algorithm and key selection ---------------------------------------------

TEST_F(JwtVerifierTest, RefusesAlgNone) {
  for (absl::string_view alg : {"none", "None", "NONE"}) {
    std::string token =
        CraftToken(absl::StrCat("{\"alg\":\"", alg, "\"}"),
                   Payload("\"sub\":\"m-1\",\"roles\":[\"admin\"]"), "");
    ExpectRefused(token, "token: alg 'none' is not accepted");
  }
}

TEST_F(JwtVerifierTest, RefusesUnknownAlg) {
  std::string token = CraftHs256Token(
      absl::StrCat("{\"alg\":\"RS512\",\"kid\":\"", kRsaKid, "\"}"),
      Payload("\"sub\":\"m-1\",\"roles\":[\"admin\"]"), keys_.secret);
  ExpectRefused(token, "token: alg 'RS512' is not accepted");
  // Algorithm names are case-sensitive.
  ExpectRefused(
      CraftHs256Token("{\"alg\":\"hs256\"}", Payload(""), keys_.secret),
      "token: alg 'hs256' is not accepted");
}

TEST_F(JwtVerifierTest, RefusesRs256TokenWithoutKid) {
  SigningKey key = keys_.Rsa();
  key.kid = "";
  ExpectRefused(Mint(StaffClaims(), key), "token: the header has no kid");
}

TEST_F(JwtVerifierTest, RefusesUnknownKid) {
  SigningKey key = keys_.Ec();
  key.kid = "k-retired";
  ExpectRefused(Mint(StaffClaims(), key), "token: unknown key id 'k-retired'");
}

TEST_F(JwtVerifierTest, RefusesHs256TokenKeyedWithTheRsaPublicKey) {
  // Algorithm confusion: the attacker signs with HMAC, using the RSA public
  // key (exactly the PEM the verifier holds) as the secret, and names the
  // RSA key.
  ASSERT_OK_AND_ASSIGN(
      KeySet set,
      ParseJwks(JwksJson({PublicJwk(RsaPrivateKeyPem(0), kRsaKid)})));
  std::string public_pem = set.Find(kRsaKid)->pem_or_secret;
  SigningKey forged{"HS256", std::string(kRsaKid), public_pem};
  ExpectRefused(Mint(StaffClaims(), forged),
                "token: alg HS256 does not match key 'k-rsa' (RS256)");
  // Without the kid the token is checked against the HS256 secret only.
  forged.kid = "";
  ExpectRefused(Mint(StaffClaims(), forged),
                "token: signature does not verify");
}

TEST_F(JwtVerifierTest, RefusesEs256TokenNamingTheRsaKey) {
  SigningKey key = keys_.Ec();
  key.kid = std::string(kRsaKid);
  ExpectRefused(Mint(StaffClaims(), key),
                "token: alg ES256 does not match key 'k-rsa' (RS256)");
}

TEST_F(JwtVerifierTest, RefusesRs256TokenNamingTheEcKey) {
  SigningKey key = keys_.Rsa();
  key.kid = std::string(kEcKid);
  ExpectRefused(Mint(StaffClaims(), key),
                "token: alg RS256 does not match key 'k-ec' (ES256)");
}

TEST_F(JwtVerifierTest, RefusesHs256WhenNoSecretIsConfigured) {
  JwtOptions options = keys_.Options();
  options.hs256_secret_file = "";
  ASSERT_OK_AND_ASSIGN(auto verifier, JwtVerifier::Create(options, &clock_));
  std::string token = Mint(StaffClaims(), keys_.Hs());
  absl::StatusOr<v1::Actor> actor = verifier->Verify(token);
  EXPECT_THAT(actor, StatusIs(absl::StatusCode::kUnauthenticated,
                              HasSubstr("no HS256 secret is configured")));
  ExpectNoTokenPart(actor.status().message(), token);
}

TEST_F(JwtVerifierTest, RefusesRs256WhenNoKeySetIsConfigured) {
  JwtOptions options = keys_.Options();
  options.jwks_file = "";
  ASSERT_OK_AND_ASSIGN(auto verifier, JwtVerifier::Create(options, &clock_));
  std::string token = Mint(StaffClaims(), keys_.Rsa());
  absl::StatusOr<v1::Actor> actor = verifier->Verify(token);
  EXPECT_THAT(actor, StatusIs(absl::StatusCode::kUnauthenticated,
                              HasSubstr("no jwks_file is configured")));
  ExpectNoTokenPart(actor.status().message(), token);
}

// --- Signatures --------------------------------------------------------------

TEST_F(JwtVerifierTest, RefusesSignatureByAnotherKeyWithTheSameKid) {
  SigningKey rsa{"RS256", std::string(kRsaKid), RsaPrivateKeyPem(1)};
  ExpectRefused(Mint(StaffClaims(), rsa), "token: signature does not verify");
  SigningKey ec{"ES256", std::string(kEcKid), EcPrivateKeyPem(1)};
  ExpectRefused(Mint(StaffClaims(), ec), "token: signature does not verify");
  SigningKey hs{"HS256", "", "another secret of at least 32 bytes....."};
  ExpectRefused(Mint(StaffClaims(), hs), "token: signature does not verify");
}

TEST_F(JwtVerifierTest, RefusesTamperedPayload) {
  std::string token = Mint(StaffClaims(), keys_.Ec());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  TokenClaims admin = StaffClaims();
  admin.roles = {v1::ROLE_ADMIN};
  std::vector<std::string> other = absl::StrSplit(Mint(admin, keys_.Hs()), '.');
  ExpectRefused(absl::StrCat(parts[0], ".", other[1], ".", parts[2]),
                "token: signature does not verify");
}

TEST_F(JwtVerifierTest, RefusesEs256SignatureInDerForm) {
  // A DER-encoded ECDSA signature (what OpenSSL produces) is not a JWS
  // signature; only the 64-byte R||S form verifies.
  std::string token = Mint(StaffClaims(), keys_.Ec());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string raw = *Base64UrlDecode(parts[2]);
  ASSERT_EQ(raw.size(), 64u);
  std::string der = absl::StrCat("\x30\x44\x02\x20", raw.substr(0, 32),
                                 "\x02\x20", raw.substr(32));
  ExpectRefused(
      absl::StrCat(parts[0], ".", parts[1], ".", Base64UrlEncode(der)),
      "token: signature does not verify");
}

TEST_F(JwtVerifierTest, RefusesEmptySignature) {
  std::string token = Mint(StaffClaims(), keys_.Rsa());
  ExpectRefused(token.substr(0, token.rfind('.') + 1),
                "token: signature does not verify");
}

// --- Registered claims -------------------------------------------------------

TEST_F(JwtVerifierTest, RefusesWrongIssuer) {
  TokenClaims claims = StaffClaims();
  claims.iss = "https://evil.example";
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "token: iss 'https://evil.example' is not the expected issuer "
                "'https://idp.gridcase.test'");
}

TEST_F(JwtVerifierTest, RefusesMissingIssuer) {
  TokenClaims claims = StaffClaims();
  claims.iss = "";
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "token: iss is missing; expected 'https://idp.gridcase.test'");
}

TEST_F(JwtVerifierTest, RefusesWrongAudience) {
  TokenClaims claims = StaffClaims();
  claims.aud = {"billing", "crm"};
  ExpectRefused(Mint(claims, keys_.Ec()),
                "token: aud does not include 'gridcase'");
}

TEST_F(JwtVerifierTest, RefusesMissingAudience) {
  TokenClaims claims = StaffClaims();
  claims.aud = {};
  ExpectRefused(Mint(claims, keys_.Ec()), "token: aud is missing");
}

TEST_F(JwtVerifierTest, RefusesExpiredTokenNamingTheTimes) {
  TokenClaims claims = StaffClaims(TestNow() - absl::Hours(1));
  clock_.Set(TestNow() + absl::Minutes(5));
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "token: expired at 2026-12-04T10:00:00Z "
                "(now 2026-12-04T10:05:00Z, leeway 60s)");
}

TEST_F(JwtVerifierTest, RefusesTokenJustBeyondTheLeeway) {
  clock_.Set(TestNow() + absl::Hours(1) + absl::Seconds(60));
  ExpectRefused(Mint(StaffClaims(), keys_.Hs()), "token: expired at");
}

// The second Verify of a token is answered from VerifiedTokenCache; the
// window it was accepted in still applies.
TEST_F(JwtVerifierTest, AVerifiedTokenIsRefusedOnceItExpires) {
  std::string token = Mint(StaffClaims(), keys_.Ec());
  EXPECT_OK(verifier_->Verify(token));
  clock_.Set(TestNow() + absl::Hours(1) + absl::Seconds(59));
  ASSERT_OK_AND_ASSIGN(v1::Actor actor, verifier_->Verify(token));
  ExpectStaffActor(actor);
  clock_.Set(TestNow() + absl::Hours(1) + absl::Seconds(60));
  ExpectRefused(token, "token: expired at");
}

TEST_F(JwtVerifierTest, AVerifiedTokenIsRefusedBeforeItsNotBefore) {
  TokenClaims claims = StaffClaims();
  claims.nbf = TestNow() + absl::Seconds(30);
  std::string token = Mint(claims, keys_.Hs());
  EXPECT_OK(verifier_->Verify(token));
  clock_.Set(TestNow() - absl::Seconds(31));
  ExpectRefused(token, "token: not valid before");
  clock_.Set(TestNow());
  EXPECT_OK(verifier_->Verify(token));
}

TEST_F(JwtVerifierTest, ACopyOfAVerifiedTokenWithAnotherSignatureIsRefused) {
  std::string token = Mint(StaffClaims(), keys_.Rsa());
  EXPECT_OK(verifier_->Verify(token));
  std::string forged = token;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  ExpectRefused(forged, "signature does not verify");
  EXPECT_OK(verifier_->Verify(token));
}

TEST_F(JwtVerifierTest, RefusesTokenWithoutExp) {
  ExpectRefused(
      CraftHs256Token(
          "{\"alg\":\"HS256\"}",
          absl::StrCat("{\"iss\":\"", kIssuer, "\",\"aud\":\"", kAudience,
                       "\",\"sub\":\"m-1\",\"roles\":[\"admin\"]}"),
          keys_.secret),
      "token: exp is missing");
}

TEST_F(JwtVerifierTest, RefusesExpThatIsNotANumber) {
  ExpectRefused(
      CraftHs256Token("{\"alg\":\"HS256\"}",
                      absl::StrCat("{\"iss\":\"", kIssuer, "\",\"aud\":\"",
                                   kAudience, "\",\"exp\":\"tomorrow\"}"),
                      keys_.secret),
      "token: malformed: exp is not a NumericDate");
}

TEST_F(JwtVerifierTest, RefusesTokenNotYetValid) {
  TokenClaims claims = StaffClaims();
  claims.nbf = TestNow() + absl::Minutes(10);
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "token: not valid before 2026-12-04T10:10:00Z "
                "(now 2026-12-04T10:00:00Z, leeway 60s)");
}

TEST_F(JwtVerifierTest, RefusesTokenIssuedInTheFuture) {
  TokenClaims claims = StaffClaims(TestNow() + absl::Minutes(10));
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "token: issued in the future at 2026-12-04T10:10:00Z");
}

// --- Claims to Actor ---------------------------------------------------------

TEST_F(JwtVerifierTest, RefusesMissingSub) {
  TokenClaims claims = StaffClaims();
  claims.sub = "";
  ExpectRefused(Mint(claims, keys_.Rsa()), "token: sub: is required");
}

TEST_F(JwtVerifierTest, RefusesSubThatIsNotPrintableAscii) {
  TokenClaims claims = StaffClaims();
  claims.sub = "m 0042";
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "token: sub: must be at most 128 printable ASCII characters");
}

TEST_F(JwtVerifierTest, RefusesUnknownRole) {
  ExpectRefused(
      CraftHs256Token("{\"alg\":\"HS256\"}",
                      Payload("\"sub\":\"m-1\",\"roles\":[\"mayor\"]"),
                      keys_.secret),
      "token: roles: unknown role 'mayor'");
}

TEST_F(JwtVerifierTest, RefusesTokenWithoutRoles) {
  TokenClaims claims = StaffClaims();
  claims.roles = {};
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "token: roles: at least one role is required");
}

TEST_F(JwtVerifierTest, RefusesRolesThatAreNotAnArray) {
  ExpectRefused(CraftHs256Token("{\"alg\":\"HS256\"}",
                                Payload("\"sub\":\"m-1\",\"roles\":\"admin\""),
                                keys_.secret),
                "token: malformed: roles is not an array of role names");
}

TEST_F(JwtVerifierTest, RefusesBadGridCode) {
  TokenClaims claims = StaffClaims();
  claims.grids = {"3304831010"};
  ExpectRefused(Mint(claims, keys_.Ec()),
                "token: grids: '3304831010' is not a 15-digit grid code");
}

TEST_F(JwtVerifierTest, RefusesDisplayNameLongerThan256Bytes) {
  TokenClaims claims = StaffClaims();
  claims.name = std::string(86, 'x') + std::string(171, 'y');
  ExpectRefused(Mint(claims, keys_.Ec()), "token: name: must be valid UTF-8");
}

TEST_F(JwtVerifierTest, ChannelTokenYieldsTheBackendWithoutRoles) {
  TokenClaims claims = StaffClaims();
  claims.sub = "svc:wechat-backend";
  claims.roles = {};
  claims.channel = "wechat";
  ASSERT_OK_AND_ASSIGN(v1::Actor actor,
                       verifier_->Verify(Mint(claims, keys_.Rsa())));
  EXPECT_EQ(actor.subject(), "svc:wechat-backend");
  EXPECT_EQ(actor.channel(), v1::SOURCE_WECHAT);
  EXPECT_THAT(actor.roles(), ::testing::IsEmpty());
}

TEST_F(JwtVerifierTest, RefusesUnknownChannel) {
  TokenClaims claims = StaffClaims();
  claims.roles = {};
  claims.channel = "fax";
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "token: channel: 'fax' is not a channel backend (known: "
                "wechat, app, hotline, video)");
}

TEST_F(JwtVerifierTest, RefusesChannelTokenWithRoles) {
  TokenClaims claims = StaffClaims();
  claims.channel = "app";
  ExpectRefused(Mint(claims, keys_.Rsa()),
                "a channel backend token carries no roles");
}

TEST_F(JwtVerifierTest, QuotedTokenValuesAreEscapedAndShortened) {
  SigningKey key = keys_.Ec();
  key.kid = std::string(200, 'k');
  absl::StatusOr<v1::Actor> actor = verifier_->Verify(Mint(StaffClaims(), key));
  EXPECT_THAT(actor, StatusIs(absl::StatusCode::kUnauthenticated,
                              HasSubstr(std::string(64, 'k') + "...'")));
  EXPECT_THAT(std::string(actor.status().message()),
              ::testing::Not(HasSubstr(std::string(65, 'k'))));
}

// --- Options -----------------------------------------------------------------

TEST_F(JwtVerifierTest, CreateNeedsAKeySetOrASecret) {
  JwtOptions options = keys_.Options();
  options.jwks_file = "";
  options.hs256_secret_file = "";
  EXPECT_THAT(JwtVerifier::Create(options, &clock_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("jwks_file, hs256_secret_file")));
}

TEST_F(JwtVerifierTest, CreateNeedsIssuerAndAudience) {
  JwtOptions options = keys_.Options();
  options.issuer = "";
  EXPECT_THAT(
      JwtVerifier::Create(options, &clock_),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issuer")));
  options = keys_.Options();
  options.audience = "";
  EXPECT_THAT(
      JwtVerifier::Create(options, &clock_),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("audience")));
}

TEST_F(JwtVerifierTest, CreateRefusesShortOrPemSecrets) {
  JwtOptions options = keys_.Options();
  options.hs256_secret_file = keys_.dir + "/short.secret";
  ReplaceFile(options.hs256_secret_file, "too short");
  EXPECT_THAT(JwtVerifier::Create(options, &clock_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("at least 32 bytes")));
  ReplaceFile(options.hs256_secret_file, PublicKeyPem(RsaPrivateKeyPem(0)));
  EXPECT_THAT(
      JwtVerifier::Create(options, &clock_),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a PEM key")));
}

TEST_F(JwtVerifierTest, CreateRefusesMissingFiles) {
  JwtOptions options = keys_.Options();
  options.jwks_file = keys_.dir + "/absent.json";
  EXPECT_THAT(
      JwtVerifier::Create(options, &clock_),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("jwks_file: ")));
}

}  // namespace
}  // namespace gridcase::auth
