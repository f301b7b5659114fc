// The plan of a simulated day, worked out before it starts: who reports what,
// where, when and through which channel, and what will become of each case
// (its fate). Also how fast each department works and each town's
// inspectors verify. Pure functions of the world and a seed.
#ifndef GRIDCASE_TOOLS_SIM_PLAN_H_
#define GRIDCASE_TOOLS_SIM_PLAN_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"
#include "tools/sim/world.h"

namespace gridcase::sim {

// What the simulated people will do with a case.
enum class Fate {
  kNormal,     // handled in time, verified, closed
  kLate,       // the department misses the HANDLE deadline
  kRework,     // the first verification fails; handled again
  kReturn,     // the first department returns it; dispatched elsewhere
  kExtend,     // the department asks for more time; the duty chief approves
  kVoid,       // not a real problem: the centre voids it
  kDuplicate,  // a second report of an open case nearby: intake merges it
  // The same problem reported again under another category, which intake
  // cannot tell: the dispatcher merges it into the first (合并).
  kMisfiled,
};

struct Report {
  absl::Duration at;  // from the start of the day
  int grid = 0;       // index into World::grids
  double lat = 0;
  double lng = 0;
  std::string category;
  v1::Source source = v1::SOURCE_UNSPECIFIED;
  // Member id (grid patrol), citizen id (app, WeChat) or the operator's
  // member id (hotline, video).
  std::string reporter;
  Fate fate = Fate::kNormal;
  // For kDuplicate and kMisfiled: index of the report it repeats.
  int duplicate_of = -1;
  std::string description;
};

struct PlanOptions {
  int reports = 360;
  absl::Duration window = absl::Seconds(60);  // reports arrive within it
  uint64_t seed = 1;
  // The hotline and video operator (an ACCEPTOR member id).
  std::string operator_id = "m-0002";
};

// The day's reports in time order. Any plan of 6 or more reports holds at
// least one case of every fate but kNormal, so a short demo still shows each
// path: the first five originals are planned to be returned, reworked,
// extended, late and void, within the first 30% of the window, and the first
// one is reported twice. The first later original that is not void is
// reported again under another category (kMisfiled), as are about 3% of
// the rest.
std::vector<Report> PlanDay(const World& world, const PlanOptions& options);

// How fast a department works: the share of the HANDLE limit it takes, and
// the chance that an ordinary case slips past the deadline anyway.
struct Pace {
  double low = 0.3;
  double high = 0.7;
  double slip = 0.0;
  absl::string_view label;  // "quick", "steady" or "slow"
};
Pace PaceOf(absl::string_view department);

// The share of the HANDLE limit after which a case is handled.
double HandleShare(Fate fate, const Pace& pace, std::mt19937_64& rng);

// How a reporter rates a closed case (满意度): most are satisfied; fewer
// after a late or reworked case, and fewer in the slow towns.
v1::Satisfaction RatingOf(absl::string_view town, Fate fate,
                          std::mt19937_64& rng);

// How long a town's inspectors take to verify, as a share of the VERIFY
// limit; one town in four is slower and sometimes late.
double VerifyShare(absl::string_view town, std::mt19937_64& rng);

// A stable 64-bit hash (FNV-1a) for per-name behaviour.
uint64_t StableHash(absl::string_view s);

}  // namespace gridcase::sim

#endif  // GRIDCASE_TOOLS_SIM_PLAN_H_
