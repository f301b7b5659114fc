// DispatchServiceImpl: gridcase.v1.DispatchService, the case workflow after
// the report. Handlers validate the request (every error names the field),
// identify the caller, and hand the action to Transitions; reads (timeline,
// queues, routing policy) go to the CaseStore. Everything is injected.
#ifndef GRIDCASE_SERVICES_DISPATCH_DISPATCH_SERVICE_H_
#define GRIDCASE_SERVICES_DISPATCH_DISPATCH_SERVICE_H_

#include "common/auth/authenticator.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "services/dispatch/transitions.h"

namespace gridcase::dispatch {

class DispatchServiceImpl final : public v1::DispatchService::Service {
 public:
  DispatchServiceImpl(Transitions* transitions,
                      registry_client::RegistryClient* registry,
                      const auth::Authenticator* authenticator);

#define GRIDCASE_DISPATCH_RPC(Name)                   \
  grpc::Status Name(grpc::ServerContext* context,     \
                    const v1::Name##Request* request, \
                    v1::Name##Response* response) override;
  GRIDCASE_DISPATCH_RPC(RegisterCase)
  GRIDCASE_DISPATCH_RPC(VoidCase)
  GRIDCASE_DISPATCH_RPC(DispatchCase)
  GRIDCASE_DISPATCH_RPC(AcknowledgeCase)
  GRIDCASE_DISPATCH_RPC(SubmitHandling)
  GRIDCASE_DISPATCH_RPC(VerifyCase)
  GRIDCASE_DISPATCH_RPC(ReturnCase)
  GRIDCASE_DISPATCH_RPC(RequestExtension)
  GRIDCASE_DISPATCH_RPC(DecideExtension)
  GRIDCASE_DISPATCH_RPC(SuspendCase)
  GRIDCASE_DISPATCH_RPC(ResumeCase)
  GRIDCASE_DISPATCH_RPC(SuperviseCase)
  GRIDCASE_DISPATCH_RPC(SelfCloseCase)
  GRIDCASE_DISPATCH_RPC(ReopenCase)
  GRIDCASE_DISPATCH_RPC(CloseCase)
  GRIDCASE_DISPATCH_RPC(RateCase)
  GRIDCASE_DISPATCH_RPC(ReviewRating)
  GRIDCASE_DISPATCH_RPC(RequestCheck)
  GRIDCASE_DISPATCH_RPC(SubmitCheck)
  GRIDCASE_DISPATCH_RPC(MergeCase)
  GRIDCASE_DISPATCH_RPC(UnmergeCase)
  GRIDCASE_DISPATCH_RPC(GetTimeline)
  GRIDCASE_DISPATCH_RPC(ListQueue)
  GRIDCASE_DISPATCH_RPC(GetRoutingPolicy)
  GRIDCASE_DISPATCH_RPC(UpdateRoutingPolicy)
#undef GRIDCASE_DISPATCH_RPC

 private:
  // Validates and runs a transition request, filling the response's case,
  // event and replayed fields.
  // The free text of a request: its field name, value and whether it is
  // required.
  struct Text {
    const char* field;
    const std::string& value;
    bool required;
  };
  template <typename Req, typename Resp>
  grpc::Status Transition(grpc::ServerContext* context, Action action,
                          const Req& request, Resp* response, Text text,
                          TransitionRequest extra, int min_attachments = 0);

  absl::Status DoListQueue(const v1::Actor& actor,
                           const v1::ListQueueRequest& request,
                           v1::ListQueueResponse* response);

  Transitions* transitions_;
  registry_client::RegistryClient* registry_;
  const auth::Authenticator* authenticator_;
};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_DISPATCH_SERVICE_H_
