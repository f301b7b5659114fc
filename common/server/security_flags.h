// The identity and transport settings every service shares, from flags:
// how callers are authenticated (--auth_mode, --jwt_*), how this service
// proves who it is to the others (--service_token_file), and TLS
// (--tls_*). Bootstrap::FromFlags calls SecurityFromFlags once at start; a
// bad value is a configuration error naming the flag.
#ifndef GRIDCASE_COMMON_SERVER_SECURITY_FLAGS_H_
#define GRIDCASE_COMMON_SERVER_SECURITY_FLAGS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"
#include "common/auth/outbound.h"

namespace gridcase::server {

struct Security {
  std::unique_ptr<auth::Authenticator> authenticator;
  // Null in jwt mode without --service_token_file.
  std::unique_ptr<auth::OutboundIdentity> outbound;
  std::shared_ptr<grpc::ServerCredentials> server_credentials;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;
  bool insecure_dev = false;
  bool tls = false;
};

absl::StatusOr<Security> SecurityFromFlags(absl::string_view service_name);

// Logs what is worth a look at start: insecure-dev (a warning) and a
// plaintext gRPC port.
void LogSecurity(const Security& security);

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_SECURITY_FLAGS_H_
