// gridcase-intake: wiring only.
#include "common/server/bootstrap.h"
#include "services/intake/intake_service.h"

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "intake",
      "gridcase-intake: case reporting from every channel and the "
      "reporter-facing reads.");
  gridcase::intake::IntakeServiceImpl service;
  return boot.Serve(
      {{&service, gridcase::v1::IntakeService::service_full_name()}});
}
