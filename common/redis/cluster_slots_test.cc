#include "common/redis/cluster_slots.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/redis/resp.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::redis {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

// CLUSTER SHARDS of Redis 7.0.15, recorded from a 6-node cluster (3 masters,
// one replica each) right after the master of slots 10923-16383 (port
// 27102) was killed with SIGKILL and its replica (27104) promoted, and after
// an earlier failover of 5461-10922 (27101, back as a replica of 27103).
// Shown one RESP token per space or line end, for reading.
constexpr char kAfterFailover[] = R"(*4
*4 $5 slots *2 :0 :5460 $5 nodes *2
*14 $2 id $40 24e6cc73b6e146849962ad97fe200467280b1140 $4 port :27100 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $6 master $18 replication-offset :56 $6 health $6 online
*14 $2 id $40 16be4a7eda97949f338eb9f5ce08dc0f70b025ed $4 port :27105 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $7 replica $18 replication-offset :56 $6 health $6 online
*4 $5 slots *2 :10923 :16383 $5 nodes *1
*14 $2 id $40 6ffefbb0f28460bc7acd18e3a07321a854365361 $4 port :27104 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $6 master $18 replication-offset :56 $6 health $6 online
*4 $5 slots *0 $5 nodes *1
*14 $2 id $40 1fb84548b5b19c5c7bcb05ab41a5f7c49c5bc069 $4 port :27102 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $6 master $18 replication-offset :56 $6 health $4 fail
*4 $5 slots *2 :5461 :10922 $5 nodes *2
*14 $2 id $40 26b4555bf50b623913ffeea89e8bdfa0355028ab $4 port :27103 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $6 master $18 replication-offset :28 $6 health $6 online
*14 $2 id $40 bb6c9a04fcf11747ec854e98e56d1e7df9501ed6 $4 port :27101 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $7 replica $18 replication-offset :28 $6 health $6 online
)";

// The same cluster a moment earlier (written from the recording above): the
// master of 10923-16383 is marked failed, its replica not yet promoted.
constexpr char kBeforePromotion[] = R"(*3
*4 $5 slots *2 :0 :5460 $5 nodes *1
*14 $2 id $40 24e6cc73b6e146849962ad97fe200467280b1140 $4 port :27100 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $6 master $18 replication-offset :56 $6 health $6 online
*4 $5 slots *2 :10923 :16383 $5 nodes *2
*14 $2 id $40 1fb84548b5b19c5c7bcb05ab41a5f7c49c5bc069 $4 port :27102 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $6 master $18 replication-offset :56 $6 health $4 fail
*14 $2 id $40 6ffefbb0f28460bc7acd18e3a07321a854365361 $4 port :27104 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $7 replica $18 replication-offset :56 $6 health $6 online
*4 $5 slots *2 :5461 :10922 $5 nodes *1
*14 $2 id $40 26b4555bf50b623913ffeea89e8bdfa0355028ab $4 port :27103 $2 ip $9 127.0.0.1
    $8 endpoint $9 127.0.0.1 $4 role $6 master $18 replication-offset :28 $6 health $6 online
)";

// The RESP text of a fixture: tokens separated by spaces and line breaks.
std::string Resp(absl::string_view fixture) {
  std::string out;
  for (absl::string_view token :
       absl::StrSplit(fixture, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
    absl::StrAppend(&out, token, "\r\n");
  }
  return out;
}

SlotMap ParseFixture(absl::string_view fixture) {
  absl::StatusOr<Reply> reply = DecodeResp(Resp(fixture));
  EXPECT_TRUE(reply.ok()) << reply.status();
  absl::StatusOr<SlotMap> map = SlotMap::FromClusterShards(*reply);
  EXPECT_TRUE(map.ok()) << map.status();
  return map.ok() ? *std::move(map) : SlotMap();
}

TEST(Crc16, MatchesTheClusterSpecification) {
  // "The CRC16 of 123456789 is 0x31C3" (Redis Cluster specification).
  EXPECT_EQ(Crc16("123456789"), 0x31C3);
  EXPECT_EQ(Crc16(""), 0);
  EXPECT_EQ(KeySlot("123456789"), 0x31C3);
  // CLUSTER KEYSLOT of Redis 7.0.15.
  EXPECT_EQ(KeySlot("foo"), 12182);
  EXPECT_EQ(KeySlot("bar"), 5061);
  EXPECT_EQ(KeySlot("{s:0}:events"), 7509);
  EXPECT_EQ(KeySlot("{s:1}:events"), 3444);
  EXPECT_EQ(KeySlot("{s:15}:case:330483-20260630-000123"), 2975);
}

TEST(HashTag, FollowsTheFirstBracePairRule) {
  // The examples of the Redis Cluster specification.
  EXPECT_EQ(HashTag("{user1000}.following"), "user1000");
  EXPECT_EQ(HashTag("{user1000}.followers"), "user1000");
  EXPECT_EQ(HashTag("foo{}{bar}"), "foo{}{bar}");  // empty tag: whole key
  EXPECT_EQ(HashTag("foo{{bar}}zap"), "{bar");
  EXPECT_EQ(HashTag("foo{bar}{zap}"), "bar");
  EXPECT_EQ(HashTag("no tag"), "no tag");
  EXPECT_EQ(HashTag("open{only"), "open{only");
  EXPECT_EQ(HashTag("}x{y}"), "y");
  EXPECT_EQ(KeySlot("{s:7}:events"), KeySlot("{s:7}:case:x"));
  EXPECT_EQ(KeySlot("{s:7}:events"), KeySlot("s:7"));
  EXPECT_NE(KeySlot("{s:7}:events"), KeySlot("{s:8}:events"));
}

struct KeyCase {
  Args args;
  std::optional<std::string> key;
};

class RoutingKeyTest : public ::testing::TestWithParam<KeyCase> {};

TEST_P(RoutingKeyTest, FindsTheKeyThatRoutes) {
  std::optional<absl::string_view> got = RoutingKey(GetParam().args);
  if (GetParam().key.has_value()) {
    EXPECT_THAT(got, Optional(absl::string_view(*GetParam().key)));
  } else {
    EXPECT_EQ(got, std::nullopt) << *got;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Commands, RoutingKeyTest,
    ::testing::Values(
        KeyCase{{"GET", "k"}, "k"}, KeyCase{{"hset", "h", "f", "v"}, "h"},
        KeyCase{{"MGET", "{t}a", "{t}b"}, "{t}a"},
        KeyCase{{"EVALSHA", "sha", "2", "k1", "k2", "arg"}, "k1"},
        KeyCase{{"eval", "return 1", "1", "k1"}, "k1"},
        KeyCase{{"EVAL", "return 1", "0", "arg"}, std::nullopt},
        KeyCase{{"EVAL", "return 1", "x"}, std::nullopt},
        KeyCase{{"FCALL", "f", "1", "k"}, "k"},
        KeyCase{{"XREAD", "COUNT", "5", "BLOCK", "100", "STREAMS", "{s:1}:e",
                 "{s:1}:f", "0", "0"},
                "{s:1}:e"},
        KeyCase{{"XREAD", "STREAMS", "s", "$"}, "s"},
        KeyCase{{"XREADGROUP", "GROUP", "STREAMS", "COUNT", "COUNT", "1",
                 "BLOCK", "0", "NOACK", "STREAMS", "{s:2}:events", ">"},
                "{s:2}:events"},
        KeyCase{{"XREAD", "STREAMS"}, std::nullopt},
        KeyCase{{"XINFO", "GROUPS", "{s:3}:events"}, "{s:3}:events"},
        KeyCase{{"XGROUP", "CREATE", "st", "g", "0", "MKSTREAM"}, "st"},
        KeyCase{{"XGROUP", "HELP"}, std::nullopt},
        KeyCase{{"MEMORY", "USAGE", "k"}, "k"},
        KeyCase{{"MEMORY", "STATS"}, std::nullopt},
        KeyCase{{"SCAN", "0", "MATCH", "{s:3}:st:*", "COUNT", "9"},
                "{s:3}:st:*"},
        KeyCase{{"SCAN", "0", "MATCH", "*{s:3}:st:*"}, std::nullopt},
        KeyCase{{"SCAN", "0", "MATCH", "{s:*}:st"}, std::nullopt},
        KeyCase{{"SCAN", "0", "MATCH", "plain*"}, std::nullopt},
        KeyCase{{"SCAN", "0"}, std::nullopt},
        KeyCase{{"WAIT", "1", "500"}, std::nullopt},
        KeyCase{{"PING"}, std::nullopt},
        KeyCase{{"INFO", "memory"}, std::nullopt},
        KeyCase{{"SCRIPT", "LOAD", "return 1"}, std::nullopt},
        KeyCase{{"MULTI"}, std::nullopt}, KeyCase{{"EXEC"}, std::nullopt},
        KeyCase{{"CLUSTER", "SHARDS"}, std::nullopt},
        KeyCase{{}, std::nullopt}));

TEST(SlotMap, ReadsMastersAndReplicasOfARecordedReply) {
  SlotMap map = ParseFixture(kAfterFailover);
  EXPECT_EQ(map.covered_slots(), kClusterSlots);
  EXPECT_EQ(*map.MasterOf(0), "127.0.0.1:27100");
  EXPECT_EQ(*map.MasterOf(5460), "127.0.0.1:27100");
  EXPECT_EQ(*map.MasterOf(5461), "127.0.0.1:27103");  // promoted earlier
  EXPECT_EQ(*map.MasterOf(10922), "127.0.0.1:27103");
  EXPECT_EQ(*map.MasterOf(10923), "127.0.0.1:27104");  // promoted now
  EXPECT_EQ(*map.MasterOf(16383), "127.0.0.1:27104");
  EXPECT_EQ(map.MasterOf(16384), nullptr);
  EXPECT_EQ(map.MasterOf(-1), nullptr);
  ASSERT_EQ(map.masters().size(), 3u);  // the failed 27102 is not one
  EXPECT_EQ(map.masters()[0].id, "24e6cc73b6e146849962ad97fe200467280b1140");
  EXPECT_THAT(map.masters()[0].replicas, ElementsAre("127.0.0.1:27105"));
  EXPECT_THAT(map.addresses(), ElementsAre("127.0.0.1:27100", "127.0.0.1:27104",
                                           "127.0.0.1:27103", "127.0.0.1:27105",
                                           "127.0.0.1:27101"));
}

TEST(SlotMap, AFailedMasterServesNothingUntilAReplicaIsPromoted) {
  for (absl::string_view health : {"$4 fail", "$6 failed"}) {
    SlotMap map = ParseFixture(
        absl::StrReplaceAll(kBeforePromotion, {{"$4 fail", health}}));
    EXPECT_EQ(map.MasterOf(10923), nullptr);
    EXPECT_EQ(map.MasterOf(16383), nullptr);
    EXPECT_EQ(map.covered_slots(), 10923);
    EXPECT_EQ(*map.MasterOf(0), "127.0.0.1:27100");
    EXPECT_EQ(map.masters().size(), 2u);
    // The replica of the failed master is still a node to ask for the map.
    EXPECT_THAT(
        map.addresses(),
        ElementsAre("127.0.0.1:27100", "127.0.0.1:27103", "127.0.0.1:27104"));
  }
}

TEST(SlotMap, AMasterWithoutSlotsIsNotRoutedTo) {
  // 27102 back online, still a master, but its slots are 27104's now (a
  // node just added looks the same).
  SlotMap map = ParseFixture(absl::StrReplaceAll(
      kAfterFailover, {{"$6 health $4 fail", "$6 health $6 online"}}));
  ASSERT_EQ(map.masters().size(), 3u);
  for (const ClusterMaster& m : map.masters()) {
    EXPECT_NE(m.address, "127.0.0.1:27102");
  }
  EXPECT_THAT(map.addresses(), ::testing::Contains("127.0.0.1:27102"));
  EXPECT_EQ(map.covered_slots(), kClusterSlots);
}

TEST(SlotMap, LoadingReplicasAreNotAskedAndUnknownEndpointsFallBackToTheIp) {
  std::string fresh = absl::StrReplaceAll(
      kAfterFailover,
      {{"$7 replica $18 replication-offset :56 $6 health $6 online",
        "$7 replica $18 replication-offset :0 $6 health $7 loading"},
       {"$8 endpoint $9 127.0.0.1 $4 role $6 master $18 replication-offset "
        ":28",
        "$8 endpoint $1 ? $4 role $6 master $18 replication-offset :28"}});
  SlotMap map = ParseFixture(fresh);
  EXPECT_TRUE(map.masters()[0].replicas.empty());
  EXPECT_EQ(*map.MasterOf(6000), "127.0.0.1:27103");
}

TEST(SlotMap, RefusesWhatIsNotAClusterShardsReply) {
  EXPECT_THAT(SlotMap::FromClusterShards(Reply::String("x")),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("not an array")));
  EXPECT_THAT(SlotMap::FromClusterShards(Reply::Array({Reply::Array({})})),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr("without slots and nodes")));
  Reply bad_range = Reply::Array({Reply::Array(
      {Reply::String("slots"),
       Reply::Array({Reply::Integer(5), Reply::Integer(16384)}),
       Reply::String("nodes"),
       Reply::Array({Reply::Array({Reply::String("port"), Reply::Integer(1),
                                   Reply::String("ip"), Reply::String("h"),
                                   Reply::String("role"),
                                   Reply::String("master")})})})});
  EXPECT_THAT(
      SlotMap::FromClusterShards(bad_range),
      StatusIs(absl::StatusCode::kInternal, HasSubstr("slot range 5-16384")));
}

TEST(SlotMap, AMovedSlotChangesOwnerInACopy) {
  SlotMap map = ParseFixture(kAfterFailover);
  SlotMap moved = map.WithSlotMovedTo(7509, "127.0.0.1:27100");
  EXPECT_EQ(*moved.MasterOf(7509), "127.0.0.1:27100");
  EXPECT_EQ(*moved.MasterOf(7510), "127.0.0.1:27103");
  EXPECT_EQ(*map.MasterOf(7509), "127.0.0.1:27103");
  SlotMap to_new = moved.WithSlotMovedTo(1, "10.0.0.9:7000");
  EXPECT_EQ(*to_new.MasterOf(1), "10.0.0.9:7000");
  EXPECT_EQ(to_new.masters().size(), 4u);
  SlotMap empty;
  EXPECT_EQ(empty.covered_slots(), 0);
  EXPECT_EQ(empty.WithSlotMovedTo(3, "h:1").covered_slots(), 1);
}

TEST(Redirect, ParsesMovedAndAsk) {
  std::optional<Redirect> moved =
      ParseRedirect("MOVED 3999 127.0.0.1:6381", "unused");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->kind, Redirect::Kind::kMoved);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->address, "127.0.0.1:6381");
  std::optional<Redirect> ask = ParseRedirect("ASK 12 :7001", "10.1.2.3");
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, Redirect::Kind::kAsk);
  EXPECT_EQ(ask->address, "10.1.2.3:7001");  // unknown host: the sender's
  EXPECT_EQ(ParseRedirect("ASK 12 ::1:7001", "h")->address, "::1:7001");
  for (absl::string_view bad :
       {"MOVED 16384 h:1", "MOVED x h:1", "MOVED 1 h", "MOVED 1 h:0", "MOVED 1",
        "TRYAGAIN Multiple keys request during rehashing of slot",
        "ERR unknown"}) {
    EXPECT_EQ(ParseRedirect(bad, "h"), std::nullopt) << bad;
  }
}

TEST(DecodeResp, RefusesIncompleteOrExtraInput) {
  EXPECT_THAT(DecodeResp("*2\r\n:1\r\n"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("incomplete")));
  EXPECT_THAT(DecodeResp(":1\r\n:2\r\n"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("more than")));
  EXPECT_THAT(DecodeResp("?\r\n"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("malformed")));
  ASSERT_OK_AND_ASSIGN(Reply r, DecodeResp("*2\r\n$1\r\na\r\n-ERR x\r\n"));
  EXPECT_EQ(r, Reply::Array({Reply::String("a"), Reply::Error("ERR x")}));
}

}  // namespace
}  // namespace gridcase::redis
