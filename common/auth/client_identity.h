// How gridcase's own clients — gridctl, gridcase-sim, loadgen and the
// process tests — identify the person or system they act as:
//
//   a token      "authorization: Bearer <token>" as given (gridctl --token,
//                $GRIDCASE_TOKEN);
//   minting      a development signing key mints a short-lived token for
//                each actor ($GRIDCASE_SIGNING_KEY with $GRIDCASE_JWT_ISSUER,
//                as tools/run-local writes them to var/run/env). An end user
//                of a channel (Actor.channel and Actor.via set) is reached
//                the way a channel backend does it: the backend's token and
//                x-gridcase-on-behalf-of;
//   the header   x-gridcase-actor, for a stack in --auth_mode=insecure-dev.
//
// Production clients get tokens from the city's identity provider; minting
// is for development and tests.
#ifndef GRIDCASE_COMMON_AUTH_CLIENT_IDENTITY_H_
#define GRIDCASE_COMMON_AUTH_CLIENT_IDENTITY_H_

#include <grpcpp/client_context.h>

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/jwt_issuer.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

class ClientIdentity final {
 public:
  static std::unique_ptr<ClientIdentity> Token(std::string token);
  static std::unique_ptr<ClientIdentity> Minting(
      SigningKey key, std::string issuer, std::string audience,
      absl::Duration ttl = absl::Hours(1));
  static std::unique_ptr<ClientIdentity> Header();
  // $GRIDCASE_TOKEN, else $GRIDCASE_SIGNING_KEY (a key file; with
  // $GRIDCASE_SIGNING_KID for a PEM key, $GRIDCASE_JWT_ISSUER required and
  // $GRIDCASE_JWT_AUDIENCE, default "gridcase"), else the header.
  // Minted tokens live `ttl`. INVALID_ARGUMENT naming the variable if a key
  // is unusable.
  static absl::StatusOr<std::unique_ptr<ClientIdentity>> FromEnvironment(
      absl::Duration ttl = absl::Hours(1));

  // Adds `as`'s identity to a call. For a fixed token, `as` is ignored.
  absl::Status Attach(grpc::ClientContext* context, const v1::Actor& as);

  // "token", "minting" or "header".
  std::string mode() const;

  // The token minting gives `as` (for printing, e.g. gridctl token).
  absl::StatusOr<std::string> TokenFor(const v1::Actor& as);

 private:
  enum class Mode { kToken, kMinting, kHeader };
  explicit ClientIdentity(Mode mode) : mode_(mode) {}
  absl::StatusOr<std::string> Mint(const TokenClaims& claims);

  const Mode mode_;
  std::string token_;
  SigningKey key_;
  std::string issuer_;
  std::string audience_;
  absl::Duration ttl_ = absl::Hours(1);
  struct Cached {
    std::string token;
    absl::Time renew_at;
  };
  absl::Mutex mu_;
  std::map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_CLIENT_IDENTITY_H_
