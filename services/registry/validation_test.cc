#include "services/registry/validation.h"

#include <functional>

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registry/registry_test_data.h"

namespace gridcase::registry {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using namespace testdata;  // NOLINT: test data constants

std::shared_ptr<const RegistrySnapshot> Snapshot() {
  auto s = RegistrySnapshot::Build(BaseData());
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

v1::Member GoodMember() {
  v1::Member m;
  m.set_id("m-0042");
  m.set_name("张伟");
  m.set_phone("13812345678");
  m.add_roles(v1::ROLE_GRID_MANAGER);
  m.add_roles(v1::ROLE_DEPARTMENT_STAFF);
  m.add_grid_codes(kGridA1);
  m.set_department_id("sanitation");
  m.set_active(true);
  return m;
}

struct BadMember {
  std::function<void(v1::Member&)> change;
  const char* message;
};

TEST(ValidateMember, AcceptsAGoodOneAndNamesEveryBadField) {
  auto snapshot = Snapshot();
  EXPECT_THAT(ValidateMember(GoodMember(), *snapshot), IsOk());
  const BadMember cases[] = {
      {[](v1::Member& m) { m.set_id("m 42"); }, "member.id: must be 1-64"},
      {[](v1::Member& m) { m.set_id(""); }, "member.id"},
      {[](v1::Member& m) { m.set_name(""); }, "member.name: must be 1-64"},
      {[](v1::Member& m) { m.set_name(std::string("\xff", 1)); },
       "member.name: must be valid UTF-8"},
      {[](v1::Member& m) { m.set_phone("12ab"); }, "member.phone"},
      {[](v1::Member& m) { m.clear_roles(); }, "member.roles: at least one"},
      {[](v1::Member& m) { m.add_roles(v1::ROLE_CITIZEN); },
       "member.roles[2]: ROLE_CITIZEN cannot be held"},
      {[](v1::Member& m) { m.add_roles(v1::ROLE_GRID_MANAGER); },
       "member.roles[2]: ROLE_GRID_MANAGER is listed twice"},
      {[](v1::Member& m) { m.add_grid_codes("330483101001099"); },
       "member.grid_codes[1]: unknown grid 330483101001099"},
      {[](v1::Member& m) { m.add_grid_codes(kTown); },
       "member.grid_codes[1]: must be a 15-digit grid code"},
      {[](v1::Member& m) { m.clear_department_id(); },
       "member.department_id: is required with ROLE_DEPARTMENT_STAFF"},
      {[](v1::Member& m) { m.set_department_id("nobody"); },
       "member.department_id: unknown department 'nobody'"},
  };
  for (const BadMember& c : cases) {
    v1::Member m = GoodMember();
    c.change(m);
    EXPECT_THAT(
        ValidateMember(m, *snapshot),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
}

struct BadCategory {
  std::function<void(v1::Category&)> change;
  const char* message;
};

TEST(ValidateCategory, AcceptsAGoodOneAndNamesEveryBadField) {
  EXPECT_THAT(ValidateCategory(MakeCategory("E0101", 5)), IsOk());
  const BadCategory cases[] = {
      {[](v1::Category& c) { c.set_family(v1::CATEGORY_FAMILY_UNSPECIFIED); },
       "category.family: is required"},
      {[](v1::Category& c) { c.set_family(v1::CATEGORY_FAMILY_COMPONENT); },
       "category.major_code: must be 'C'"},
      {[](v1::Category& c) { c.set_minor_code("1"); },
       "category.minor_code: must be 2-3 digits"},
      {[](v1::Category& c) { c.set_code("E0102"); },
       "category.code: must be major_code + minor_code = 'E0101'"},
      {[](v1::Category& c) { c.set_name(""); }, "category.name"},
      {[](v1::Category& c) { c.clear_limits(); },
       "category.limits: a STAGE_HANDLE limit is required"},
      {[](v1::Category& c) { *c.add_limits() = c.limits(0); },
       "category.limits[1].stage: STAGE_HANDLE is listed more than once"},
      {[](v1::Category& c) {
         c.mutable_limits(0)->mutable_limit()->set_amount(0);
       },
       "category.limits[0].limit.amount: must be > 0"},
      {[](v1::Category& c) {
         c.mutable_limits(0)->mutable_limit()->set_unit(
             v1::TIME_UNIT_UNSPECIFIED);
       },
       "category.limits[0].limit.unit: is required"},
      {[](v1::Category& c) { c.set_duplicate_radius_m(5000); },
       "category.duplicate_radius_m: must be 0-1000"},
      {[](v1::Category& c) {
         v1::AttributeDefinition* a = c.add_attributes();
         a->set_code("lamp_state");
         a->set_datatype(v1::ATTRIBUTE_DATATYPE_SINGLE_VALUE_LIST);
       },
       "category.attributes[0].values: a list attribute needs"},
      {[](v1::Category& c) {
         v1::AttributeDefinition* a = c.add_attributes();
         a->set_code("Bad Code");
         a->set_datatype(v1::ATTRIBUTE_DATATYPE_STRING);
       },
       "category.attributes[0].code"},
  };
  for (const BadCategory& c : cases) {
    v1::Category category = MakeCategory("E0101", 5);
    c.change(category);
    EXPECT_THAT(
        ValidateCategory(category),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
}

TEST(ValidateDepartment, NamesBadFields) {
  EXPECT_THAT(ValidateDepartment(MakeDepartment("sanitation")), IsOk());
  v1::Department d = MakeDepartment("Sanitation");
  EXPECT_THAT(ValidateDepartment(d),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("department.id: must be 1-64 characters of "
                                 "[a-z0-9_-]")));
  d = MakeDepartment("ok");
  d.set_kind(v1::DEPARTMENT_KIND_UNSPECIFIED);
  EXPECT_THAT(ValidateDepartment(d),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("department.kind: is required")));
}

TEST(ValidateRule, NamesUnknownReferences) {
  auto snapshot = Snapshot();
  EXPECT_THAT(
      ValidateRule(MakeRule("r-1", "E0101", kTown, "sanitation"), *snapshot),
      IsOk());
  EXPECT_THAT(
      ValidateRule(MakeRule("r-1", "E0199", kTown, "sanitation"), *snapshot),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("rule.category_code: unknown category 'E0199'")));
  EXPECT_THAT(ValidateRule(MakeRule("r-1", "E0101", "330483999", "sanitation"),
                           *snapshot),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("rule.scope_code: unknown region 330483999")));
  EXPECT_THAT(
      ValidateRule(MakeRule("r-1", "E0101", kTown, "police"), *snapshot),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("rule.department_id: unknown department 'police'")));
}

}  // namespace
}  // namespace gridcase::registry
