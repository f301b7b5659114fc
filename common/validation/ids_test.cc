#include "common/validation/ids.h"

#include <string>

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::validation {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;

TEST(ValidateId, AcceptsReadableIdsInAnyScript) {
  for (const std::string& id :
       {std::string(""), std::string("caller-13812345678"),
        std::string("wx:o6_bmjrPTlm6_2sgVt7hMZOPfL2M"),
        std::string("a|b:c d@e/f"), std::string("张三-网格员"),
        std::string("😀"), std::string(128, 'x'), std::string("\xc2\xa0")}) {
    EXPECT_THAT(ValidateId("reporter.id", id), IsOk()) << id;
  }
}

TEST(ValidateId, RefusesControlCharactersNamingTheFieldAndThePosition) {
  EXPECT_THAT(ValidateId("reporter.id", "hot\x1fline"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "reporter.id: must not contain control characters "
                       "(U+0000-U+001F, U+007F-U+009F); found U+001F at "
                       "character 4"));
  for (const std::string& id :
       {std::string("a\0b", 3), std::string("a\nb"), std::string("a\tb"),
        std::string("a\rb"), std::string("\x7f"),
        std::string("\xc2\x85"),  // U+0085 NEXT LINE
        std::string("\xc2\x9f")}) {
    EXPECT_THAT(ValidateId("department_id", id),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::StartsWith("department_id: must not "
                                               "contain control characters")))
        << id;
  }
}

TEST(ValidateId, RefusesMalformedUtf8) {
  for (const std::string& id :
       {std::string("\xff"),
        std::string("a\xc3"),             // truncated
        std::string("\xe6\x9a\x41"),      // bad continuation
        std::string("\xc0\x9f"),          // overlong U+001F
        std::string("\xe0\x80\x9f"),      // overlong U+001F
        std::string("\xed\xa0\x80"),      // surrogate U+D800
        std::string("\xf4\x90\x80\x80"),  // past U+10FFFF
        std::string("\xf8\x88\x80\x80\x80")}) {
    EXPECT_THAT(ValidateId("reporter.id", id),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "reporter.id: must be valid UTF-8"));
  }
}

TEST(ValidateId, CountsCharactersNotBytes) {
  std::string han;
  for (int i = 0; i < 128; ++i) han += "网";
  EXPECT_THAT(ValidateId("reporter.id", han), IsOk());
  EXPECT_THAT(ValidateId("reporter.id", han + "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "reporter.id: must be at most 128 characters (got "
                       "129)"));
  EXPECT_THAT(ValidateId("category_code", "E01010", 5),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "category_code: must be at most 5 characters (got 6)"));
}

}  // namespace
}  // namespace gridcase::validation
