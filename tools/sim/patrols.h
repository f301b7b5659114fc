// The grid managers' patrols of the simulated day (一员多责): each grid
// manager starts a patrol, walks through a share of their grids (drawn per
// member from the seed, so coverage differs between members), records a
// short GPS track around each grid's centre and checks in there with one of
// their duties, tries one check-in in a grid that is not theirs (which
// PatrolService must refuse), and ends the patrol.
#ifndef GRIDCASE_TOOLS_SIM_PATROLS_H_
#define GRIDCASE_TOOLS_SIM_PATROLS_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tools/sim/ledger.h"
#include "tools/sim/world.h"

namespace gridcase::sim {

struct PatrolTally {
  int members = 0;
  int patrols = 0;
  int points = 0;
  int check_ins = 0;
  int grids = 0;          // the members' grids
  int grids_visited = 0;  // of those, reached by a patrol
  int refused = 0;        // check-ins outside the member's grids, refused
};

// Runs every grid manager's patrol through PatrolService at `intake`;
// counts each call in `ledger` (a check-in outside the member's grids that
// is not refused PERMISSION_DENIED counts as an error).
PatrolTally PatrolDay(const World& world,
                      const std::shared_ptr<grpc::Channel>& intake,
                      uint64_t seed, Ledger& ledger);

// "Patrols: 37 members, 37 patrols, …".
std::string PatrolLine(const PatrolTally& t);

}  // namespace gridcase::sim

#endif  // GRIDCASE_TOOLS_SIM_PATROLS_H_
