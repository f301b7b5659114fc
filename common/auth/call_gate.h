// CallGate: the caller check that gRPC runs on a call's metadata before it
// reads the request body. It is an AuthMetadataProcessor installed on the
// server's credentials (server::GatedCredentials): a gridcase RPC whose
// caller does not authenticate, or whose roles the authorization table
// denies, is refused right there with the status ServeAs would give, so such
// a caller cannot make a service receive and hold a large request. (Issue
// #16: eight unauthenticated 60 MB ImportGrids, each refused only after it
// was read, grew the registry from 20 MB to a 334 MB peak.)
//
// Other methods (grpc.health.v1, reflection) pass: they are open to every
// caller, probes included. Handlers still run ServeAs, which reads the same
// metadata with the same Authenticator, so the gate never decides anything
// the handler would decide differently.
#ifndef GRIDCASE_COMMON_AUTH_CALL_GATE_H_
#define GRIDCASE_COMMON_AUTH_CALL_GATE_H_

#include <grpcpp/security/auth_metadata_processor.h>

#include "absl/status/status.h"
#include "common/auth/authenticator.h"

namespace gridcase::auth {

class CallGate final : public grpc::AuthMetadataProcessor {
 public:
  explicit CallGate(const Authenticator* authenticator)
      : authenticator_(authenticator) {}

  // Authentication reads keys in memory (a JWKS file is re-read at most
  // every few seconds): cheap enough to run inline on gRPC's thread.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_metadata,
                       OutputMetadata* response_metadata) override;

  // OK, or the status ServeAs would return for a call with this metadata
  // (":path" names the method).
  absl::Status Check(const Metadata& metadata) const;

 private:
  const Authenticator* authenticator_;
};

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_CALL_GATE_H_
