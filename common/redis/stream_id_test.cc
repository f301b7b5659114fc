#include "common/redis/stream_id.h"

#include "gtest/gtest.h"

namespace gridcase::redis {
namespace {

TEST(StreamIdTest, ParsesOnlyMsDashSeq) {
  ASSERT_TRUE(StreamId::Parse("1719712800000-3").has_value());
  EXPECT_EQ(StreamId::Parse("1719712800000-3")->ms, 1719712800000u);
  EXPECT_EQ(StreamId::Parse("1719712800000-3")->seq, 3u);
  EXPECT_EQ(StreamId::Parse("0-0")->ToString(), "0-0");
  for (const char* bad :
       {"", "1", "1-", "-1", "a-1", "1-b", "1-2-3", "1--2", "+", "$"}) {
    EXPECT_FALSE(StreamId::Parse(bad).has_value()) << bad;
  }
}

TEST(StreamIdTest, OrdersAsNumbersNotText) {
  EXPECT_TRUE(StreamIdLess("9-0", "10-0"));
  EXPECT_TRUE(StreamIdLess("10-2", "10-10"));
  EXPECT_FALSE(StreamIdLess("10-0", "10-0"));
  EXPECT_FALSE(StreamIdLess("11-0", "10-99"));
  EXPECT_TRUE(StreamIdLess("garbage", "0-1"));
}

}  // namespace
}  // namespace gridcase::redis
