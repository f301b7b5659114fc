// Minting JWTs, for development tools and tests: the claims gridcase reads
// (see jwt_verifier.h), signed with an HS256 secret or an RSA (RS256) or EC
// P-256 (ES256) private key. Production tokens come from the identity
// provider; this is how a developer or a test gets one.
#ifndef GRIDCASE_COMMON_AUTH_JWT_ISSUER_H_
#define GRIDCASE_COMMON_AUTH_JWT_ISSUER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

// The claims of a token. Empty strings and lists are left out of it.
struct TokenClaims {
  std::string iss;
  // One audience is written as a string, several as an array.
  std::vector<std::string> aud;
  std::string sub;
  std::vector<v1::Role> roles;
  std::vector<std::string> grids;
  std::string department;
  std::string name;     // display name
  std::string channel;  // "wechat", "app", "hotline", "video" (channels.h)
  std::optional<absl::Time> iat;
  std::optional<absl::Time> nbf;
  std::optional<absl::Time> exp;  // required
};

struct SigningKey {
  std::string alg;  // "HS256", "RS256" or "ES256"
  std::string kid;  // the header's kid; required for RS256 and ES256
  std::string key;  // HS256: the secret; otherwise a private key PEM
};

// An HS256 key (secret of at least 32 bytes, not PEM); kid is optional.
absl::StatusOr<SigningKey> Hs256SigningKey(absl::string_view secret,
                                           absl::string_view kid = "");

// An RSA (RS256) or EC P-256 (ES256) private key PEM; the algorithm is the
// key's.
absl::StatusOr<SigningKey> PrivateKeySigningKey(absl::string_view private_pem,
                                                absl::string_view kid);

// Reads `path`: a PEM private key (RSA or EC P-256) with `kid`, or, for a
// file that is not PEM, its bytes as they are as an HS256 secret.
absl::StatusOr<SigningKey> LoadSigningKey(const std::string& path,
                                          absl::string_view kid);

// The compact JWS of `claims`. INVALID_ARGUMENT if exp is missing or the
// key cannot sign.
absl::StatusOr<std::string> MintToken(const TokenClaims& claims,
                                      const SigningKey& key);

// Lower level, for tests that need odd tokens: signs `payload_json` (any
// JSON object text) under the header {"alg", "typ": "JWT", "kid"}.
absl::StatusOr<std::string> SignPayload(absl::string_view payload_json,
                                        const SigningKey& key);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_JWT_ISSUER_H_
