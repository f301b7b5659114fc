#include "tools/loadgen/actors.h"

#include "absl/strings/str_cat.h"

namespace gridcase::loadgen {

v1::Actor WeChatCitizen(absl::string_view run, int64_t n, bool header_mode) {
  v1::Actor a;
  a.set_subject(absl::StrCat("wx:lg-", run, "-", n));
  a.add_roles(v1::ROLE_CITIZEN);
  if (!header_mode) {
    a.set_channel(v1::SOURCE_WECHAT);
    a.set_via("svc:loadgen");
  }
  return a;
}

v1::Actor PoolCopy(const v1::Actor& member, int64_t n, int pool) {
  if (pool <= 1) return member;
  v1::Actor a = member;
  a.set_subject(absl::StrCat(member.subject(), ".lg", n % pool));
  return a;
}

v1::Actor DepartmentStaff(absl::string_view department) {
  v1::Actor a;
  a.set_subject(absl::StrCat("lg-staff-", department));
  a.add_roles(v1::ROLE_DEPARTMENT_STAFF);
  a.set_department_id(std::string(department));
  return a;
}

}  // namespace gridcase::loadgen
