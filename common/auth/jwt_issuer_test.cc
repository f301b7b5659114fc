#include "common/auth/jwt_issuer.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/base64url.h"
#include "common/auth/jwt_testing.h"
#include "common/auth/jwt_verifier.h"
#include "common/clock/clock.h"
#include "common/clock/fake_clock.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using namespace ::gridcase::auth::testing;  // NOLINT: test helpers

using Json = nlohmann::json;

std::vector<std::string> Parts(const std::string& token) {
  return absl::StrSplit(token, '.');
}

Json PartJson(const std::string& token, int part) {
  return Json::parse(*Base64UrlDecode(Parts(token)[part]));
}

class JwtIssuerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = WriteTestKeys();
    ASSERT_OK_AND_ASSIGN(verifier_,
                         JwtVerifier::Create(keys_.Options(), &clock_));
  }

  FakeClock clock_{TestNow()};
  TestKeys keys_;
  std::unique_ptr<JwtVerifier> verifier_;
};

class RoundTrip : public JwtIssuerTest,
                  public ::testing::WithParamInterface<const char*> {};

TEST_P(RoundTrip, MintedTokensVerify) {
  std::string alg = GetParam();
  SigningKey key = alg == "RS256"   ? keys_.Rsa()
                   : alg == "ES256" ? keys_.Ec()
                                    : keys_.Hs();
  TokenClaims claims = StaffClaims();
  claims.nbf = TestNow();
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(claims, key));
  EXPECT_EQ(PartJson(token, 0)["alg"], alg);
  ASSERT_OK_AND_ASSIGN(v1::Actor actor, verifier_->Verify(token));
  EXPECT_EQ(actor.subject(), "m-0042");
  EXPECT_EQ(actor.display_name(), "张伟");
  EXPECT_EQ(actor.roles_size(), 2);
  EXPECT_EQ(actor.grid_codes_size(), 2);
  EXPECT_EQ(actor.department_id(), "sanitation");
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, RoundTrip,
                         ::testing::Values("RS256", "ES256", "HS256"));

TEST_F(JwtIssuerTest, WritesTheClaimsGridcaseReads) {
  TokenClaims claims = StaffClaims();
  claims.nbf = TestNow();
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(claims, keys_.Rsa()));
  Json header = PartJson(token, 0);
  EXPECT_EQ(header, (Json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "k-rsa"}}));
  Json payload = PartJson(token, 1);
  EXPECT_EQ(payload["iss"], std::string(kIssuer));
  EXPECT_EQ(payload["aud"], std::string(kAudience));  // one audience: a string
  EXPECT_EQ(payload["roles"], (Json{"grid_manager", "dispatcher"}));
  EXPECT_EQ(payload["iat"], absl::ToUnixSeconds(TestNow()));
  EXPECT_EQ(payload["nbf"], absl::ToUnixSeconds(TestNow()));
  EXPECT_EQ(payload["exp"], absl::ToUnixSeconds(TestNow() + absl::Hours(1)));
  EXPECT_FALSE(payload.contains("channel"));
}

TEST_F(JwtIssuerTest, Es256SignatureIsTheRaw64ByteForm) {
  for (int i = 0; i < 20; ++i) {  // R or S with leading zero bytes included
    TokenClaims claims = StaffClaims();
    claims.sub = absl::StrCat("m-", i);
    ASSERT_OK_AND_ASSIGN(std::string token, MintToken(claims, keys_.Ec()));
    std::optional<std::string> signature = Base64UrlDecode(Parts(token)[2]);
    ASSERT_TRUE(signature.has_value());
    EXPECT_EQ(signature->size(), 64u);  // DER would be 70 to 72 bytes
    EXPECT_OK(verifier_->Verify(token));
  }
}

TEST_F(JwtIssuerTest, MintRequiresExp) {
  TokenClaims claims = StaffClaims();
  claims.exp.reset();
  EXPECT_THAT(MintToken(claims, keys_.Hs()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exp")));
}

TEST_F(JwtIssuerTest, LoadSigningKeyReadsPemKeysAndSecrets) {
  std::string rsa = keys_.dir + "/rsa.pem";
  std::string ec = keys_.dir + "/ec.pem";
  ReplaceFile(rsa, RsaPrivateKeyPem(0));
  ReplaceFile(ec, EcPrivateKeyPem(0));
  ASSERT_OK_AND_ASSIGN(SigningKey key, LoadSigningKey(rsa, "k-rsa"));
  EXPECT_EQ(key.alg, "RS256");
  EXPECT_EQ(key.kid, "k-rsa");
  EXPECT_OK(verifier_->Verify(*MintToken(StaffClaims(), key)));
  ASSERT_OK_AND_ASSIGN(key, LoadSigningKey(ec, "k-ec"));
  EXPECT_EQ(key.alg, "ES256");
  EXPECT_OK(verifier_->Verify(*MintToken(StaffClaims(), key)));
  ASSERT_OK_AND_ASSIGN(key, LoadSigningKey(keys_.secret_path, ""));
  EXPECT_EQ(key.alg, "HS256");
  EXPECT_EQ(key.key, keys_.secret);
  EXPECT_OK(verifier_->Verify(*MintToken(StaffClaims(), key)));
}

TEST_F(JwtIssuerTest, LoadSigningKeyRefusesUnusableFiles) {
  std::string path = keys_.dir + "/key";
  ReplaceFile(path, "short secret");
  EXPECT_THAT(LoadSigningKey(path, ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("at least 32 bytes")));
  ReplaceFile(path, PublicKeyPem(RsaPrivateKeyPem(0)));
  EXPECT_THAT(LoadSigningKey(path, "k"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an unencrypted PEM private key")));
  // Refused without asking for the passphrase.
  ReplaceFile(path, EncryptedPrivateKeyPem(RsaPrivateKeyPem(0)));
  EXPECT_THAT(LoadSigningKey(path, "k"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an unencrypted PEM private key")));
  ReplaceFile(path, EcPrivateKeyPem(0));
  EXPECT_THAT(LoadSigningKey(path, ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("kid: is required")));
  EXPECT_THAT(LoadSigningKey(keys_.dir + "/absent", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("No such file or directory")));
}

// --- Interoperability with PyJWT ---------------------------------------------

// Debian's python3 with python3-jwt (PyJWT) and python3-cryptography;
// GRIDCASE_PYTHON3 overrides the interpreter.
std::string Python() {
  const char* env = std::getenv("GRIDCASE_PYTHON3");
  return env != nullptr ? env : "/usr/bin/python3";
}

bool HavePyJwt() {
  std::string command =
      absl::StrCat(Python(), " -c 'import jwt, cryptography' 2>/dev/null");
  return std::system(command.c_str()) == 0;
}

// Runs `script` with `args`; returns its exit status, `output` its stdout.
int RunPython(const std::string& dir, const std::string& script,
              std::string* output) {
  std::string path = dir + "/script.py";
  ReplaceFile(path, script);
  std::string command =
      absl::StrCat(Python(), " ", path, " ", dir, " 2>", dir, "/stderr.txt");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output->append(buffer, n);
  }
  int status = pclose(pipe);
  if (status != 0) {
    std::ifstream err(dir + "/stderr.txt");
    std::stringstream text;
    text << err.rdbuf();
    ADD_FAILURE() << "python failed: " << text.str();
  }
  return status;
}

TEST_F(JwtIssuerTest, VerifiesRs256AndEs256TokensMintedByPyJwt) {
  if (!HavePyJwt()) GTEST_SKIP() << "python3-jwt is not installed";
  ReplaceFile(keys_.dir + "/rsa.pem", RsaPrivateKeyPem(0));
  ReplaceFile(keys_.dir + "/ec.pem", EcPrivateKeyPem(0));
  ReplaceFile(keys_.dir + "/claims.json",
              Json{{"iss", std::string(kIssuer)},
                   {"aud", {"other", std::string(kAudience)}},
                   {"sub", "m-0042"},
                   {"roles", {"dispatcher"}},
                   {"name", "张伟"},
                   {"iat", absl::ToUnixSeconds(TestNow())},
                   {"exp", absl::ToUnixSeconds(TestNow() + absl::Hours(1))}}
                  .dump());
  std::string out;
  ASSERT_EQ(RunPython(keys_.dir, R"py(
import json, sys, jwt
d = sys.argv[1]
claims = json.load(open(d + "/claims.json"))
for alg, kid, pem in (("RS256", "k-rsa", "rsa.pem"), ("ES256", "k-ec", "ec.pem")):
    print(jwt.encode(claims, open(d + "/" + pem).read(), algorithm=alg,
                     headers={"kid": kid}))
)py",
                      &out),
            0);
  std::vector<std::string> tokens =
      absl::StrSplit(out, '\n', absl::SkipWhitespace());
  ASSERT_EQ(tokens.size(), 2u) << out;
  for (const std::string& token : tokens) {
    SCOPED_TRACE(PartJson(token, 0).dump());
    ASSERT_OK_AND_ASSIGN(v1::Actor actor, verifier_->Verify(token));
    EXPECT_EQ(actor.subject(), "m-0042");
    EXPECT_EQ(actor.display_name(), "张伟");
  }
  // PyJWT writes ES256 signatures as 64-byte R||S, as JWS says.
  EXPECT_EQ(Base64UrlDecode(Parts(tokens[1])[2])->size(), 64u);
}

TEST_F(JwtIssuerTest, PyJwtVerifiesTokensMintedHere) {
  if (!HavePyJwt()) GTEST_SKIP() << "python3-jwt is not installed";
  ReplaceFile(keys_.dir + "/rsa.pub", PublicKeyPem(RsaPrivateKeyPem(0)));
  ReplaceFile(keys_.dir + "/ec.pub", PublicKeyPem(EcPrivateKeyPem(0)));
  ReplaceFile(keys_.dir + "/secret", keys_.secret);
  ASSERT_OK_AND_ASSIGN(std::string rs, MintToken(StaffClaims(), keys_.Rsa()));
  ASSERT_OK_AND_ASSIGN(std::string es, MintToken(StaffClaims(), keys_.Ec()));
  ASSERT_OK_AND_ASSIGN(std::string hs, MintToken(StaffClaims(), keys_.Hs()));
  ReplaceFile(keys_.dir + "/tokens", absl::StrCat(rs, "\n", es, "\n", hs));
  std::string out;
  ASSERT_EQ(RunPython(keys_.dir, R"py(
import sys, jwt
d = sys.argv[1]
rs, es, hs = open(d + "/tokens").read().split("\n")
opts = {"verify_exp": False, "verify_iat": False, "verify_nbf": False}
for token, alg, key in ((rs, "RS256", open(d + "/rsa.pub").read()),
                        (es, "ES256", open(d + "/ec.pub").read()),
                        (hs, "HS256", open(d + "/secret", "rb").read())):
    claims = jwt.decode(token, key, algorithms=[alg], options=opts,
                        audience="gridcase", issuer="https://idp.gridcase.test")
    print(alg, claims["sub"], claims["name"])
)py",
                      &out),
            0);
  EXPECT_EQ(out, "RS256 m-0042 张伟\nES256 m-0042 张伟\nHS256 m-0042 张伟\n");
}

}  // namespace
}  // namespace gridcase::auth
