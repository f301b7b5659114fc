#include "common/auth/jwt_testing.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/auth/base64url.h"
#include "common/auth/jwks.h"
#include "common/auth/jws.h"
#include "gtest/gtest.h"

namespace gridcase::auth::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
};

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string PrivatePem(EVP_PKEY* key) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (key == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    ADD_FAILURE() << "cannot generate a test key";
    return "";
  }
  return BioText(bio.get());
}

std::unique_ptr<EVP_PKEY, Free> ReadPrivate(const std::string& pem) {
  std::unique_ptr<BIO, Free> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<EVP_PKEY, Free>(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

template <typename Make>
const std::string& Cached(std::vector<std::string>& cache, int index,
                          Make make) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  while (static_cast<int>(cache.size()) <= index) cache.push_back(make());
  return cache[static_cast<size_t>(index)];
}

}  // namespace

std::string NewRsaPrivateKeyPem(int bits) {
  std::unique_ptr<EVP_PKEY, Free> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  return PrivatePem(key.get());
}

const std::string& RsaPrivateKeyPem(int index) {
  static auto* cache = new std::vector<std::string>();
  return Cached(*cache, index, [] { return NewRsaPrivateKeyPem(2048); });
}

const std::string& EcPrivateKeyPem(int index) {
  static auto* cache = new std::vector<std::string>();
  return Cached(*cache, index, [] {
    std::unique_ptr<EVP_PKEY, Free> key(
        EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    return PrivatePem(key.get());
  });
}

std::string EncryptedPrivateKeyPem(const std::string& private_pem) {
  std::unique_ptr<EVP_PKEY, Free> key = ReadPrivate(private_pem);
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  static const char kPass[] = "correct horse";
  if (key == nullptr || PEM_write_bio_PKCS8PrivateKey(
                            bio.get(), key.get(), EVP_aes_256_cbc(), kPass,
                            sizeof(kPass) - 1, nullptr, nullptr) != 1) {
    ADD_FAILURE() << "cannot encrypt a test key";
    return "";
  }
  return BioText(bio.get());
}

std::string PublicKeyPem(const std::string& private_pem) {
  std::unique_ptr<EVP_PKEY, Free> key = ReadPrivate(private_pem);
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (key == nullptr || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) {
    ADD_FAILURE() << "cannot write a public key";
    return "";
  }
  return BioText(bio.get());
}

std::string JwksJson(const std::vector<std::string>& jwks) {
  return absl::StrCat("{\"keys\":[", absl::StrJoin(jwks, ","), "]}");
}

std::string PublicJwk(const std::string& private_pem, absl::string_view kid) {
  absl::StatusOr<std::string> jwk =
      PublicJwkFromPrivateKeyPem(private_pem, kid);
  EXPECT_TRUE(jwk.ok()) << jwk.status();
  return jwk.ok() ? *jwk : "";
}

// The directories NewTempDir made in this process, removed when the test
// binary exits so that runs leave nothing behind.
std::vector<std::string>& TempDirsToRemove() {
  static auto* dirs = [] {
    auto* made = new std::vector<std::string>();
    std::atexit([] {
      for (const std::string& dir : TempDirsToRemove()) {
        std::error_code ignored;  // best effort: a leftover is harmless
        std::filesystem::remove_all(dir, ignored);
      }
    });
    return made;
  }();
  return *dirs;
}

std::string NewTempDir() {
  const ::testing::TestInfo* test =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = test == nullptr ? "jwt"
                                     : absl::StrCat(test->test_suite_name(),
                                                    ".", test->name());
  absl::StrReplaceAll({{"/", "_"}}, &name);
  std::string pattern =
      absl::StrCat(::testing::TempDir(), "/", name, ".XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern << " failed";
  }
  TempDirsToRemove().push_back(pattern);
  return pattern;
}

void ReplaceFile(const std::string& path, absl::string_view contents) {
  std::string temp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    ASSERT_TRUE(out.good()) << "cannot write " << temp;
  }
  ASSERT_EQ(std::rename(temp.c_str(), path.c_str()), 0) << "rename " << temp;
}

std::string CraftToken(absl::string_view header_json,
                       absl::string_view payload_json,
                       absl::string_view signature) {
  return absl::StrCat(Base64UrlEncode(header_json), ".",
                      Base64UrlEncode(payload_json), ".",
                      Base64UrlEncode(signature));
}

std::string CraftHs256Token(absl::string_view header_json,
                            absl::string_view payload_json,
                            absl::string_view secret) {
  std::string input = absl::StrCat(Base64UrlEncode(header_json), ".",
                                   Base64UrlEncode(payload_json));
  absl::StatusOr<std::string> mac = JwsSign(JwsAlg::kHs256, secret, input);
  EXPECT_TRUE(mac.ok()) << mac.status();
  return absl::StrCat(input, ".", Base64UrlEncode(mac.value_or("")));
}

absl::Time TestNow() { return absl::FromUnixSeconds(1796378400); }

JwtOptions TestKeys::Options() const {
  JwtOptions options;
  options.issuer = std::string(kIssuer);
  options.audience = std::string(kAudience);
  options.jwks_file = jwks_path;
  options.hs256_secret_file = secret_path;
  return options;
}

SigningKey TestKeys::Rsa() const {
  return SigningKey{"RS256", std::string(kRsaKid), RsaPrivateKeyPem(0)};
}
SigningKey TestKeys::Ec() const {
  return SigningKey{"ES256", std::string(kEcKid), EcPrivateKeyPem(0)};
}
SigningKey TestKeys::Hs() const { return SigningKey{"HS256", "", secret}; }

TestKeys WriteTestKeys() {
  TestKeys keys;
  keys.dir = NewTempDir();
  keys.jwks_path = keys.dir + "/jwks.json";
  keys.secret_path = keys.dir + "/hs256.secret";
  keys.secret = "0123456789abcdefghij0123456789ABCDEFGHIJ";
  ReplaceFile(keys.jwks_path,
              JwksJson({PublicJwk(RsaPrivateKeyPem(0), kRsaKid),
                        PublicJwk(EcPrivateKeyPem(0), kEcKid)}));
  ReplaceFile(keys.secret_path, keys.secret);
  return keys;
}

TokenClaims StaffClaims(absl::Time now) {
  TokenClaims claims;
  claims.iss = std::string(kIssuer);
  claims.aud = {std::string(kAudience)};
  claims.sub = "m-0042";
  claims.roles = {v1::ROLE_GRID_MANAGER, v1::ROLE_DISPATCHER};
  claims.grids = {"330483101001001", "330483101001002"};
  claims.department = "sanitation";
  claims.name = "张伟";
  claims.iat = now;
  claims.exp = now + absl::Hours(1);
  return claims;
}

TestMetadata& TestMetadata::Add(std::string key, std::string value) {
  storage_.emplace_back(std::move(key), std::move(value));
  const auto& [k, v] = storage_.back();
  metadata_.emplace(grpc::string_ref(k.data(), k.size()),
                    grpc::string_ref(v.data(), v.size()));
  return *this;
}

void ExpectNoTokenPart(absl::string_view message, absl::string_view token) {
  constexpr size_t kWindow = 16;
  if (!token.empty()) {
    EXPECT_FALSE(absl::StrContains(message, token))
        << "message quotes the token: " << message;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  for (size_t p = 1; p < parts.size(); ++p) {
    absl::string_view part = parts[p];
    for (size_t i = 0; i + kWindow <= part.size(); ++i) {
      if (absl::StrContains(message, part.substr(i, kWindow))) {
        ADD_FAILURE() << "message quotes part " << p
                      << " of the token: " << message;
        return;
      }
    }
  }
}

}  // namespace gridcase::auth::testing
