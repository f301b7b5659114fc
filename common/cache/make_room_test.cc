#include "common/cache/make_room.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::cache {
namespace {

TEST(MakeRoomTest, BelowCapacityKeepsEverything) {
  absl::flat_hash_map<std::string, int> entries = {{"a", 1}, {"b", 2}};
  MakeRoom(entries, 3, [](int) { return true; });
  EXPECT_EQ(entries.size(), 2u);
}

TEST(MakeRoomTest, AtCapacityDropsOnlyTheExpired) {
  absl::flat_hash_map<std::string, int> entries = {
      {"a", 1}, {"b", 2}, {"c", 3}};
  MakeRoom(entries, 3, [](int v) { return v < 3; });
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries.contains("c"));
}

TEST(MakeRoomTest, AtCapacityWithNothingExpiredDropsAll) {
  absl::flat_hash_map<std::string, int> entries = {{"a", 1}, {"b", 2}};
  MakeRoom(entries, 2, [](int) { return false; });
  EXPECT_TRUE(entries.empty());
}

}  // namespace
}  // namespace gridcase::cache
