// One unary RPC on gRPC's callback API, with its context, request and
// response kept alive on the heap until its callback has run:
//
//   auto call = std::make_unique<Unary<Req, Resp>>();
//   ... fill call->request, Prepare(call->context) ...
//   Launch(std::move(call),
//          [stub](auto* c, auto* q, auto* p, auto cb) {
//            stub->async()->Method(c, q, p, std::move(cb)); },
//          [](const grpc::Status& s, Resp& response) { ... });
#ifndef GRIDCASE_TOOLS_LOADGEN_RPC_H_
#define GRIDCASE_TOOLS_LOADGEN_RPC_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/client_identity.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::loadgen {

template <typename Req, typename Resp>
struct Unary {
  grpc::ClientContext context;
  Req request;
  Resp response;
};

template <typename Req, typename Resp, typename StartFn, typename Then>
void Launch(std::unique_ptr<Unary<Req, Resp>> call, StartFn start, Then then) {
  Unary<Req, Resp>* c = call.release();
  std::function<void(grpc::Status)> on_done =
      [c, then = std::move(then)](grpc::Status status) mutable {
        std::unique_ptr<Unary<Req, Resp>> owned(c);
        then(status, owned->response);
      };
  start(&c->context, &c->request, &c->response, std::move(on_done));
}

// Who a call is made as, and how long it may take.
class CallSetup final {
 public:
  CallSetup(auth::ClientIdentity* identity, absl::Duration deadline)
      : identity_(identity), deadline_(deadline) {}

  // Attaches `as`'s identity (if `as` is set) and the deadline. Fails if no
  // token could be minted.
  absl::Status Prepare(grpc::ClientContext* context, const v1::Actor* as) const;
  auth::ClientIdentity* identity() const { return identity_; }
  absl::Duration deadline() const { return deadline_; }

 private:
  auth::ClientIdentity* identity_;
  absl::Duration deadline_;
};

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_RPC_H_
