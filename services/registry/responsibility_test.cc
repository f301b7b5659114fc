#include "services/registry/responsibility.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registry/registry_test_data.h"
#include "services/registry/snapshot.h"

namespace gridcase::registry {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using namespace testdata;  // NOLINT: test data constants

std::shared_ptr<const RegistrySnapshot> Snapshot(RegistryData data) {
  auto snapshot = RegistrySnapshot::Build(std::move(data));
  EXPECT_TRUE(snapshot.ok()) << snapshot.status();
  return *snapshot;
}

std::string Winner(const RegistryData& data, const std::string& grid) {
  auto resolved = ResolveResponsibility(*Snapshot(data), "E0101", grid);
  return resolved.ok() ? resolved->rule().id()
                       : std::string(resolved.status().message());
}

TEST(ResolveResponsibility, MostSpecificScopeWins) {
  RegistryData data = BaseData();
  data.rules = {MakeRule("r-city", "E0101", kCity, "sanitation", 9),
                MakeRule("r-town", "E0101", kTown, "municipal"),
                MakeRule("r-community", "E0101", kCommunityB, "sanitation"),
                MakeRule("r-grid", "E0101", kGridB2, "municipal")};
  EXPECT_EQ(Winner(data, kGridB2), "r-grid");       // grid rule
  EXPECT_EQ(Winner(data, kGridB1), "r-community");  // community over town
  EXPECT_EQ(Winner(data, kGridA1), "r-town");       // town over a
                                                    // higher-priority city rule
  data.rules.erase(data.rules.begin() + 1);         // drop the town rule
  EXPECT_EQ(Winner(data, kGridA1), "r-city");
}

TEST(ResolveResponsibility, PriorityThenSmallestIdBreakTies) {
  RegistryData data = BaseData();
  data.rules = {MakeRule("r-b", "E0101", kTown, "sanitation", 1),
                MakeRule("r-a", "E0101", kTown, "municipal", 1),
                MakeRule("r-0", "E0101", kTown, "municipal", 0)};
  EXPECT_EQ(Winner(data, kGridA1), "r-a");
  data.rules[2].set_priority(5);
  EXPECT_EQ(Winner(data, kGridA1), "r-0");
}

TEST(ResolveResponsibility, InactiveDepartmentsAreSkipped) {
  RegistryData data = BaseData();
  data.departments.push_back(MakeDepartment("retired", /*active=*/false));
  data.rules = {MakeRule("r-grid", "E0101", kGridA1, "retired"),
                MakeRule("r-city", "E0101", kCity, "sanitation")};
  EXPECT_EQ(Winner(data, kGridA1), "r-city");
}

TEST(ResolveResponsibility, NoRuleIsFailedPreconditionNeverADefault) {
  RegistryData data = BaseData();
  data.rules = {MakeRule("r-other", "C0101", kCity, "sanitation")};
  EXPECT_THAT(ResolveResponsibility(*Snapshot(data), "E0101", kGridA1),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "no responsibility rule for category E0101 in grid "
                       "330483101001001 or its community, town or city"));
}

TEST(ResolveResponsibility, BadInputs) {
  auto snapshot = Snapshot(BaseData());
  EXPECT_THAT(
      ResolveResponsibility(*snapshot, "E0101", "3304831"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("grid_code")));
  EXPECT_THAT(
      ResolveResponsibility(*snapshot, "E0101", kTown),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("15-digit grid")));
  EXPECT_THAT(ResolveResponsibility(*snapshot, "E9999", kGridA1),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("E9999")));
  EXPECT_THAT(ResolveResponsibility(*snapshot, "E0101", "330483101009009"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("unknown grid 330483101009009")));
}

TEST(EffectiveLimits, OverrideThenCategoryThenDefaults) {
  v1::Category category = MakeCategory("E0101", 5);
  v1::Rule rule = MakeRule("r", "E0101", kCity, "sanitation");
  v1::StageLimit* verify = rule.add_limit_overrides();
  verify->set_stage(v1::STAGE_VERIFY);
  verify->mutable_limit()->set_amount(120);
  verify->mutable_limit()->set_unit(v1::TIME_UNIT_WORKING_MINUTES);

  std::vector<v1::StageLimit> limits =
      cases::EffectiveLimits(category, &rule.limit_overrides());
  ASSERT_EQ(limits.size(), 5u);
  EXPECT_EQ(limits[0].stage(), v1::STAGE_REGISTER);
  EXPECT_EQ(limits[0].limit().amount(), 30);  // default
  EXPECT_EQ(limits[1].stage(), v1::STAGE_DISPATCH);
  EXPECT_EQ(limits[1].limit().amount(), 30);
  EXPECT_EQ(limits[2].limit().amount(), 5);  // the category's
  EXPECT_EQ(limits[2].limit().unit(), v1::TIME_UNIT_WORKING_HOURS);
  EXPECT_EQ(limits[3].limit().amount(), 120);  // the rule's override

  category.set_urgent(true);
  limits = cases::EffectiveLimits(category, nullptr);
  EXPECT_EQ(limits[0].limit().amount(), 10);
  EXPECT_EQ(limits[1].limit().amount(), 10);
  EXPECT_EQ(limits[3].limit().amount(), 60);
  EXPECT_EQ(limits[3].limit().unit(), v1::TIME_UNIT_WORKING_MINUTES);
}

}  // namespace
}  // namespace gridcase::registry
