// Census: what a fault run did to the reports, counted from what the clients
// were told (the acknowledgements) against what Redis holds afterwards (every
// stored case). Pure: the fault suite gathers both and calls Count.
#ifndef GRIDCASE_TESTS_FAULT_CENSUS_H_
#define GRIDCASE_TESTS_FAULT_CENSUS_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::fault {

// One acknowledged report.
struct Acked {
  std::string request_id;  // also the marker in its description
  std::string case_id;     // the id intake acknowledged
  bool patrol = false;
  absl::Time at;  // when the client had the acknowledgement
  int phase = 0;  // the fault phase running then
};

// One case as stored in Redis.
struct StoredCase {
  std::string id;
  std::string marker;  // from the description; empty if it has none
  v1::Source source = v1::SOURCE_UNSPECIFIED;
  v1::CaseState state = v1::CASE_STATE_UNSPECIFIED;
  std::string department_id;
};

// The acknowledgements an older backup cannot hold: from the moment its copy
// began to the crash after which it was restored.
struct RestoreWindow {
  absl::Time from = absl::InfiniteFuture();
  absl::Time to = absl::InfiniteFuture();
  bool Contains(absl::Time t) const { return from <= t && t <= to; }
};

struct Census {
  int acknowledged = 0;
  // The acknowledged case id holds this report's marker.
  int found = 0;
  // Not found, acknowledged outside the restore window / inside it.
  int lost = 0;
  int lost_to_restore = 0;
  // Markers stored in more than one case.
  int duplicated = 0;
  // Acknowledged ids whose stored case holds another report's marker.
  int reissued = 0;
  // Patrol cases (routed automatically) still REPORTED, or REGISTERED with
  // no department: auto-dispatchable, yet not dispatched.
  int stuck = 0;
  int stored = 0;
  // Stored cases whose marker no acknowledgement names (a client gave up).
  int stored_unacknowledged = 0;
  // Stored cases in state MERGED (the lattice ran out of points).
  int merged = 0;
  // Phase → count, for the non-zero kinds above.
  std::map<int, int> lost_by_phase;
  std::map<int, int> lost_to_restore_by_phase;
  std::map<int, int> reissued_by_phase;
  std::map<int, int> stuck_by_phase;
  // A few examples of each problem, "<kind>: <request id> <case id> ...".
  std::vector<std::string> examples;
};

Census Count(const std::vector<Acked>& acked,
             const std::vector<StoredCase>& cases, const RestoreWindow& window);

// The description a load report carries, and the marker read back from one
// ("" if it carries none).
std::string DescriptionWithMarker(absl::string_view marker);
std::string MarkerOf(absl::string_view description);

// Prints the census lines of the summary block, phases by name.
void PrintCensus(const Census& census, const std::vector<std::string>& phases,
                 absl::string_view appendfsync, std::ostream& out);

}  // namespace gridcase::fault

#endif  // GRIDCASE_TESTS_FAULT_CENSUS_H_
