// DispatchServiceImpl: gridcase.v1.DispatchService, the case workflow after the
// report: states, routing, deadlines, queues.
//
// Skeleton: every RPC answers UNIMPLEMENTED until issue #5 builds it
// (docs/api.md lists each RPC with the issue that builds it).
#ifndef GRIDCASE_SERVICES_DISPATCH_DISPATCH_SERVICE_H_
#define GRIDCASE_SERVICES_DISPATCH_DISPATCH_SERVICE_H_

#include "gridcase/v1/dispatch.grpc.pb.h"

namespace gridcase::dispatch {

class DispatchServiceImpl final : public v1::DispatchService::Service {};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_DISPATCH_SERVICE_H_
