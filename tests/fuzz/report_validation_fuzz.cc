// Fuzz target: ReportCase validation on any message a client can send
// (arbitrary bytes parsed as ReportCaseRequest), against a category with
// attributes. Must never crash; every error must be INVALID_ARGUMENT.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "services/intake/intake_test_data.h"
#include "services/intake/report_validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Protobuf logs every invalid UTF-8 string it meets; fuzzing meets many.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  gridcase::v1::ReportCaseRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  static const auto* category =
      new gridcase::v1::Category(gridcase::intake::testdata::GarbageCategory());
  absl::Time now = absl::FromUnixSeconds(1782784800);
  absl::Status s = gridcase::intake::ValidateReport(request, now);
  if (s.ok()) s = gridcase::intake::ValidateAgainstCategory(request, *category);
  if (!s.ok() && s.code() != absl::StatusCode::kInvalidArgument) std::abort();
  return 0;
}
