#include "common/server/gated_credentials.h"

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>

#include <string>
#include <utility>

namespace gridcase::server {
namespace {

grpc::string_ref Ref(const grpc_slice& s) {
  return grpc::string_ref(
      reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(s)),
      GRPC_SLICE_LENGTH(s));
}

// Plaintext credentials from gRPC core that run an AuthMetadataProcessor.
class GatedPlaintextCredentials final : public grpc::ServerCredentials {
 public:
  GatedPlaintextCredentials()
      : creds_(grpc_insecure_server_credentials_create()) {}
  ~GatedPlaintextCredentials() override {
    grpc_server_credentials_release(creds_);
  }

  void SetAuthMetadataProcessor(
      const std::shared_ptr<grpc::AuthMetadataProcessor>& processor) override {
    // gRPC core may keep the credentials after this object is gone; the
    // processor lives as long as they do (Destroy).
    grpc_auth_metadata_processor c = {
        &Process, &Destroy,
        new std::shared_ptr<grpc::AuthMetadataProcessor>(processor)};
    grpc_server_credentials_set_auth_metadata_processor(creds_, c);
  }

 private:
  int AddPortToServer(const std::string& addr, grpc_server* server) override {
    return grpc_server_add_http2_port(server, addr.c_str(), creds_);
  }

  // Runs the processor inline (it must not block: auth::CallGate does not)
  // and answers gRPC at once.
  static void Process(void* state, grpc_auth_context* /*context*/,
                      const grpc_metadata* md, size_t num_md,
                      grpc_process_auth_metadata_done_cb cb, void* user_data) {
    auto& processor =
        *static_cast<std::shared_ptr<grpc::AuthMetadataProcessor>*>(state);
    grpc::AuthMetadataProcessor::InputMetadata input;
    for (size_t i = 0; i < num_md; ++i) {
      input.emplace(Ref(md[i].key), Ref(md[i].value));
    }
    grpc::AuthMetadataProcessor::OutputMetadata consumed;
    grpc::AuthMetadataProcessor::OutputMetadata response;
    grpc::Status status =
        processor->Process(input, nullptr, &consumed, &response);
    cb(user_data, nullptr, 0, nullptr, 0,
       static_cast<grpc_status_code>(status.error_code()),
       status.ok() ? nullptr : status.error_message().c_str());
  }

  static void Destroy(void* state) {
    delete static_cast<std::shared_ptr<grpc::AuthMetadataProcessor>*>(state);
  }

  grpc_server_credentials* creds_;
};

}  // namespace

std::shared_ptr<grpc::ServerCredentials> GatedCredentials(
    std::shared_ptr<grpc::ServerCredentials> tls,
    std::shared_ptr<grpc::AuthMetadataProcessor> gate) {
  if (gate == nullptr) {
    return tls != nullptr ? tls : grpc::InsecureServerCredentials();
  }
  std::shared_ptr<grpc::ServerCredentials> creds =
      tls != nullptr ? std::move(tls)
                     : std::make_shared<GatedPlaintextCredentials>();
  creds->SetAuthMetadataProcessor(gate);
  return creds;
}

}  // namespace gridcase::server
