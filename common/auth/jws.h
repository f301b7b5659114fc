// Compact JWS signatures (RFC 7515) for the three algorithms gridcase
// accepts, computed by cpp-jwt with exactly one algorithm per call: the
// caller picks the algorithm from the key, never from a token's header.
// cpp-jwt's exceptions are caught here and OpenSSL's error queue is left
// empty. ES256 signatures are the 64-byte R||S form JWS prescribes.
#ifndef GRIDCASE_COMMON_AUTH_JWS_H_
#define GRIDCASE_COMMON_AUTH_JWS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::auth {

enum class JwsAlg { kRs256, kEs256, kHs256 };

// "RS256", "ES256", "HS256" (case-sensitive, as RFC 7515 says); nullopt for
// anything else.
std::optional<JwsAlg> ParseJwsAlg(absl::string_view name);
absl::string_view JwsAlgName(JwsAlg alg);

// The signature (raw bytes) of `signing_input` (the token's
// "<header>.<payload>"). `key` is a private key PEM for RS256/ES256 and the
// secret for HS256.
absl::StatusOr<std::string> JwsSign(JwsAlg alg, absl::string_view key,
                                    absl::string_view signing_input);

// True if `signature` (raw bytes) is `alg`'s signature of `signing_input`
// under `key`: a public key PEM for RS256/ES256, the secret for HS256
// (compared in constant time). False on any error.
bool JwsVerify(JwsAlg alg, absl::string_view key,
               absl::string_view signing_input, absl::string_view signature);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_JWS_H_
