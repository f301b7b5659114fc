#include "common/auth/verified_token_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace gridcase::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1796380800);

VerifiedToken Verified(std::string subject, absl::Time from, absl::Time until,
                       std::string key = "pem-1") {
  VerifiedToken v;
  v.actor.set_subject(std::move(subject));
  v.alg = "ES256";
  v.kid = "k1";
  v.key_material = std::move(key);
  v.valid_from = from;
  v.valid_until = until;
  return v;
}

bool AnyKey(const VerifiedToken&) { return true; }

TEST(VerifiedTokenCacheTest, AnswersTheSameTokenInsideItsWindow) {
  VerifiedTokenCache cache(10);
  EXPECT_FALSE(cache.Find("t1", kNow, AnyKey).has_value());
  cache.Insert("t1",
               Verified("m-1", kNow - absl::Minutes(1), kNow + absl::Hours(1)),
               kNow);
  std::optional<v1::Actor> hit = cache.Find("t1", kNow, AnyKey);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->subject(), "m-1");
  EXPECT_FALSE(cache.Find("t2", kNow, AnyKey).has_value());
  EXPECT_FALSE(cache.Find("t", kNow, AnyKey).has_value());
}

TEST(VerifiedTokenCacheTest, MissesOutsideTheWindowAndDropsExpiredEntries) {
  VerifiedTokenCache cache(10);
  cache.Insert("t1", Verified("m-1", kNow, kNow + absl::Hours(1)), kNow);
  EXPECT_FALSE(cache.Find("t1", kNow - absl::Seconds(1), AnyKey).has_value());
  EXPECT_EQ(cache.size(), 1u);  // not yet valid: kept
  EXPECT_TRUE(cache.Find("t1", kNow + absl::Minutes(59), AnyKey).has_value());
  EXPECT_FALSE(cache.Find("t1", kNow + absl::Hours(1), AnyKey).has_value());
  EXPECT_EQ(cache.size(), 0u);  // expired: dropped
}

TEST(VerifiedTokenCacheTest, MissesWhenTheKeyIsNoLongerCurrent) {
  VerifiedTokenCache cache(10);
  cache.Insert("t1", Verified("m-1", kNow, kNow + absl::Hours(1), "pem-old"),
               kNow);
  auto current_is_new = [](const VerifiedToken& v) {
    return v.key_material == "pem-new";
  };
  EXPECT_FALSE(cache.Find("t1", kNow, current_is_new).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(VerifiedTokenCacheTest, StaysWithinItsCapacity) {
  VerifiedTokenCache cache(3);
  cache.Insert("old", Verified("m-0", kNow, kNow + absl::Seconds(1)), kNow);
  cache.Insert("a", Verified("m-1", kNow, kNow + absl::Hours(1)), kNow);
  cache.Insert("b", Verified("m-2", kNow, kNow + absl::Hours(1)), kNow);
  // Full: the expired entry makes room.
  cache.Insert("c", Verified("m-3", kNow, kNow + absl::Hours(1)),
               kNow + absl::Minutes(1));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.Find("a", kNow + absl::Minutes(1), AnyKey).has_value());
  EXPECT_FALSE(cache.Find("old", kNow, AnyKey).has_value());
  // Full of live entries: cleared, then the new one kept.
  cache.Insert("d", Verified("m-4", kNow, kNow + absl::Hours(1)),
               kNow + absl::Minutes(1));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Find("d", kNow + absl::Minutes(1), AnyKey).has_value());
}

TEST(VerifiedTokenCacheTest, CapacityZeroRemembersNothing) {
  VerifiedTokenCache cache(0);
  cache.Insert("t1", Verified("m-1", kNow, kNow + absl::Hours(1)), kNow);
  EXPECT_FALSE(cache.Find("t1", kNow, AnyKey).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace gridcase::auth
