#include "common/limits/rate.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace gridcase::limits {
namespace {

constexpr double kMaxPerSecond = 1e6;
constexpr int64_t kMaxBurst = 1000000;

absl::Status Bad(absl::string_view text, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(
      "'", text, "': ", rule,
      " (a rate is e.g. 20/s,burst=40 or 0.5/s; 0 or off for no limit)"));
}

}  // namespace

absl::Duration Rate::interval() const {
  return enabled() ? absl::Seconds(1) / per_second : absl::InfiniteDuration();
}

absl::StatusOr<Rate> ParseRate(absl::string_view text) {
  absl::string_view in = absl::StripAsciiWhitespace(text);
  if (in == "0" || in == "off") return Rate{};
  std::vector<absl::string_view> parts = absl::StrSplit(in, ',');
  if (parts.size() > 2) return Bad(text, "too many parts");
  absl::string_view per = absl::StripAsciiWhitespace(parts[0]);
  if (!absl::ConsumeSuffix(&per, "/s")) {
    return Bad(text, "the rate must end in /s");
  }
  Rate rate;
  if (!absl::SimpleAtod(per, &rate.per_second) ||
      !std::isfinite(rate.per_second) || rate.per_second <= 0 ||
      rate.per_second > kMaxPerSecond) {
    return Bad(text, "the rate must be a number above 0 and at most 1000000");
  }
  rate.burst =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(rate.per_second)));
  if (parts.size() == 2) {
    absl::string_view burst = absl::StripAsciiWhitespace(parts[1]);
    if (!absl::ConsumePrefix(&burst, "burst=") ||
        !absl::SimpleAtoi(burst, &rate.burst) || rate.burst < 1 ||
        rate.burst > kMaxBurst) {
      return Bad(text, "burst=N needs a whole number from 1 to 1000000");
    }
  }
  return rate;
}

std::string FormatRate(const Rate& rate) {
  if (!rate.enabled()) return "off";
  return absl::StrFormat("%g/s,burst=%d", rate.per_second, rate.burst);
}

bool AbslParseFlag(absl::string_view text, Rate* rate, std::string* error) {
  absl::StatusOr<Rate> parsed = ParseRate(text);
  if (!parsed.ok()) {
    *error = std::string(parsed.status().message());
    return false;
  }
  *rate = *parsed;
  return true;
}

std::string AbslUnparseFlag(const Rate& rate) { return FormatRate(rate); }

}  // namespace gridcase::limits
