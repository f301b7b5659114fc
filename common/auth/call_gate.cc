#include "common/auth/call_gate.h"

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/auth/policy.h"
#include "common/status/grpc_status.h"

namespace gridcase::auth {

absl::Status CallGate::Check(const Metadata& metadata) const {
  auto path = metadata.find(":path");
  if (path == metadata.end()) {
    return absl::UnauthenticatedError("request has no :path");
  }
  absl::string_view method(path->second.data(), path->second.size());
  // "/gridcase.v1.RegistryService/ImportGrids" -> the table's key.
  if (!absl::ConsumePrefix(&method, "/") ||
      !absl::StartsWith(method, "gridcase.")) {
    return absl::OkStatus();  // health, reflection: open to every caller
  }
  absl::StatusOr<v1::Actor> actor = authenticator_->Authenticate(metadata);
  if (!actor.ok()) return actor.status();
  return Authorize(*actor, method);
}

grpc::Status CallGate::Process(const InputMetadata& metadata,
                               grpc::AuthContext* /*context*/,
                               OutputMetadata* /*consumed_metadata*/,
                               OutputMetadata* /*response_metadata*/) {
  return ToGrpcStatus(Check(metadata));
}

}  // namespace gridcase::auth
