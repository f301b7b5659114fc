// TLS for gridcase's gRPC ports and for its calls to other gridcase
// services, from files named in config. With no certificate configured a
// port is plaintext (development; or a service mesh that does mTLS).
//
//   server: --tls_cert_file and --tls_key_file (PEM) turn TLS on;
//           --tls_client_ca_file also requires and verifies client
//           certificates signed by that CA (mutual TLS).
//   client: --tls_ca_file is the CA that signs the other services'
//           certificates (on when set); --tls_client_cert_file and
//           --tls_client_key_file are presented to servers that ask.
#ifndef GRIDCASE_COMMON_SERVER_TLS_H_
#define GRIDCASE_COMMON_SERVER_TLS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace gridcase::server {

struct TlsOptions {
  std::string cert_file;         // server certificate chain, PEM
  std::string key_file;          // its private key, PEM
  std::string client_ca_file;    // if set: require client certificates
  std::string ca_file;           // client side: trusted CA of servers
  std::string client_cert_file;  // client side: certificate to present
  std::string client_key_file;   // client side: its key

  bool server_enabled() const { return !cert_file.empty(); }
  bool client_enabled() const { return !ca_file.empty(); }
};

// INVALID_ARGUMENT naming the flag if a file is missing, unreadable, or
// given without its pair (certificate without key, and so on). The server
// credentials are null when TLS is off (a plaintext port).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const TlsOptions& options);
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(
    const TlsOptions& options);

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_TLS_H_
