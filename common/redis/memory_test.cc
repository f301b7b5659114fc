#include "common/redis/memory.h"

#include "common/status/status_matchers.h"
#include "gtest/gtest.h"

namespace gridcase::redis {
namespace {

using ::gridcase::testing::StatusIs;

constexpr char kInfo[] =
    "# Memory\r\nused_memory:2000000\r\nused_memory_human:1.91M\r\n"
    "maxmemory:1000000\r\nmaxmemory_human:976.56K\r\n"
    "maxmemory_policy:noeviction\r\nmem_not_counted_for_evict:0\r\n";

TEST(MemoryInfoTest, ParsesTheFieldsThatDecideFullness) {
  ASSERT_OK_AND_ASSIGN(MemoryInfo m, ParseMemoryInfo(kInfo));
  EXPECT_EQ(m.used_memory, 2000000);
  EXPECT_EQ(m.maxmemory, 1000000);
  EXPECT_EQ(m.not_counted, 0);
  EXPECT_EQ(m.policy, "noeviction");
  EXPECT_TRUE(IsFull(m));
}

TEST(MemoryInfoTest, WithoutUsedMemoryIsAnError) {
  EXPECT_THAT(ParseMemoryInfo("# Memory\r\nmaxmemory:0\r\n"),
              StatusIs(absl::StatusCode::kInternal, ::testing::_));
}

TEST(MemoryInfoTest, FullOnlyAboveALimitWithoutEviction) {
  MemoryInfo m{.used_memory = 2000, .maxmemory = 1000, .policy = "noeviction"};
  EXPECT_TRUE(IsFull(m));
  m.maxmemory = 0;  // no limit
  EXPECT_FALSE(IsFull(m));
  m.maxmemory = 1000;
  m.policy = "allkeys-lru";  // Redis evicts instead of refusing
  EXPECT_FALSE(IsFull(m));
  m.policy = "noeviction";
  m.not_counted = 1500;  // replication and AOF buffers do not count
  EXPECT_FALSE(IsFull(m));
  m.not_counted = 0;
  m.used_memory = 1000;  // at the limit, not above it
  EXPECT_FALSE(IsFull(m));
}

}  // namespace
}  // namespace gridcase::redis
