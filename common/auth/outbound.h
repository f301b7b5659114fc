// How a gridcase service proves who it is when it calls another gridcase
// service (intake, dispatch and stats calling the registry). In JWT mode it
// sends a service token, "authorization: Bearer <token>", read from a file
// that is re-read when it changes (a Kubernetes Secret rotates in place);
// in insecure-dev mode it sends the x-gridcase-actor header of a SYSTEM
// actor. docs/security.md explains the choice of tokens over mTLS.
#ifndef GRIDCASE_COMMON_AUTH_OUTBOUND_H_
#define GRIDCASE_COMMON_AUTH_OUTBOUND_H_

#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/key_files.h"

namespace gridcase::auth {

class OutboundIdentity {
 public:
  virtual ~OutboundIdentity() = default;
  // The metadata entry that carries the identity, e.g. {"authorization",
  // "Bearer ..."}. UNAVAILABLE if it cannot be had now (e.g. the token file
  // is unreadable).
  virtual absl::StatusOr<std::pair<std::string, std::string>> Header()
      const = 0;
  // Adds Header() to an outgoing call.
  absl::Status Attach(grpc::ClientContext* context) const;
};

// insecure-dev: "x-gridcase-actor: subject=<subject>; roles=system".
class DevHeaderIdentity final : public OutboundIdentity {
 public:
  explicit DevHeaderIdentity(std::string subject);
  absl::StatusOr<std::pair<std::string, std::string>> Header() const override;

 private:
  std::string header_;
};

// jwt: the token in `path` (surrounding whitespace ignored), re-read when
// the file's modification time, size or inode changes.
class TokenFileIdentity final : public OutboundIdentity {
 public:
  // INVALID_ARGUMENT naming the file if it cannot be read or is empty.
  static absl::StatusOr<std::unique_ptr<TokenFileIdentity>> Create(
      std::string path);
  absl::StatusOr<std::pair<std::string, std::string>> Header() const override;

 private:
  explicit TokenFileIdentity(std::string path) : path_(std::move(path)) {}
  // The token, reloaded if the file changed.
  absl::StatusOr<std::string> Token() const;

  const std::string path_;
  mutable absl::Mutex mu_;
  mutable std::string token_ ABSL_GUARDED_BY(mu_);
  mutable FileIdentity seen_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_OUTBOUND_H_
