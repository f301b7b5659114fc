// ListCases over the shards' index sorted sets: the most selective index of
// the request (reporter, region, category, source, else all cases) is read
// newest first on every shard it can touch, merged in (reported_at desc, id
// desc) order, and the other filters are applied to the loaded cases. The
// page token is the (reported_ms, id) of the last case examined, so cases
// reported later sort before the first page and never shift a page.
#ifndef GRIDCASE_SERVICES_INTAKE_LIST_CASES_H_
#define GRIDCASE_SERVICES_INTAKE_LIST_CASES_H_

#include "absl/status/statusor.h"
#include "gridcase/v1/intake.pb.h"
#include "services/intake/case_store.h"

namespace gridcase::intake {

// Validates the filters and lists one page (cases not yet masked).
absl::StatusOr<v1::ListCasesResponse> ListCases(
    CaseStore& store, const v1::ListCasesRequest& request, int shards);

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_LIST_CASES_H_
