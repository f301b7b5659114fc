// The dimensions of a case as of an event (v1::CaseDimensions): where it
// is, what it is, who reported it, which department has it and on which
// local date it was reported. Every event carries them, so that consumers
// (stats, WatchCases filters, visibility of stream events) need not read
// the case. Intake (reports, follow-ups) and dispatch (transitions, alerts)
// compute them here, and only here.
#ifndef GRIDCASE_COMMON_STORE_DIMENSIONS_H_
#define GRIDCASE_COMMON_STORE_DIMENSIONS_H_

#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::store {

// The dimensions of `c` now; report_date is the date of reported_at in
// `zone` (the statistics zone, Asia/Shanghai), "YYYY-MM-DD".
v1::CaseDimensions DimensionsOf(const v1::Case& c, const absl::TimeZone& zone);

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_DIMENSIONS_H_
