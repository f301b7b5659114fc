// gridcase-registry: wiring only.
#include "common/server/bootstrap.h"
#include "services/registry/registry_service.h"

int main(int argc, char** argv) {
  auto boot = gridcase::server::Bootstrap::FromFlags(
      argc, argv, "registry",
      "gridcase-registry: the grid hierarchy, people, departments, categories, "
      "responsibility rules and the working calendar.");
  gridcase::registry::RegistryServiceImpl service;
  return boot.Serve(
      {{&service, gridcase::v1::RegistryService::service_full_name()}});
}
