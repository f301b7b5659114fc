// The Redis keys of gridcase's limits, in one place. Each key is its own
// hash tag, so every script that touches one stays on one slot.
//
//   {rl:<scope>:<bucket>}        rate-limit state of a bucket (GCRA: the
//                                theoretical arrival time, µs), expiring
//                                when the bucket is full again; <scope> is
//                                the service ("intake"), <bucket> e.g.
//                                "caller:wx:o6_1" or "channel:wechat"
//   {rq:<reporter>}:<YYYYMMDD>   new reports a reporter made on a local
//                                date (intake's daily quota), two days
#ifndef GRIDCASE_COMMON_LIMITS_LIMIT_KEYS_H_
#define GRIDCASE_COMMON_LIMITS_LIMIT_KEYS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::limits {

std::string RateKey(absl::string_view scope, absl::string_view bucket);
std::string ReportQuotaKey(absl::string_view reporter_id,
                           absl::string_view yyyymmdd);

}  // namespace gridcase::limits

#endif  // GRIDCASE_COMMON_LIMITS_LIMIT_KEYS_H_
