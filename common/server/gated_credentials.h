// GatedCredentials: the credentials of a gRPC port with a caller check
// (an AuthMetadataProcessor such as auth::CallGate) that gRPC runs on each
// call's metadata before it reads the request.
//
// TLS credentials take a processor as they are. Plaintext ones cannot:
// grpc::InsecureServerCredentials() aborts in SetAuthMetadataProcessor, so
// plaintext ports use gRPC core's insecure credentials, which do run one.
#ifndef GRIDCASE_COMMON_SERVER_GATED_CREDENTIALS_H_
#define GRIDCASE_COMMON_SERVER_GATED_CREDENTIALS_H_

#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>

namespace gridcase::server {

// `tls` null means plaintext. With a null `gate`, returns `tls` (or
// grpc::InsecureServerCredentials()) unchanged.
std::shared_ptr<grpc::ServerCredentials> GatedCredentials(
    std::shared_ptr<grpc::ServerCredentials> tls,
    std::shared_ptr<grpc::AuthMetadataProcessor> gate);

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_GATED_CREDENTIALS_H_
