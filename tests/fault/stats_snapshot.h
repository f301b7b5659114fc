// StatsSnapshot: the statistics the fault suite holds against a rebuild —
// Summary of the whole city, the town (濮院镇) and department sanitation,
// and the Ranking of towns, departments and the town's grids — for one
// period, with computed_at cleared so that two snapshots compare equal when
// their numbers are.
#ifndef GRIDCASE_TESTS_FAULT_STATS_SNAPSHOT_H_
#define GRIDCASE_TESTS_FAULT_STATS_SNAPSHOT_H_

#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/stats.grpc.pb.h"

namespace gridcase::fault {

using StatsSnapshot = std::vector<
    std::pair<std::string, std::shared_ptr<google::protobuf::Message>>>;

// Runs the queries as `actor` (a duty chief).
absl::StatusOr<StatsSnapshot> TakeStatsSnapshot(v1::StatsService::Stub* stub,
                                                const std::string& actor,
                                                const v1::DateRange& period);

// "" when equal; otherwise each differing query with its differences.
std::string DiffStats(const StatsSnapshot& before, const StatsSnapshot& after);

}  // namespace gridcase::fault

#endif  // GRIDCASE_TESTS_FAULT_STATS_SNAPSHOT_H_
