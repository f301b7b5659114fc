// What gridcase-sim prints: one progress line every few seconds (counts per
// state, rates, the paths taken so far) and the final summary.
#ifndef GRIDCASE_TOOLS_SIM_PROGRESS_H_
#define GRIDCASE_TOOLS_SIM_PROGRESS_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "tools/sim/ledger.h"

namespace gridcase::sim {

// "[  20s] 140 reports 7.0/s · 1200 calls 60/s | reported 4 ... | late 6 ·
// returned 2 ... | 按期结案率 today 91.2%". The rate is left out when unknown.
std::string ProgressLine(const Tally& t, absl::Duration elapsed,
                         std::optional<double> on_time_close_rate);

// The closing summary: cases by final state, the paths the day took, and
// whether every path the simulation aims at was reached.
std::string Summary(const Tally& t, absl::Duration elapsed);

// True when closed, reworked, returned, extended, overdue and merged cases
// were all seen.
bool ReachedEveryPath(const Tally& t);

}  // namespace gridcase::sim

#endif  // GRIDCASE_TOOLS_SIM_PROGRESS_H_
