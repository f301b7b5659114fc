// A case's timeline list holds one entry per event:
// "<stream entry id> <related case id or -> <CaseEvent pb>", where the pb
// lacks id, case_id, related_case_id and shard. Writers (intake's and
// dispatch's scripts) build the string in Lua; readers parse it here.
#ifndef GRIDCASE_COMMON_CASES_TIMELINE_ENTRY_H_
#define GRIDCASE_COMMON_CASES_TIMELINE_ENTRY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::cases {

// DATA_LOSS when the entry is malformed.
absl::StatusOr<v1::CaseEvent> ParseTimelineEntry(absl::string_view raw,
                                                 const std::string& case_id,
                                                 int shard);

}  // namespace gridcase::cases

#endif  // GRIDCASE_COMMON_CASES_TIMELINE_ENTRY_H_
