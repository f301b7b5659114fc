// Who is calling: every handler gets the caller's Actor (subject, roles,
// grids, department, channel) through ActorFromContext, the one function
// that turns request metadata into an identity. The Authenticator behind it
// is injected (server::Bootstrap, from --auth_mode): JwtAuthenticator
// verifies a bearer JWT (jwt_authenticator.h); DevHeaderAuthenticator trusts
// the x-gridcase-actor header as the caller wrote it (insecure-dev, for
// debugging only).
#ifndef GRIDCASE_COMMON_AUTH_AUTHENTICATOR_H_
#define GRIDCASE_COMMON_AUTH_AUTHENTICATOR_H_

#include <grpcpp/server_context.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

// Request metadata as gRPC hands it to a server (keys are lower case).
using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

// The insecure-dev identity header.
inline constexpr absl::string_view kActorHeader = "x-gridcase-actor";

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The caller's identity, or UNAUTHENTICATED with a message that says what
  // is missing or wrong.
  virtual absl::StatusOr<v1::Actor> Authenticate(
      const Metadata& metadata) const = 0;
};

// Trusts the x-gridcase-actor header as it is: --auth_mode=insecure-dev,
// for debugging and unit tests only.
class DevHeaderAuthenticator final : public Authenticator {
 public:
  absl::StatusOr<v1::Actor> Authenticate(
      const Metadata& metadata) const override;
};

// The one function handlers call.
absl::StatusOr<v1::Actor> ActorFromContext(
    const grpc::ServerContextBase& context, const Authenticator& authenticator);

// The header format, semicolon-separated key=value pairs:
//   subject=m-0042; roles=grid_manager,dispatcher;
//   grids=330483101001001,330483101001002; department=sanitation;
//   name=%E5%BC%A0%E4%BC%9F
// subject and roles are required; roles are Role names without the ROLE_
// prefix, in lower case; name is percent-encoded UTF-8 (metadata is ASCII).
absl::StatusOr<v1::Actor> ParseActorHeader(absl::string_view header);
std::string FormatActorHeader(const v1::Actor& actor);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_AUTHENTICATOR_H_
