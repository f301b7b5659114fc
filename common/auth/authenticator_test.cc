#include "common/auth/authenticator.h"

#include <map>
#include <string>

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseActorHeader, ReadsEveryField) {
  ASSERT_OK_AND_ASSIGN(
      v1::Actor a,
      ParseActorHeader("subject=m-0042; roles=grid_manager, dispatcher; "
                       "grids=330483101001001,330483101001002; "
                       "department=sanitation; name=%E5%BC%A0%E4%BC%9F"));
  EXPECT_EQ(a.subject(), "m-0042");
  EXPECT_THAT(a.roles(),
              ElementsAre(v1::ROLE_GRID_MANAGER, v1::ROLE_DISPATCHER));
  EXPECT_THAT(a.grid_codes(),
              ElementsAre("330483101001001", "330483101001002"));
  EXPECT_EQ(a.department_id(), "sanitation");
  EXPECT_EQ(a.display_name(), "张伟");
}

TEST(ParseActorHeader, FormatRoundTrips) {
  v1::Actor a;
  a.set_subject("m-7");
  a.set_display_name(" 李 娜 ");  // spaces survive the round trip
  a.add_roles(v1::ROLE_DEPARTMENT_STAFF);
  a.add_grid_codes("330483101001001");
  a.set_department_id("municipal");
  ASSERT_OK_AND_ASSIGN(v1::Actor back, ParseActorHeader(FormatActorHeader(a)));
  EXPECT_EQ(back.SerializeAsString(), a.SerializeAsString());
}

struct BadHeader {
  const char* header;
  const char* message;
};

class BadHeaders : public ::testing::TestWithParam<BadHeader> {};

TEST_P(BadHeaders, AreUnauthenticatedNamingTheField) {
  EXPECT_THAT(ParseActorHeader(GetParam().header),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadHeaders,
    ::testing::Values(
        BadHeader{"roles=dispatcher", "subject: is required"},
        BadHeader{"subject=a", "roles: at least one role"},
        BadHeader{"subject=a; roles=mayor", "unknown role 'mayor'"},
        BadHeader{"subject=a; roles=unspecified", "unknown role"},
        BadHeader{"subject=a; roles=admin; grids=123", "15-digit grid code"},
        BadHeader{"subject=a; roles=admin; colour=red", "unknown key 'colour'"},
        BadHeader{"subject=a; roles=admin; name=%E5%B", "percent escape"},
        BadHeader{"subject=a\x01b; roles=admin",
                  "subject: must be at most 128"},
        BadHeader{"subject=a; roles=admin; name=%FF",
                  "name: must be valid UTF-8"},
        BadHeader{"subject=a; roles=admin; subject=b",
                  "subject: given more than once"}));

TEST(DevHeaderAuthenticator, NeedsTheHeader) {
  DevHeaderAuthenticator auth;
  Metadata none;
  EXPECT_THAT(auth.Authenticate(none),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("x-gridcase-actor: missing")));
  std::string key = "x-gridcase-actor";
  std::string value = "subject=s; roles=citizen";
  Metadata md;
  md.emplace(grpc::string_ref(key), grpc::string_ref(value));
  ASSERT_OK_AND_ASSIGN(v1::Actor a, auth.Authenticate(md));
  EXPECT_EQ(a.subject(), "s");
}

}  // namespace
}  // namespace gridcase::auth
