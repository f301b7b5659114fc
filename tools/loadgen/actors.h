// Who loadgen's calls are made as: a different WeChat citizen for every
// report (reached through the WeChat channel backend, as the old loadgen
// did), and staff members of the registry — copied under --staff_pool
// subjects so that one member's rate limit (--rate_limit_staff, 100/s by
// default) is not what a read scenario measures.
#ifndef GRIDCASE_TOOLS_LOADGEN_ACTORS_H_
#define GRIDCASE_TOOLS_LOADGEN_ACTORS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::loadgen {

// Citizen `n` of run `run`: subject "wx:lg-<run>-<n>", ROLE_CITIZEN; unless
// `header_mode` (an insecure-dev stack), through the WeChat backend
// (channel SOURCE_WECHAT, via "svc:loadgen").
v1::Actor WeChatCitizen(absl::string_view run, int64_t n, bool header_mode);

// `member` as copy `n % pool`: subject "<subject>.lg<k>" with the same
// roles, department and grids; `member` itself when pool <= 1.
v1::Actor PoolCopy(const v1::Actor& member, int64_t n, int pool);

// A staff member of `department` loadgen makes up when the registry lists
// none: subject "lg-staff-<department>".
v1::Actor DepartmentStaff(absl::string_view department);

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_ACTORS_H_
