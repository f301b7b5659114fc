// A server interceptor for the one error gRPC reports before any handler
// runs: a request that does not decode as its message type (malformed bytes,
// or a string field that is not valid UTF-8, which proto3 refuses). gRPC
// answers that with an empty message and INTERNAL (synchronous methods) or
// UNIMPLEMENTED (callback methods); this turns it into INVALID_ARGUMENT
// naming the rule, so a client learns its request was at fault. Handler
// errors always carry a message (ToGrpcStatus), so an INTERNAL without one
// can only be the decoder's; an UNIMPLEMENTED is turned only when the
// interceptor saw no request message.
#ifndef GRIDCASE_COMMON_SERVER_REQUEST_ERRORS_H_
#define GRIDCASE_COMMON_SERVER_REQUEST_ERRORS_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace gridcase::server {

inline constexpr char kUndecodableRequest[] =
    "request: is not a valid encoding of the method's request message "
    "(malformed bytes, or a string field that is not valid UTF-8)";

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RequestErrorsInterceptorFactory();

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_REQUEST_ERRORS_H_
