#include "common/auth/roles.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;

v1::Actor With(std::initializer_list<v1::Role> roles) {
  v1::Actor a;
  a.set_subject("m-1");
  for (v1::Role r : roles) a.add_roles(r);
  return a;
}

TEST(Roles, RequireAnyRoleNamesTheRule) {
  EXPECT_THAT(RequireAnyRole(With({v1::ROLE_ADMIN}),
                             {v1::ROLE_ADMIN, v1::ROLE_SYSTEM}, "ImportGrids"),
              IsOk());
  EXPECT_THAT(RequireAnyRole(With({v1::ROLE_DISPATCHER, v1::ROLE_GRID_MANAGER}),
                             {v1::ROLE_ADMIN, v1::ROLE_SYSTEM}, "ImportGrids"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "ImportGrids needs role ADMIN or SYSTEM; caller m-1 has "
                       "DISPATCHER, GRID_MANAGER"));
}

TEST(Roles, StaffIsAnyRoleButCitizen) {
  EXPECT_THAT(RequireStaff(With({v1::ROLE_SYSTEM}), "ListMembers"), IsOk());
  EXPECT_THAT(RequireStaff(With({v1::ROLE_CITIZEN, v1::ROLE_DISPATCHER}), "x"),
              IsOk());
  EXPECT_THAT(RequireStaff(With({v1::ROLE_CITIZEN}), "ListMembers"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "ListMembers is for staff; caller m-1 has CITIZEN"));
}

TEST(Roles, ThePublicHasNoRoleButCitizen) {
  EXPECT_TRUE(IsPublic(With({v1::ROLE_CITIZEN})));
  EXPECT_FALSE(IsPublic(With({v1::ROLE_CITIZEN, v1::ROLE_GRID_MANAGER})));
  EXPECT_FALSE(IsPublic(With({v1::ROLE_SYSTEM})));
}

}  // namespace
}  // namespace gridcase::auth
