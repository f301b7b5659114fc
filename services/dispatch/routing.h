// Routing policy: which new reports dispatch registers and dispatches by
// itself (AUTO) and which wait for a dispatcher (MANUAL). The most specific
// match decides: full category code beats major code; within a code, the
// report's source beats "every source"; then the source's mode; then the
// default. Default policy: MANUAL, with GRID_PATROL AUTO.
#ifndef GRIDCASE_SERVICES_DISPATCH_ROUTING_H_
#define GRIDCASE_SERVICES_DISPATCH_ROUTING_H_

#include <string>

#include "absl/status/status.h"
#include "gridcase/v1/dispatch.pb.h"

namespace gridcase::dispatch {

v1::RoutingPolicy DefaultRoutingPolicy();

struct RoutingDecision {
  v1::RoutingMode mode = v1::ROUTING_MODE_MANUAL;
  // Why, e.g. "routing MANUAL for source CITIZEN_APP".
  std::string reason;
};

RoutingDecision Decide(const v1::RoutingPolicy& policy, const v1::Case& c);

// INVALID_ARGUMENT naming the field: mode unspecified, malformed category
// code, the same source or (category, source) listed twice.
absl::Status ValidateRoutingPolicy(const v1::RoutingPolicy& policy);

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_ROUTING_H_
