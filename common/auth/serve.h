// ServeAs: the edge of every RPC handler. It identifies the caller
// (ActorFromContext), checks the caller's roles against the authorization
// table (common/auth/policy.h), checks the request's enum values and
// timestamps against the contract (validation::ValidateMessageShape), runs
// the handler body with that Actor, and
// turns the body's absl::Status into the grpc::Status on the wire — the one
// place a service converts errors. A refusal for a limit (the caller's rate
// limit, checked by a RateLimitedAuthenticator in ActorFromContext; a
// quota, checked by a body) carries a retry delay, sent as the trailer
// grpc-retry-pushback-ms (common/status/retry_delay.h).
//
//   grpc::Status Svc::GetCase(grpc::ServerContext* ctx, const Req* req,
//                             Resp* resp) {
//     return auth::ServeAs(ctx, *authenticator_, kGetCase, *req,
//                          [&](const v1::Actor& actor) {
//       return DoGetCase(actor, *req, resp);
//     });
//   }
//
// where kGetCase is the full method name, "gridcase.v1.IntakeService/GetCase".
#ifndef GRIDCASE_COMMON_AUTH_SERVE_H_
#define GRIDCASE_COMMON_AUTH_SERVE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"
#include "common/auth/policy.h"
#include "common/status/grpc_status.h"
#include "common/validation/message_shape.h"
#include "google/protobuf/message.h"

namespace gridcase::auth {

template <typename Fn>
grpc::Status ServeAs(grpc::ServerContext* context,
                     const Authenticator& authenticator,
                     absl::string_view method,
                     const google::protobuf::Message& request, Fn&& body) {
  absl::StatusOr<v1::Actor> actor = ActorFromContext(*context, authenticator);
  if (!actor.ok()) return ToGrpcStatus(actor.status(), context);
  if (absl::Status allowed = Authorize(*actor, method); !allowed.ok()) {
    return ToGrpcStatus(allowed, context);
  }
  if (absl::Status shape = validation::ValidateMessageShape(request);
      !shape.ok()) {
    return ToGrpcStatus(shape, context);
  }
  return ToGrpcStatus(body(*actor), context);
}

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_SERVE_H_
