#include "common/validation/field_errors.h"

#include "common/status/status_matchers.h"
#include "gtest/gtest.h"

namespace gridcase::validation {
namespace {

using ::gridcase::testing::StatusIs;

TEST(Utf8Chars, CountsCodePointsAndRejectsBadBytes) {
  EXPECT_EQ(Utf8Chars(""), 0);
  EXPECT_EQ(Utf8Chars("abc"), 3);
  EXPECT_EQ(Utf8Chars("暴露垃圾"), 4);
  EXPECT_EQ(Utf8Chars("😀a"), 2);
  EXPECT_EQ(Utf8Chars(std::string("a\xc3", 2)), -1);         // truncated
  EXPECT_EQ(Utf8Chars(std::string("\xe6\x9a\x41", 3)), -1);  // bad follower
  EXPECT_EQ(Utf8Chars(std::string("\xff", 1)), -1);
}

TEST(FieldError, NamesTheFieldAndTheRule) {
  EXPECT_THAT(FieldError("description", "must not be empty"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "description: must not be empty"));
}

}  // namespace
}  // namespace gridcase::validation
