// JWT verification: a bearer token (RS256, ES256 or HS256) in, the caller's
// v1::Actor out. JwtVerifier checks the signature with a key chosen by the
// token's kid from a JWKS file (RS256, ES256) or with a configured shared
// secret (HS256), then iss, aud, exp, nbf and iat against an injected
// Clock, then maps the claims to an Actor:
//
//   sub -> subject (required)       roles -> roles ("grid_manager", ...)
//   grids -> grid_codes             department -> department_id
//   name -> display_name            channel -> channel (channel backends)
//
// Every refusal is UNAUTHENTICATED and says which check failed; no message
// ever contains the token or any part of it.
#ifndef GRIDCASE_COMMON_AUTH_JWT_VERIFIER_H_
#define GRIDCASE_COMMON_AUTH_JWT_VERIFIER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/jwks_file.h"
#include "common/auth/verified_token_cache.h"
#include "common/clock/clock.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

struct JwtOptions {
  // Required: the `iss` every token must carry.
  std::string issuer;
  // Required: must appear in `aud` (a string or an array of strings).
  std::string audience;
  // Clock-skew allowance for exp, nbf and iat.
  absl::Duration leeway = absl::Seconds(60);
  // RS256/ES256 public keys, selected by kid, reloaded when the file
  // changes (checked at most once per jwks_reload_interval).
  std::string jwks_file;
  absl::Duration jwks_reload_interval = absl::Seconds(1);
  // Optional shared secret for HS256 (tests, small sites): the file's bytes
  // as they are, at least 32 of them. Read once.
  std::string hs256_secret_file;
  // How many verified tokens are remembered (VerifiedTokenCache), so that a
  // token presented again is not verified with public-key cryptography
  // again; 0 verifies every call.
  size_t verified_cache_entries = 10000;
};

// Tokens longer than this are refused as malformed.
inline constexpr size_t kMaxTokenBytes = 16 * 1024;

class JwtVerifier final {
 public:
  // INVALID_ARGUMENT naming the option when the options are incomplete (at
  // least one of jwks_file and hs256_secret_file is required) or a file
  // cannot be read or parsed. `clock` must outlive the verifier.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(
      JwtOptions options, const Clock* clock);

  // The Actor the token speaks for. A channel backend's token (one with a
  // `channel` claim) yields the backend itself: its sub as subject, its
  // channel, and no roles, which lets it do nothing until it names an end
  // user (JwtAuthenticator does that with x-gridcase-on-behalf-of).
  absl::StatusOr<v1::Actor> Verify(absl::string_view token) const;

  // Why the latest JWKS reload failed (the previous keys stay in use), for
  // the caller to log; OK if it succeeded or there is no JWKS file.
  absl::Status jwks_reload_error() const;

  const JwtOptions& options() const { return options_; }

 private:
  JwtVerifier(JwtOptions options, const Clock* clock,
              std::unique_ptr<JwksFile> jwks,
              std::optional<std::string> hs256_secret);

  const JwtOptions options_;
  const Clock* const clock_;
  const std::unique_ptr<JwksFile> jwks_;           // null: none configured
  const std::optional<std::string> hs256_secret_;  // nullopt: none
  mutable VerifiedTokenCache verified_;

  bool KeyIsCurrent(const VerifiedToken& verified) const;
};

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_JWT_VERIFIER_H_
