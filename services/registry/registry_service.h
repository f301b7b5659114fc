// RegistryServiceImpl: gridcase.v1.RegistryService, the grid hierarchy, people,
// departments, categories, responsibility rules and the working calendar.
//
// Skeleton: every RPC answers UNIMPLEMENTED until issue #3 builds it
// (docs/api.md lists each RPC with the issue that builds it).
#ifndef GRIDCASE_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define GRIDCASE_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include "gridcase/v1/registry.grpc.pb.h"

namespace gridcase::registry {

class RegistryServiceImpl final : public v1::RegistryService::Service {};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
