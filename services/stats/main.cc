// gridcase-stats: wiring only.
#include "common/server/bootstrap.h"
#include "services/stats/stats_service.h"

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "stats",
      "gridcase-stats: indicators, rankings, trends and hotspots.");
  gridcase::stats::StatsServiceImpl service;
  return boot.Serve(
      {{&service, gridcase::v1::StatsService::service_full_name()}});
}
