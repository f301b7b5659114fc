#include "common/auth/jws.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "common/auth/base64url.h"
#include "jwt/algorithm.hpp"

namespace gridcase::auth {
namespace {

constexpr size_t kEs256SignatureBytes = 64;  // R || S, 32 bytes each

// OpenSSL's error queue is per thread and outlives the call; cpp-jwt never
// empties it, and a stale error can fail an unrelated TLS call later.
struct ClearErrorsOnExit {
  ~ClearErrorsOnExit() { ERR_clear_error(); }
};

// Debian's Abseil has its own string_view; cpp-jwt takes std::string_view.
jwt::string_view Std(absl::string_view s) { return {s.data(), s.size()}; }

template <typename Signer>
absl::StatusOr<std::string> Sign(absl::string_view key,
                                 absl::string_view input) {
  try {
    jwt::sign_result_t result = Signer::sign(Std(key), Std(input));
    if (result.second) {
      return absl::InvalidArgumentError(
          "the key cannot sign (wrong type or not a private key)");
    }
    return std::move(result.first);
  } catch (const std::exception&) {
    return absl::InternalError("signing failed");
  }
}

}  // namespace

std::optional<JwsAlg> ParseJwsAlg(absl::string_view name) {
  if (name == "RS256") return JwsAlg::kRs256;
  if (name == "ES256") return JwsAlg::kEs256;
  if (name == "HS256") return JwsAlg::kHs256;
  return std::nullopt;
}

absl::string_view JwsAlgName(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kRs256:
      return "RS256";
    case JwsAlg::kEs256:
      return "ES256";
    case JwsAlg::kHs256:
      return "HS256";
  }
  return "?";
}

absl::StatusOr<std::string> JwsSign(JwsAlg alg, absl::string_view key,
                                    absl::string_view signing_input) {
  ClearErrorsOnExit clear_errors;
  if (key.empty()) return absl::InvalidArgumentError("the key is empty");
  switch (alg) {
    case JwsAlg::kRs256:
      return Sign<jwt::PEMSign<jwt::algo::RS256>>(key, signing_input);
    case JwsAlg::kEs256: {
      absl::StatusOr<std::string> signature =
          Sign<jwt::PEMSign<jwt::algo::ES256>>(key, signing_input);
      // cpp-jwt 1.4 converts OpenSSL's DER signature to R||S itself; make
      // sure of it, since a DER signature is not a valid JWS.
      if (signature.ok() && signature->size() != kEs256SignatureBytes) {
        return absl::InternalError("ES256 signature is not 64-byte R||S");
      }
      return signature;
    }
    case JwsAlg::kHs256:
      return Sign<jwt::HMACSign<jwt::algo::HS256>>(key, signing_input);
  }
  return absl::InvalidArgumentError("unknown algorithm");
}

bool JwsVerify(JwsAlg alg, absl::string_view key,
               absl::string_view signing_input, absl::string_view signature) {
  ClearErrorsOnExit clear_errors;
  if (key.empty() || signature.empty()) return false;
  try {
    switch (alg) {
      case JwsAlg::kHs256: {
        // cpp-jwt's HMACSign::verify compares with ==, which leaks timing;
        // compute the MAC with it and compare in constant time here.
        jwt::sign_result_t mac =
            jwt::HMACSign<jwt::algo::HS256>::sign(Std(key), Std(signing_input));
        return !mac.second && mac.first.size() == signature.size() &&
               CRYPTO_memcmp(mac.first.data(), signature.data(),
                             signature.size()) == 0;
      }
      case JwsAlg::kRs256: {
        jwt::verify_result_t result = jwt::PEMSign<jwt::algo::RS256>::verify(
            Std(key), Std(signing_input), Base64UrlEncode(signature));
        return result.first && !result.second;
      }
      case JwsAlg::kEs256: {
        if (signature.size() != kEs256SignatureBytes) return false;
        jwt::verify_result_t result = jwt::PEMSign<jwt::algo::ES256>::verify(
            Std(key), Std(signing_input), Base64UrlEncode(signature));
        return result.first && !result.second;
      }
    }
  } catch (const std::exception&) {
    return false;
  }
  return false;
}

}  // namespace gridcase::auth
