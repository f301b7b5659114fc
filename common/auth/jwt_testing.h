// Test-only helpers for the JWT tests: keys generated with OpenSSL at test
// time (cached per process: RSA keygen is slow), a fresh temporary
// directory per test, files replaced atomically, hand-made tokens, request
// metadata, and the check that a refusal quotes no part of the token.
#ifndef GRIDCASE_COMMON_AUTH_JWT_TESTING_H_
#define GRIDCASE_COMMON_AUTH_JWT_TESTING_H_

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt_issuer.h"
#include "common/auth/jwt_verifier.h"

namespace gridcase::auth::testing {

// 2026-12-04T10:00:00Z, the tests' "now".
absl::Time TestNow();

// PKCS#8 PEM private keys. `index` picks one of several distinct keys.
const std::string& RsaPrivateKeyPem(int index = 0);  // 2048-bit
const std::string& EcPrivateKeyPem(int index = 0);   // P-256
std::string NewRsaPrivateKeyPem(int bits);
// A PEM private key encrypted with a passphrase.
std::string EncryptedPrivateKeyPem(const std::string& private_pem);
// The SubjectPublicKeyInfo PEM of a private key.
std::string PublicKeyPem(const std::string& private_pem);

// {"keys": [...]} from public JWKs (PublicJwkFromPrivateKeyPem output).
std::string JwksJson(const std::vector<std::string>& jwks);
// The public JWK of `private_pem` with `kid`, asserting success.
std::string PublicJwk(const std::string& private_pem, absl::string_view kid);

// A new empty directory under testing::TempDir(), named for the test.
std::string NewTempDir();
// Writes `contents` to a temporary file beside `path`, then renames it
// over `path`, as a key rotation tool would.
void ReplaceFile(const std::string& path, absl::string_view contents);

// base64url(header).base64url(payload).base64url(signature)
std::string CraftToken(absl::string_view header_json,
                       absl::string_view payload_json,
                       absl::string_view signature);
// The same, signed with HMAC-SHA256 under `secret`.
std::string CraftHs256Token(absl::string_view header_json,
                            absl::string_view payload_json,
                            absl::string_view secret);

inline constexpr absl::string_view kIssuer = "https://idp.gridcase.test";
inline constexpr absl::string_view kAudience = "gridcase";
inline constexpr absl::string_view kRsaKid = "k-rsa";
inline constexpr absl::string_view kEcKid = "k-ec";

// The keys of a test, written into its own temporary directory: a JWKS
// file with RsaPrivateKeyPem(0) as kRsaKid and EcPrivateKeyPem(0) as
// kEcKid, and a 40-byte HS256 secret file.
struct TestKeys {
  std::string dir;
  std::string jwks_path;
  std::string secret_path;
  std::string secret;

  // issuer kIssuer, audience kAudience, both files.
  JwtOptions Options() const;
  SigningKey Rsa() const;  // kRsaKid
  SigningKey Ec() const;   // kEcKid
  SigningKey Hs() const;
};
TestKeys WriteTestKeys();

// A grid manager and dispatcher's claims, issued at `now`, valid an hour.
TokenClaims StaffClaims(absl::Time now = TestNow());

// Request metadata whose strings live as long as the object.
class TestMetadata {
 public:
  TestMetadata& Add(std::string key, std::string value);
  const Metadata& get() const { return metadata_; }

 private:
  std::deque<std::pair<std::string, std::string>> storage_;
  Metadata metadata_;
};

// Adds a GoogleTest failure if `message` contains `token` or any 16
// consecutive characters of its payload or signature part.
void ExpectNoTokenPart(absl::string_view message, absl::string_view token);

}  // namespace gridcase::auth::testing

#endif  // GRIDCASE_COMMON_AUTH_JWT_TESTING_H_
