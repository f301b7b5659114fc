// OpenSSL 3 key plumbing for JWT: the public key PEM of a JWK's numbers
// (RSA n/e, EC P-256 x/y), and the numbers and JWS algorithm of a private
// key PEM. Only non-deprecated OpenSSL 3 APIs (EVP_PKEY_fromdata, OSSL_PARAM).
// Errors are INVALID_ARGUMENT with a message naming the number or the rule;
// callers add which key they were reading.
#ifndef GRIDCASE_COMMON_AUTH_PEM_KEYS_H_
#define GRIDCASE_COMMON_AUTH_PEM_KEYS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::auth {

// RSA moduli below this size are refused everywhere (signing and verifying).
inline constexpr int kMinRsaBits = 2048;

// "-----BEGIN PUBLIC KEY-----..." for an RSA key from big-endian n and e.
absl::StatusOr<std::string> RsaPublicKeyPem(absl::string_view n,
                                            absl::string_view e);

// The same for a P-256 point given as 32-byte big-endian x and y; refused
// unless the point is on the curve.
absl::StatusOr<std::string> EcP256PublicKeyPem(absl::string_view x,
                                               absl::string_view y);

// A private key's public half, as JWK numbers (big-endian bytes).
struct PublicKeyNumbers {
  std::string alg;   // "RS256" (RSA) or "ES256" (EC P-256)
  std::string n, e;  // RSA
  std::string x, y;  // EC P-256, 32 bytes each
};

// For an unencrypted RSA (at least kMinRsaBits) or EC P-256 private key
// PEM. Never prompts for a passphrase: encrypted keys are refused.
absl::StatusOr<PublicKeyNumbers> PrivateKeyPublicNumbers(
    absl::string_view private_pem);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_PEM_KEYS_H_
