// Work queues as data: which queues a case belongs to in its current state,
// and its place in them. Each queue is a sorted set per shard, scored by the
// current stage's effective deadline (ms) with members "<0|1><case id>" (0 for
// urgent cases), so a range read gives deadline order, then urgent first,
// then case id — the order ListQueue promises. The names are those of
// common/store/keys.h:
//
//   q:review            REPORTED (manual routing) and REGISTERED cases
//   q:dept:<dept>       DISPATCHED and IN_PROGRESS cases of a department
//   q:verify            every HANDLED case
//   q:verify:<grid>     HANDLED cases of one grid (inspector queues)
//   q:check, q:check:<grid>  CHECKING cases (核实), and those of one grid
//   q:approvals         cases with a pending extension request
//   q:sup, q:sup:<dept> open cases supervised, overdue (stored light RED) or
//                       SUSPENDED
//   q:unsatisfied       CLOSED cases with an unsatisfied rating waiting for
//                       the duty chief, scored by that rating's time
#ifndef GRIDCASE_SERVICES_DISPATCH_QUEUES_H_
#define GRIDCASE_SERVICES_DISPATCH_QUEUES_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::dispatch {

// The queue names (without shard tag) `c` belongs to.
std::vector<std::string> QueueNamesOf(const v1::Case& c);

// True if `c` is overdue by its stored light (RED on the running attempt).
bool StoredOverdue(const v1::Case& c);

// Score: effective deadline (ms) of the running (or paused) attempt; for a
// CLOSED case the time of its last unsatisfied rating; 0 if none.
int64_t QueueScoreOf(const v1::Case& c);

// The case's last UNSATISFIED rating (what keeps it in q:unsatisfied while
// its review is pending); null if none.
const v1::Rating* LastUnsatisfied(const v1::Case& c);

// "0<id>" for urgent cases, "1<id>" otherwise.
std::string QueueMemberOf(const v1::Case& c);
// The case id of a member.
absl::string_view CaseIdOfMember(absl::string_view member);

// Deadline alarms of a case: when the scanner must look at it next for a
// warning and for an overdue event (ms; -1: no alarm). None while no stage
// runs or the case is SUSPENDED, and none for an alert already emitted for
// the running attempt (`alerts` holds store::AlertMarker values).
struct AlarmTimes {
  int64_t warn_ms = -1;
  int64_t due_ms = -1;
};
AlarmTimes AlarmsOf(const v1::Case& c, const std::set<std::string>& alerts);

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_QUEUES_H_
