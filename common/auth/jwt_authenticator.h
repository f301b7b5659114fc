// JwtAuthenticator: the production Authenticator. The caller sends
// `authorization: Bearer <JWT>`; JwtVerifier turns the token into an Actor.
// A channel backend's token (one with a `channel` claim) must also name the
// end user it acts for in x-gridcase-on-behalf-of; the caller is then that
// end user, a CITIZEN of the channel, reached via the backend (see
// channels.h). Any other caller must not send that header.
#ifndef GRIDCASE_COMMON_AUTH_JWT_AUTHENTICATOR_H_
#define GRIDCASE_COMMON_AUTH_JWT_AUTHENTICATOR_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/auth/authenticator.h"
#include "common/auth/jwt_verifier.h"
#include "common/clock/clock.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

inline constexpr absl::string_view kAuthorizationHeader = "authorization";

class JwtAuthenticator final : public Authenticator {
 public:
  explicit JwtAuthenticator(std::unique_ptr<JwtVerifier> verifier);
  static absl::StatusOr<std::unique_ptr<JwtAuthenticator>> Create(
      JwtOptions options, const Clock* clock);

  // UNAUTHENTICATED when the bearer token is missing or refused, or a
  // channel backend names no end user; PERMISSION_DENIED when a channel
  // backend names another channel's user, or a caller that is no channel
  // backend sends x-gridcase-on-behalf-of.
  absl::StatusOr<v1::Actor> Authenticate(
      const Metadata& metadata) const override;

  const JwtVerifier& verifier() const { return *verifier_; }

 private:
  const std::unique_ptr<JwtVerifier> verifier_;
};

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_JWT_AUTHENTICATOR_H_
