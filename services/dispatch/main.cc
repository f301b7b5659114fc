// gridcase-dispatch: wiring only.
#include "common/server/bootstrap.h"
#include "services/dispatch/dispatch_service.h"

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "dispatch",
      "gridcase-dispatch: the case workflow after the report: states, routing, "
      "deadlines, queues.");
  gridcase::dispatch::DispatchServiceImpl service;
  return boot.Serve(
      {{&service, gridcase::v1::DispatchService::service_full_name()}});
}
