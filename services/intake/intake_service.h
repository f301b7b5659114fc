// IntakeServiceImpl: gridcase.v1.IntakeService, case reporting from every
// channel and the reporter-facing reads.
//
// Skeleton: every RPC answers UNIMPLEMENTED until issue #4 builds it
// (docs/api.md lists each RPC with the issue that builds it).
#ifndef GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_H_
#define GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_H_

#include "gridcase/v1/intake.grpc.pb.h"

namespace gridcase::intake {

class IntakeServiceImpl final : public v1::IntakeService::Service {};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_H_
