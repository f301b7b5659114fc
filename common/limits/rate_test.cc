#include "common/limits/rate.h"

#include <string>

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::limits {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseRate, ReadsRateAndBurst) {
  ASSERT_OK_AND_ASSIGN(Rate r, ParseRate("20/s,burst=40"));
  EXPECT_EQ(r.per_second, 20);
  EXPECT_EQ(r.burst, 40);
  EXPECT_EQ(r.interval(), absl::Milliseconds(50));
  EXPECT_EQ(FormatRate(r), "20/s,burst=40");
}

TEST(ParseRate, BurstDefaultsToOneSecondOfCalls) {
  ASSERT_OK_AND_ASSIGN(Rate r, ParseRate("2000/s"));
  EXPECT_EQ(r.burst, 2000);
  ASSERT_OK_AND_ASSIGN(Rate slow, ParseRate(" 0.5/s "));
  EXPECT_EQ(slow.per_second, 0.5);
  EXPECT_EQ(slow.burst, 1);
  EXPECT_EQ(slow.interval(), absl::Seconds(2));
}

TEST(ParseRate, ZeroAndOffDisable) {
  for (const char* off : {"0", "off"}) {
    ASSERT_OK_AND_ASSIGN(Rate r, ParseRate(off));
    EXPECT_FALSE(r.enabled()) << off;
    EXPECT_EQ(FormatRate(r), "off");
  }
}

TEST(ParseRate, RefusesWhatItCannotRead) {
  EXPECT_THAT(ParseRate("20"), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("must end in /s")));
  EXPECT_THAT(ParseRate("-1/s"), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("above 0")));
  EXPECT_THAT(ParseRate("nan/s"), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("above 0")));
  EXPECT_THAT(ParseRate("20/s,burst=0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("whole number from 1")));
  EXPECT_THAT(ParseRate("20/s,40"), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("burst=N")));
  EXPECT_THAT(ParseRate("20/s,burst=4,x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("too many parts")));
}

TEST(ParseRate, WorksAsAFlagType) {
  Rate r;
  std::string error;
  EXPECT_TRUE(AbslParseFlag("5/s,burst=5", &r, &error));
  EXPECT_EQ(AbslUnparseFlag(r), "5/s,burst=5");
  EXPECT_FALSE(AbslParseFlag("lots", &r, &error));
  EXPECT_THAT(error, HasSubstr("'lots'"));
}

}  // namespace
}  // namespace gridcase::limits
