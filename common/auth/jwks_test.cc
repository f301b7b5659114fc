#include "common/auth/jwks.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/base64url.h"
#include "common/auth/jws.h"
#include "common/auth/jwt_testing.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::gridcase::auth::testing;  // NOLINT: test helpers

using Json = nlohmann::json;

Json RsaJwk(absl::string_view kid = "k1") {
  return Json::parse(PublicJwk(RsaPrivateKeyPem(0), kid));
}
Json EcJwk(absl::string_view kid = "k2") {
  return Json::parse(PublicJwk(EcPrivateKeyPem(0), kid));
}
std::string Set(const Json& a) { return Json{{"keys", {a}}}.dump(); }
std::string Set(const Json& a, const Json& b) {
  return Json{{"keys", {a, b}}}.dump();
}

void ExpectInvalid(const std::string& jwks, absl::string_view message) {
  EXPECT_THAT(ParseJwks(jwks), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr(std::string(message))));
}

TEST(ParseJwks, ReadsRsaAndEcKeysAsPublicKeyPems) {
  ASSERT_OK_AND_ASSIGN(KeySet set, ParseJwks(Set(RsaJwk("k1"), EcJwk("k2"))));
  EXPECT_THAT(set.kids(), ElementsAre("k1", "k2"));
  const VerificationKey* rsa = set.Find("k1");
  ASSERT_NE(rsa, nullptr);
  EXPECT_EQ(rsa->alg, "RS256");
  EXPECT_EQ(rsa->pem_or_secret, PublicKeyPem(RsaPrivateKeyPem(0)));
  const VerificationKey* ec = set.Find("k2");
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(ec->alg, "ES256");
  EXPECT_EQ(ec->pem_or_secret, PublicKeyPem(EcPrivateKeyPem(0)));
  EXPECT_EQ(set.Find("k3"), nullptr);
}

TEST(ParseJwks, AlgAndUseAreOptional) {
  Json rsa = RsaJwk();
  rsa.erase("alg");
  rsa.erase("use");
  Json ec = EcJwk();
  ec.erase("alg");
  ASSERT_OK_AND_ASSIGN(KeySet set, ParseJwks(Set(rsa, ec)));
  EXPECT_EQ(set.Find("k1")->alg, "RS256");
  EXPECT_EQ(set.Find("k2")->alg, "ES256");
}

TEST(ParseJwks, APublishedKeyVerifiesWhatItsPrivateKeySigned) {
  for (const std::string& pem : {RsaPrivateKeyPem(0), EcPrivateKeyPem(0)}) {
    ASSERT_OK_AND_ASSIGN(KeySet set,
                         ParseJwks(JwksJson({PublicJwk(pem, "k")})));
    JwsAlg alg = *ParseJwsAlg(set.Find("k")->alg);
    ASSERT_OK_AND_ASSIGN(std::string signature, JwsSign(alg, pem, "a.b"));
    EXPECT_TRUE(JwsVerify(alg, set.Find("k")->pem_or_secret, "a.b", signature));
    EXPECT_FALSE(
        JwsVerify(alg, set.Find("k")->pem_or_secret, "a.c", signature));
  }
}

TEST(ParseJwks, RefusesSymmetricKeysNamingTheRule) {
  Json oct = {{"kty", "oct"}, {"kid", "shared"}, {"k", "c2VjcmV0"}};
  ExpectInvalid(Set(RsaJwk(), oct),
                "jwks: keys[1] (kid 'shared'): kty 'oct' is not accepted: "
                "symmetric keys never come from a JWKS file");
}

TEST(ParseJwks, RefusesOtherKeyTypes) {
  Json okp = {{"kty", "OKP"}, {"kid", "ed"}, {"crv", "Ed25519"}, {"x", "AA"}};
  ExpectInvalid(Set(okp), "keys[0] (kid 'ed'): kty 'OKP' is not accepted");
}

TEST(ParseJwks, RefusesKeyWithoutKid) {
  Json rsa = RsaJwk();
  rsa.erase("kid");
  ExpectInvalid(Set(rsa), "jwks: keys[0]: kid: is required");
}

TEST(ParseJwks, RefusesDuplicateKids) {
  ExpectInvalid(Set(RsaJwk("same"), EcJwk("same")),
                "jwks: keys[1] (kid 'same'): kid: is used by an earlier key");
}

TEST(ParseJwks, RefusesAlgThatDoesNotFitTheKeyType) {
  Json rsa = RsaJwk();
  rsa["alg"] = "RS512";
  ExpectInvalid(Set(rsa), "keys[0] (kid 'k1'): alg: 'RS512' is not accepted");
  Json ec = EcJwk();
  ec["alg"] = "RS256";
  ExpectInvalid(Set(ec), "keys[0] (kid 'k2'): alg: 'RS256' is not accepted");
}

TEST(ParseJwks, RefusesEncryptionKeys) {
  Json rsa = RsaJwk();
  rsa["use"] = "enc";
  ExpectInvalid(Set(rsa), "keys[0] (kid 'k1'): use: 'enc' is not 'sig'");
}

TEST(ParseJwks, RefusesPrivateKeyMaterial) {
  Json ec = EcJwk();
  ec["d"] = ec["x"];
  ExpectInvalid(Set(ec), "keys[0] (kid 'k2'): d: private key material");
}

TEST(ParseJwks, RefusesCurvesOtherThanP256) {
  Json ec = EcJwk();
  ec["crv"] = "P-384";
  ExpectInvalid(Set(ec), "keys[0] (kid 'k2'): crv: 'P-384' is not accepted");
}

TEST(ParseJwks, RefusesPointsOffTheCurve) {
  Json ec = EcJwk();
  std::string x = *Base64UrlDecode(ec["x"].get<std::string>());
  x[31] ^= 1;
  ec["x"] = Base64UrlEncode(x);
  ExpectInvalid(Set(ec), "keys[0] (kid 'k2'): x, y: not a point on the P-256");
  ec["x"] = Base64UrlEncode(x.substr(1));
  ExpectInvalid(Set(ec), "keys[0] (kid 'k2'): x: a P-256 coordinate is 32");
}

TEST(ParseJwks, RefusesRsaKeysShorterThan2048Bits) {
  Json small = Json::parse(PublicJwk(RsaPrivateKeyPem(0), "k1"));
  std::string n = *Base64UrlDecode(small["n"].get<std::string>());
  small["n"] = Base64UrlEncode(n.substr(0, 128));  // 1024 bits
  ExpectInvalid(Set(small), "keys[0] (kid 'k1'): n: the modulus has 1024 bits");
}

TEST(ParseJwks, RefusesNumbersThatAreNotBase64Url) {
  Json rsa = RsaJwk();
  rsa["e"] = "AQAB==";
  ExpectInvalid(Set(rsa), "keys[0] (kid 'k1'): e: is not unpadded base64url");
  rsa.erase("e");
  ExpectInvalid(Set(rsa), "keys[0] (kid 'k1'): e: is required");
}

TEST(ParseJwks, RefusesDocumentsThatAreNotKeySets) {
  ExpectInvalid("{\"keys\":", "jwks: not valid JSON");
  ExpectInvalid("[]", "jwks: keys: is required");
  ExpectInvalid("{\"keys\":{}}", "jwks: keys: is required");
  ExpectInvalid("{\"keys\":[42]}", "jwks: keys[0]: is not a JSON object");
}

TEST(PublicJwkFromPrivateKeyPem, WritesKidAlgAndUse) {
  ASSERT_OK_AND_ASSIGN(std::string text,
                       PublicJwkFromPrivateKeyPem(EcPrivateKeyPem(0), "k-ec"));
  Json jwk = Json::parse(text);
  EXPECT_EQ(jwk["kty"], "EC");
  EXPECT_EQ(jwk["crv"], "P-256");
  EXPECT_EQ(jwk["kid"], "k-ec");
  EXPECT_EQ(jwk["alg"], "ES256");
  EXPECT_EQ(jwk["use"], "sig");
  EXPECT_FALSE(jwk.contains("d"));
  ASSERT_OK_AND_ASSIGN(
      text, PublicJwkFromPrivateKeyPem(RsaPrivateKeyPem(0), "k-rsa"));
  jwk = Json::parse(text);
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["alg"], "RS256");
  EXPECT_EQ(jwk["e"], "AQAB");
  EXPECT_FALSE(jwk.contains("d"));
}

TEST(PublicJwkFromPrivateKeyPem, RefusesWhatIsNotAnUnencryptedPrivateKey) {
  EXPECT_THAT(
      PublicJwkFromPrivateKeyPem(PublicKeyPem(RsaPrivateKeyPem(0)), "k"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("not an unencrypted PEM private key")));
  EXPECT_THAT(PublicJwkFromPrivateKeyPem(
                  EncryptedPrivateKeyPem(EcPrivateKeyPem(0)), "k"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an unencrypted PEM private key")));
  EXPECT_THAT(
      PublicJwkFromPrivateKeyPem(NewRsaPrivateKeyPem(1024), "k"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has 1024 bits")));
  EXPECT_THAT(PublicJwkFromPrivateKeyPem(EcPrivateKeyPem(0), ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("kid: is required")));
}

}  // namespace
}  // namespace gridcase::auth
