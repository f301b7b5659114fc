// StatsServiceImpl: gridcase.v1.StatsService, indicators, rankings, trends and
// hotspots.
//
// Skeleton: every RPC answers UNIMPLEMENTED until issue #6 builds it
// (docs/api.md lists each RPC with the issue that builds it).
#ifndef GRIDCASE_SERVICES_STATS_STATS_SERVICE_H_
#define GRIDCASE_SERVICES_STATS_STATS_SERVICE_H_

#include "gridcase/v1/stats.grpc.pb.h"

namespace gridcase::stats {

class StatsServiceImpl final : public v1::StatsService::Service {};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_STATS_SERVICE_H_
