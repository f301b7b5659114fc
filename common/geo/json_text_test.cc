#include "common/geo/json_text.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::geo {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(ParseJsonText, ParsesOneValue) {
  ASSERT_OK_AND_ASSIGN(nlohmann::json value,
                       ParseJsonText(R"( {"a": [1, 2.5, "三"]} )", "input"));
  EXPECT_EQ(value["a"][1].get<double>(), 2.5);
  EXPECT_EQ(value["a"][2].get<std::string>(), "三");
}

struct BadJson {
  std::string text;
  std::size_t offset;  // where the parser stops
  std::string error;
};

class ParseJsonTextErrorTest : public ::testing::TestWithParam<BadJson> {};

TEST_P(ParseJsonTextErrorTest, ReportsByteOffset) {
  const BadJson& bad = GetParam();
  EXPECT_THAT(
      ParseJsonText(bad.text, "geojson"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          AllOf(HasSubstr(absl::StrCat("geojson is not valid JSON at byte ",
                                       bad.offset, ": ")),
                HasSubstr(bad.error))));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ParseJsonTextErrorTest,
    ::testing::Values(
        // The stray ']' is byte 6.
        BadJson{"[1, 2,]", std::string("[1, 2,]").find(']'), "unexpected ']'"},
        // A missing colon: the parser stops at the value after the key.
        BadJson{R"({"a" 1})", std::string(R"({"a" 1})").find('1'),
                "expected ':'"},
        // Trailing garbage after a complete value.
        BadJson{"[1] x", std::string("[1] x").find('x'),
                "expected end of input"},
        // Input ends early: the offset is the length.
        BadJson{"", 0, "unexpected end of input"},
        BadJson{R"({"features": [)", std::string(R"({"features": [)").size(),
                "unexpected end of input"},
        // A number too large for a double is an error too; the offset is
        // the last byte of the bad token.
        BadJson{"[1e400]", std::string("[1e400]").find("1e400") + 4,
                "number overflow"}));

}  // namespace
}  // namespace gridcase::geo
