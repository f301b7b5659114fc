#include "common/paging/page_token.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::paging {
namespace {

using ::gridcase::testing::IsOkAndHolds;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PageSize, DefaultsClampsAndRejectsNegatives) {
  PageLimits limits{.default_size = 100, .max_size = 1000};
  EXPECT_THAT(PageSize(0, limits), IsOkAndHolds(100));
  EXPECT_THAT(PageSize(7, limits), IsOkAndHolds(7));
  EXPECT_THAT(PageSize(5000, limits), IsOkAndHolds(1000));
  EXPECT_THAT(PageSize(-1, limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("page_size: must not be negative")));
}

TEST(PageToken, RoundTripsTheLastKey) {
  std::string token = EncodePageToken("330483101002007", "parent=330483101");
  EXPECT_THAT(DecodePageToken(token, "parent=330483101"),
              IsOkAndHolds("330483101002007"));
  EXPECT_THAT(DecodePageToken("", "anything"), IsOkAndHolds(""));
  // Keys may hold any bytes.
  std::string odd = EncodePageToken("a:b:c", "f");
  EXPECT_THAT(DecodePageToken(odd, "f"), IsOkAndHolds("a:b:c"));
}

TEST(PageToken, RejectsOtherFiltersAndGarbage) {
  std::string token = EncodePageToken("k", "role=1");
  EXPECT_THAT(DecodePageToken(token, "role=2"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("different filters")));
  EXPECT_THAT(DecodePageToken("!!!", "role=1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("page_token: malformed")));
  EXPECT_THAT(DecodePageToken("aGVsbG8", "role=1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("page_token: malformed")));
}

}  // namespace
}  // namespace gridcase::paging
