// UnaryScenario: a scenario whose call is one unary RPC — a request built
// for call n, made as an actor (or without identity), on the stub of the
// call's channel. Most scenarios are one (read_scenarios.cc).
#ifndef GRIDCASE_TOOLS_LOADGEN_UNARY_SCENARIO_H_
#define GRIDCASE_TOOLS_LOADGEN_UNARY_SCENARIO_H_

#include <grpcpp/client_context.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "gridcase/v1/common.pb.h"
#include "tools/loadgen/rpc.h"
#include "tools/loadgen/scenario.h"

namespace gridcase::loadgen {

template <typename StubT, typename Req, typename Resp>
class UnaryScenario final : public Scenario {
 public:
  // Starts the RPC on a stub (stub->async()->Method(...)).
  using Invoke = std::function<void(StubT*, grpc::ClientContext*, const Req*,
                                    Resp*, std::function<void(grpc::Status)>)>;
  // Fills call n's request and the actor it is made as; an actor left
  // without subject means a call without identity.
  using Build = std::function<void(int64_t n, Req*, v1::Actor*)>;

  UnaryScenario(const CallSetup* calls,
                std::vector<std::unique_ptr<StubT>> stubs, Invoke invoke,
                Build build)
      : calls_(calls),
        stubs_(std::move(stubs)),
        invoke_(std::move(invoke)),
        build_(std::move(build)) {}

  void Start(int64_t n, int channel, Done done) override {
    auto call = std::make_unique<Unary<Req, Resp>>();
    v1::Actor as;
    build_(n, &call->request, &as);
    absl::Status prepared =
        calls_->Prepare(&call->context, as.subject().empty() ? nullptr : &as);
    if (!prepared.ok()) {
      done(Outcome::Of("identity", prepared));
      return;
    }
    StubT* stub = stubs_[channel].get();
    Launch(
        std::move(call),
        [this, stub](grpc::ClientContext* c, const Req* q, Resp* p,
                     std::function<void(grpc::Status)> cb) {
          invoke_(stub, c, q, p, std::move(cb));
        },
        [done = std::move(done)](const grpc::Status& s, Resp&) {
          done(Outcome::Of("", s));
        });
  }

 private:
  const CallSetup* calls_;
  std::vector<std::unique_ptr<StubT>> stubs_;
  Invoke invoke_;
  Build build_;
};

// One stub per channel.
template <typename Service, typename ChannelList>
std::vector<std::unique_ptr<typename Service::Stub>> StubsFor(
    const ChannelList& channels) {
  std::vector<std::unique_ptr<typename Service::Stub>> stubs;
  for (const auto& c : channels) stubs.push_back(Service::NewStub(c));
  return stubs;
}

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_UNARY_SCENARIO_H_
