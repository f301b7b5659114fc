// JSON Web Key Sets (RFC 7517) as gridcase reads them: the public keys that
// verify RS256 and ES256 tokens, selected by key id. Each JWK becomes a
// VerificationKey holding a public key PEM. Symmetric (HS256) keys never
// come from a JWKS file; they are configured apart (hs256_secret_file).
#ifndef GRIDCASE_COMMON_AUTH_JWKS_H_
#define GRIDCASE_COMMON_AUTH_JWKS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::auth {

// One key a token's signature may be checked with.
struct VerificationKey {
  std::string kid;
  std::string alg;            // "RS256", "ES256" or "HS256"
  std::string pem_or_secret;  // public key PEM; for HS256 the shared secret
};

// Verification keys by kid.
class KeySet final {
 public:
  // INVALID_ARGUMENT if a key with the same kid is already present.
  absl::Status Add(VerificationKey key);
  // nullptr when no key has that kid.
  const VerificationKey* Find(absl::string_view kid) const;
  std::vector<std::string> kids() const;
  size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, VerificationKey, std::less<>> keys_;
};

// Parses {"keys": [...]}: RSA keys (kty RSA, n, e; alg RS256 if given) and
// EC P-256 keys (kty EC, crv P-256, x, y; alg ES256 if given). Every key
// needs a unique kid; `use`, if given, must be "sig"; private members
// (d, p, q, ...) are refused, as are other key types. Errors are
// INVALID_ARGUMENT naming the key ("jwks: keys[1] (kid 'k2'): ...") and the
// field.
absl::StatusOr<KeySet> ParseJwks(absl::string_view json);

// The public JWK of an RSA (RS256) or EC P-256 (ES256) private key PEM, as
// a JSON object with kid, alg and use "sig", to publish a locally generated
// key in a JWKS file.
absl::StatusOr<std::string> PublicJwkFromPrivateKeyPem(
    absl::string_view private_pem, absl::string_view kid);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_JWKS_H_
