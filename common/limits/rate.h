// Rate: a limit on calls as a steady rate with a burst, as configured by
// flags such as --rate_limit_caller=20/s,burst=40. The syntax:
//
//   20/s,burst=40   20 calls a second on average, up to 40 at once
//   0.5/s           one call every 2 s; burst defaults to one second's worth
//                   of calls (at least 1)
//   0, off          no limit
#ifndef GRIDCASE_COMMON_LIMITS_RATE_H_
#define GRIDCASE_COMMON_LIMITS_RATE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gridcase::limits {

struct Rate {
  double per_second = 0;  // 0: no limit
  int64_t burst = 0;      // calls allowed at once, >= 1 when limited

  bool enabled() const { return per_second > 0; }
  // The time one call uses up: 1 s / per_second.
  absl::Duration interval() const;
};

// Parses the syntax above; INVALID_ARGUMENT saying what is wrong.
absl::StatusOr<Rate> ParseRate(absl::string_view text);
// "20/s,burst=40" or "off".
std::string FormatRate(const Rate& rate);

// Abseil flag support (ABSL_FLAG(limits::Rate, ...)).
bool AbslParseFlag(absl::string_view text, Rate* rate, std::string* error);
std::string AbslUnparseFlag(const Rate& rate);

}  // namespace gridcase::limits

#endif  // GRIDCASE_COMMON_LIMITS_RATE_H_
