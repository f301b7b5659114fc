// Fuzz target: stats' stored case records (services/stats/contributions.h)
// and the id validator, on arbitrary bytes. DecodeRecord must never crash,
// fail only with DATA_LOSS, and what it reads must survive Encode/Decode
// unchanged; ValidateId must accept or refuse with INVALID_ARGUMENT.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/validation/ids.h"
#include "services/stats/contributions.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  std::string raw(reinterpret_cast<const char*>(data), size);
  absl::Status id = gridcase::validation::ValidateId("id", raw);
  if (!id.ok() && id.code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  absl::StatusOr<gridcase::stats::CaseRecord> r =
      gridcase::stats::DecodeRecord(raw);
  if (!r.ok()) {
    if (r.status().code() != absl::StatusCode::kDataLoss) std::abort();
    return 0;
  }
  std::string encoded = gridcase::stats::Encode(*r);
  absl::StatusOr<gridcase::stats::CaseRecord> again =
      gridcase::stats::DecodeRecord(encoded);
  if (!again.ok() || !(*again == *r) ||
      gridcase::stats::Encode(*again) != encoded) {
    std::abort();
  }
  return 0;
}
