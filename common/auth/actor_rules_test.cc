#include "common/auth/actor_rules.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::IsOkAndHolds;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseRoleName, ReadsRoleNamesWithoutThePrefix) {
  EXPECT_THAT(ParseRoleName("grid_manager"),
              IsOkAndHolds(v1::ROLE_GRID_MANAGER));
  EXPECT_THAT(ParseRoleName("system"), IsOkAndHolds(v1::ROLE_SYSTEM));
  EXPECT_THAT(ParseRoleName("unspecified"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown role 'unspecified' (known: "
                                 "grid_manager, acceptor,")));
  EXPECT_THAT(
      ParseRoleName("role_admin"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown role")));
}

TEST(RoleName, IsTheLowerCaseNameWithoutThePrefix) {
  EXPECT_EQ(RoleName(v1::ROLE_DEPARTMENT_STAFF), "department_staff");
}

TEST(ValidateActorFields, NamesTheFieldThatBreaksARule) {
  v1::Actor actor;
  EXPECT_THAT(
      ValidateActorFields(actor),
      StatusIs(absl::StatusCode::kInvalidArgument, "subject: is required"));
  actor.set_subject("m-1");
  EXPECT_OK(ValidateActorFields(actor));  // roles are the caller's business
  actor.add_grid_codes("12345");
  EXPECT_THAT(ValidateActorFields(actor),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grids: '12345' is not a 15-digit")));
  actor.clear_grid_codes();
  actor.set_department_id("a b");
  EXPECT_THAT(ValidateActorFields(actor),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("department: must be at most 128")));
}

}  // namespace
}  // namespace gridcase::auth
