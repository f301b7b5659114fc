#include "common/server/request_errors.h"

namespace gridcase::server {
namespace {

class RequestErrorsInterceptor final : public grpc::experimental::Interceptor {
 public:
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    // gRPC hands the interceptor no message when the request did not decode.
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      undecodable_ = true;
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      // The synchronous API answers INTERNAL, the callback API
      // UNIMPLEMENTED, both without a message.
      if (status.error_message().empty() &&
          (status.error_code() == grpc::StatusCode::INTERNAL ||
           (undecodable_ &&
            status.error_code() == grpc::StatusCode::UNIMPLEMENTED))) {
        methods->ModifySendStatus(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT, kUndecodableRequest));
      }
    }
    methods->Proceed();
  }

 private:
  bool undecodable_ = false;
};

class Factory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new RequestErrorsInterceptor();
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RequestErrorsInterceptorFactory() {
  return std::make_unique<Factory>();
}

}  // namespace gridcase::server
