#include "common/status/retry_delay.h"

#include <algorithm>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace gridcase {
namespace {

// The payload's type URL; the value is the delay in ms, in decimal.
constexpr absl::string_view kPayloadUrl =
    "type.gridcase.dev/gridcase.RetryDelayMillis";

}  // namespace

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  int64_t ms = std::max<int64_t>(
      1, absl::ToInt64Milliseconds(absl::Ceil(delay, absl::Milliseconds(1))));
  status.SetPayload(kPayloadUrl, absl::Cord(absl::StrCat(ms)));
  return status;
}

std::optional<int64_t> RetryDelayMillis(const absl::Status& status) {
  auto payload = status.GetPayload(kPayloadUrl);  // absl::optional
  int64_t ms = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &ms) ||
      ms < 0) {
    return std::nullopt;
  }
  return ms;
}

}  // namespace gridcase
