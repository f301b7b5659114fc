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
// ServeAsync below is the same edge for a method on the callback API.
#ifndef GRIDCASE_COMMON_AUTH_SERVE_H_
#define GRIDCASE_COMMON_AUTH_SERVE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"
#include "common/auth/policy.h"
#include "common/status/grpc_status.h"
#include "common/validation/message_shape.h"
#include "google/protobuf/message.h"

namespace gridcase::auth {

// The checks before a handler's body: who calls (ActorFromContext), whether
// their roles may call `method` (Authorize), and the request's enum values
// and timestamps (ValidateMessageShape). The caller, or why not.
inline absl::StatusOr<v1::Actor> Admit(
    const grpc::ServerContextBase& context, const Authenticator& authenticator,
    absl::string_view method, const google::protobuf::Message& request) {
  absl::StatusOr<v1::Actor> actor = ActorFromContext(context, authenticator);
  if (!actor.ok()) return actor.status();
  if (absl::Status allowed = Authorize(*actor, method); !allowed.ok()) {
    return allowed;
  }
  if (absl::Status shape = validation::ValidateMessageShape(request);
      !shape.ok()) {
    return shape;
  }
  return actor;
}

template <typename Fn>
grpc::Status ServeAs(grpc::ServerContext* context,
                     const Authenticator& authenticator,
                     absl::string_view method,
                     const google::protobuf::Message& request, Fn&& body) {
  absl::StatusOr<v1::Actor> actor =
      Admit(*context, authenticator, method, request);
  if (!actor.ok()) return ToGrpcStatus(actor.status(), context);
  return ToGrpcStatus(body(*actor), context);
}

// Ends a call served by ServeAsync with the body's status; call it exactly
// once, from any thread.
using CallDone = absl::AnyInvocable<void(const absl::Status&) &&>;

// ServeAs for a unary method on gRPC's callback API, whose body finishes
// later (when Redis answers) instead of holding a thread until then:
// `body(actor, done)` starts the work and returns; `done(status)` ends the
// call, converting the status as ServeAs does.
//
//   grpc::ServerUnaryReactor* Svc::GetCase(grpc::CallbackServerContext* ctx,
//                                          const Req* req, Resp* resp) {
//     return auth::ServeAsync(ctx, *authenticator_, kGetCase, *req,
//                             [=](const v1::Actor& actor,
//                                 auth::CallDone done) {
//       DoGetCase(actor, *req, resp, std::move(done));
//     });
//   }
template <typename Fn>
grpc::ServerUnaryReactor* ServeAsync(grpc::CallbackServerContext* context,
                                     const Authenticator& authenticator,
                                     absl::string_view method,
                                     const google::protobuf::Message& request,
                                     Fn&& body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<v1::Actor> actor =
      Admit(*context, authenticator, method, request);
  if (!actor.ok()) {
    reactor->Finish(ToGrpcStatus(actor.status(), context));
    return reactor;
  }
  body(*actor, CallDone([reactor, context](const absl::Status& status) {
    reactor->Finish(ToGrpcStatus(status, context));
  }));
  return reactor;
}

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_SERVE_H_
