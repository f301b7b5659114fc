#include "tools/loadgen/scenario.h"

#include <utility>

namespace gridcase::loadgen {

Outcome Outcome::Failed(std::string step, std::string code,
                        std::string message) {
  Outcome o;
  o.step = std::move(step);
  o.code = std::move(code);
  o.message = std::move(message);
  return o;
}

Outcome Outcome::Of(absl::string_view step, const grpc::Status& status) {
  if (status.ok()) return Ok();
  return Failed(std::string(step), CodeName(status.error_code()),
                status.error_message());
}

Outcome Outcome::Of(absl::string_view step, const absl::Status& status) {
  if (status.ok()) return Ok();
  return Failed(std::string(step), absl::StatusCodeToString(status.code()),
                std::string(status.message()));
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace gridcase::loadgen
