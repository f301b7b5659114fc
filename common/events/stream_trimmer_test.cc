// StreamTrimmer: the trim point (pure) and trimming a real redis-server's
// shard streams with two consumer groups at different positions.
#include "common/events/stream_trimmer.h"

#include <memory>
#include <string>
#include <vector>

#include "common/store/keys.h"
#include "common/events/event_source.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::events {
namespace {

using ::gridcase::testing::RedisServer;
using redis::StreamId;

const std::vector<std::string> kBoth = {"dispatch", "stats"};

TEST(TrimPoint, IsTheOldestEntryAGroupStillNeeds) {
  std::vector<GroupPosition> groups = {
      {.name = "dispatch", .last_delivered = {100, 4}},
      {.name = "stats", .last_delivered = {90, 0}}};
  // Nothing pending: the entry after each group's last delivered one.
  EXPECT_EQ(TrimPoint(groups, kBoth, 1000, absl::ZeroDuration()),
            (StreamId{90, 1}));
  // A pending entry holds the point back.
  groups[0].oldest_pending = StreamId{50, 2};
  EXPECT_EQ(TrimPoint(groups, kBoth, 1000, absl::ZeroDuration()),
            (StreamId{50, 2}));
}

TEST(TrimPoint, KeepsTheResumeWindow) {
  std::vector<GroupPosition> groups = {
      {.name = "dispatch", .last_delivered = {900, 0}},
      {.name = "stats", .last_delivered = {900, 0}}};
  EXPECT_EQ(TrimPoint(groups, kBoth, 1000, absl::Milliseconds(300)),
            (StreamId{700, 0}));
  // A window longer than the clock: nothing goes.
  EXPECT_EQ(TrimPoint(groups, kBoth, 1000, absl::Seconds(5)), (StreamId{0, 0}));
}

TEST(TrimPoint, NoneWhileARequiredGroupIsMissing) {
  std::vector<GroupPosition> groups = {
      {.name = "dispatch", .last_delivered = {100, 0}},
      {.name = "other", .last_delivered = {100, 0}}};
  EXPECT_EQ(TrimPoint(groups, kBoth, 1000, absl::ZeroDuration()), std::nullopt);
  // Groups nobody requires do not hold entries back.
  EXPECT_EQ(TrimPoint(groups, {"dispatch"}, 1000, absl::ZeroDuration()),
            (StreamId{100, 1}));
}

class StreamTrimmerTest : public ::testing::Test {
 protected:
  static constexpr int kShards = 2;

  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = server_->address()}));
  }

  std::string Add(int shard) {
    absl::StatusOr<redis::Reply> r = pool_->Command(
        {"XADD", store::EventsKey(shard), "*", "type", "case.reported", "case",
         "c", "related", "", "pb", "x"});
    EXPECT_OK(r.status());
    return r.ok() ? r->str() : "";
  }

  int64_t Length(int shard) {
    absl::StatusOr<redis::Reply> r =
        pool_->Command({"XLEN", store::EventsKey(shard)});
    EXPECT_OK(r.status());
    return r.ok() ? r->integer() : -1;
  }

  std::string First(int shard) {
    absl::StatusOr<redis::Reply> r = pool_->Command(
        {"XRANGE", store::EventsKey(shard), "-", "+", "COUNT", "1"});
    EXPECT_OK(r.status());
    if (!r.ok() || r->elements().empty()) return "";
    return r->elements()[0].elements()[0].str();
  }

  // `n` new entries of every shard for `group`.
  std::vector<StreamEntry> Read(RedisEventSource& source, int n) {
    absl::StatusOr<std::vector<StreamEntry>> r =
        source.Read("c1", n, absl::Milliseconds(10));
    EXPECT_OK(r.status());
    return r.ok() ? *r : std::vector<StreamEntry>{};
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
};

TEST_F(StreamTrimmerTest, RemovesWhatEveryGroupAcknowledgedAndNothingElse) {
  RedisEventSource dispatch(pool_.get(), kShards, "dispatch");
  RedisEventSource stats(pool_.get(), kShards, "stats");
  ASSERT_OK(dispatch.EnsureGroups());
  ASSERT_OK(stats.EnsureGroups());
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(Add(0));
  Add(1);

  // dispatch handles all ten; stats reads six and acknowledges only four
  // (the 5th and 6th stay pending), so the 5th is the oldest still needed.
  ASSERT_OK(dispatch.Ack(Read(dispatch, 100)));
  std::vector<StreamEntry> read = Read(stats, 6);
  std::vector<StreamEntry> shard0;
  for (const StreamEntry& e : read) {
    if (e.shard == 0) shard0.push_back(e);
  }
  ASSERT_GE(shard0.size(), 5u);
  ASSERT_OK(
      stats.Ack(std::vector<StreamEntry>(shard0.begin(), shard0.begin() + 4)));

  // With keep 0 the trim point is Redis' clock now: entries added in this
  // very millisecond are not older than it (CI caught that race). Let the
  // clock pass them.
  absl::SleepFor(absl::Milliseconds(5));
  TrimOptions options{.shards = kShards, .keep = absl::ZeroDuration()};
  ASSERT_OK_AND_ASSIGN(TrimResult result, TrimStreams(*pool_, options));
  EXPECT_EQ(result.missing_groups, 0);
  EXPECT_EQ(First(0), ids[4]);
  EXPECT_EQ(Length(0), 6);

  // Once stats has acknowledged everything, shard 0 empties; shard 1's
  // entry went to stats in the read above or is still undelivered.
  ASSERT_OK(stats.Ack(read));
  ASSERT_OK(stats.Ack(Read(stats, 100)));
  ASSERT_OK_AND_ASSIGN(result, TrimStreams(*pool_, options));
  EXPECT_EQ(Length(0), 0);
  EXPECT_EQ(Length(1), 0);
  // Trimming again removes nothing and fails nothing.
  ASSERT_OK_AND_ASSIGN(result, TrimStreams(*pool_, options));
  EXPECT_EQ(result.removed, 0);
}

TEST_F(StreamTrimmerTest, LeavesAStreamAloneWhileAGroupIsMissing) {
  RedisEventSource dispatch(pool_.get(), kShards, "dispatch");
  ASSERT_OK(dispatch.EnsureGroups());
  for (int i = 0; i < 3; ++i) Add(0);
  ASSERT_OK(dispatch.Ack(Read(dispatch, 100)));
  ASSERT_OK_AND_ASSIGN(
      TrimResult result,
      TrimStreams(*pool_, {.shards = kShards, .keep = absl::ZeroDuration()}));
  EXPECT_EQ(result.missing_groups, kShards);
  EXPECT_EQ(Length(0), 3);
}

TEST_F(StreamTrimmerTest, KeepsTheResumeWindowOfAcknowledgedEntries) {
  RedisEventSource dispatch(pool_.get(), kShards, "dispatch");
  RedisEventSource stats(pool_.get(), kShards, "stats");
  ASSERT_OK(dispatch.EnsureGroups());
  ASSERT_OK(stats.EnsureGroups());
  for (int i = 0; i < 3; ++i) Add(0);
  ASSERT_OK(dispatch.Ack(Read(dispatch, 100)));
  ASSERT_OK(stats.Ack(Read(stats, 100)));
  ASSERT_OK_AND_ASSIGN(
      TrimResult result,
      TrimStreams(*pool_, {.shards = kShards, .keep = absl::Hours(1)}));
  EXPECT_EQ(result.removed, 0);
  EXPECT_EQ(Length(0), 3);
}

TEST_F(StreamTrimmerTest, AShardWithoutAStreamIsNotAnError) {
  ASSERT_OK_AND_ASSIGN(
      TrimResult result,
      TrimStreams(*pool_, {.shards = kShards, .keep = absl::ZeroDuration()}));
  EXPECT_EQ(result.removed, 0);
  EXPECT_EQ(result.missing_groups, 0);
}

}  // namespace
}  // namespace gridcase::events
