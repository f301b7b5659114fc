#include "common/geo/region_code.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::geo {
namespace {

struct CodeCase {
  std::string code;
  std::optional<v1::RegionLevel> level;
};

class LevelOfCodeTest : public ::testing::TestWithParam<CodeCase> {};

TEST_P(LevelOfCodeTest, ReadsLevelFromLength) {
  EXPECT_EQ(LevelOfCode(GetParam().code), GetParam().level);
}

INSTANTIATE_TEST_SUITE_P(
    Codes, LevelOfCodeTest,
    ::testing::Values(CodeCase{"330483", v1::REGION_LEVEL_CITY},
                      CodeCase{"330483001", v1::REGION_LEVEL_TOWN},
                      CodeCase{"330483001002", v1::REGION_LEVEL_COMMUNITY},
                      CodeCase{"330483001002003", v1::REGION_LEVEL_GRID},
                      CodeCase{"", std::nullopt},
                      CodeCase{"33048", std::nullopt},
                      CodeCase{"3304830010", std::nullopt},
                      CodeCase{"33048300100200", std::nullopt},
                      CodeCase{"3304830010020031", std::nullopt},
                      CodeCase{"33048a", std::nullopt},
                      CodeCase{"330483 01", std::nullopt},
                      CodeCase{"-33048", std::nullopt}));

TEST(RegionCode, LevelNamesRoundTrip) {
  for (v1::RegionLevel level :
       {v1::REGION_LEVEL_CITY, v1::REGION_LEVEL_TOWN,
        v1::REGION_LEVEL_COMMUNITY, v1::REGION_LEVEL_GRID}) {
    EXPECT_EQ(ParseLevelName(LevelName(level)), level) << LevelName(level);
  }
  EXPECT_EQ(LevelName(v1::REGION_LEVEL_GRID), "grid");
  EXPECT_EQ(ParseLevelName("Grid"), std::nullopt);
  EXPECT_EQ(ParseLevelName("unspecified"), std::nullopt);
  EXPECT_EQ(ParseLevelName(""), std::nullopt);
}

TEST(RegionCode, ParentLevelIsOneUp) {
  EXPECT_EQ(ParentLevel(v1::REGION_LEVEL_GRID), v1::REGION_LEVEL_COMMUNITY);
  EXPECT_EQ(ParentLevel(v1::REGION_LEVEL_COMMUNITY), v1::REGION_LEVEL_TOWN);
  EXPECT_EQ(ParentLevel(v1::REGION_LEVEL_TOWN), v1::REGION_LEVEL_CITY);
  EXPECT_EQ(ParentLevel(v1::REGION_LEVEL_CITY), v1::REGION_LEVEL_UNSPECIFIED);
}

TEST(RegionCode, CodeLengths) {
  EXPECT_EQ(CodeLength(v1::REGION_LEVEL_CITY), 6);
  EXPECT_EQ(CodeLength(v1::REGION_LEVEL_TOWN), 9);
  EXPECT_EQ(CodeLength(v1::REGION_LEVEL_COMMUNITY), 12);
  EXPECT_EQ(CodeLength(v1::REGION_LEVEL_GRID), 15);
  EXPECT_EQ(CodeLength(v1::REGION_LEVEL_UNSPECIFIED), 0);
}

}  // namespace
}  // namespace gridcase::geo
