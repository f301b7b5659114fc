// The archiver on a real redis-server: a case in a final state is replaced
// by its archive once `after` has passed, and reads exactly as before
// through common/store/case_reader.h (what GetCase, ListCases and the
// statistics rebuild use).
#include "services/dispatch/archiver.h"

#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/case_hash.h"
#include "common/store/case_reader.h"
#include "common/store/keys.h"
#include "common/store/stream_entry.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::dispatch {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::gridcase::testing::RedisServer;

constexpr int kShard = 3;
const absl::Time kNow = absl::FromUnixSeconds(1765000000);

class ArchiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = server_->address()}));
  }

  // A case with three timeline events, in `state`, that entered the
  // archiver's list at `closed_at` (none when unset).
  void Put(const std::string& id, v1::CaseState state,
           std::optional<absl::Time> closed_at) {
    store::StoredCase s;
    s.c.set_id(id);
    s.c.set_state(state);
    s.c.set_version(3);
    s.c.set_report_count(2);
    s.c.set_follower_count(2);
    s.c.set_description(absl::StrCat("绿化带旁暴露垃圾, 第", id, "号, ",
                                     std::string(id.size() % 7 * 9, 'x')));
    s.c.set_grid_code("330483101002002");
    s.reported_ms = 1764990000000;
    s.review_reason = "citizen report";
    redis::Args hset = {"HSET", store::CaseKey(kShard, id)};
    for (const auto& [f, v] : store::EncodeCase(s)) {
      hset.push_back(f);
      hset.push_back(v);
    }
    ASSERT_OK(pool_->Command(hset).status());
    for (int i = 0; i < 3; ++i) {
      v1::CaseEvent e;
      e.set_id(absl::StrCat("1764990000000-", i));
      e.set_type(v1::CASE_EVENT_TYPE_REGISTERED);
      e.set_note(absl::StrCat("step ", i, " of ", id));
      e.set_case_version(i + 1);
      ASSERT_OK(pool_
                    ->Command({"RPUSH", store::TimelineKey(kShard, id),
                               store::FormatTimelineEntry(e)})
                    .status());
    }
    ASSERT_OK(
        pool_
            ->Command({"SADD", store::FollowersKey(kShard, id), "wx-1", "wx-2"})
            .status());
    if (closed_at.has_value()) {
      ASSERT_OK(
          pool_
              ->Command({"ZADD", store::ClosedKey(kShard),
                         absl::StrCat(absl::ToUnixMillis(*closed_at)), id})
              .status());
    }
  }

  bool Exists(const std::string& key) {
    absl::StatusOr<redis::Reply> r = pool_->Command({"EXISTS", key});
    return r.ok() && r->integer() == 1;
  }

  absl::StatusOr<ArchivePass> Pass(int batch = 100, int train_samples = 0) {
    return ArchiveClosedCases(*pool_,
                              {.shards = 4,
                               .after = absl::Hours(1),
                               .batch = batch,
                               .train_samples = train_samples},
                              kNow, &state_);
  }

  ArchiverState state_;

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
};

TEST_F(ArchiverTest, AnArchivedCaseReadsExactlyAsBefore) {
  Put("c-1", v1::CASE_STATE_CLOSED, kNow - absl::Hours(2));
  ASSERT_OK_AND_ASSIGN(store::StoredCase before,
                       store::ReadCase(*pool_, kShard, "c-1"));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> events_before,
                       store::ReadTimeline(*pool_, kShard, "c-1"));

  ASSERT_OK_AND_ASSIGN(ArchivePass pass, Pass());
  EXPECT_EQ(pass.archived, 1);
  EXPECT_GT(pass.archive_bytes, 0);
  EXPECT_FALSE(Exists(store::CaseKey(kShard, "c-1")));
  EXPECT_FALSE(Exists(store::TimelineKey(kShard, "c-1")));
  EXPECT_FALSE(Exists(store::FollowersKey(kShard, "c-1")));
  EXPECT_TRUE(Exists(store::ArchiveKey(kShard, "c-1")));
  EXPECT_FALSE(Exists(store::ClosedKey(kShard)));

  ASSERT_OK_AND_ASSIGN(store::StoredCase after,
                       store::ReadCase(*pool_, kShard, "c-1"));
  EXPECT_TRUE(MessageDifferencer::Equals(after.c, before.c))
      << after.c.DebugString();
  EXPECT_EQ(after.reported_ms, before.reported_ms);
  EXPECT_EQ(after.review_reason, before.review_reason);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> events_after,
                       store::ReadTimeline(*pool_, kShard, "c-1"));
  ASSERT_EQ(events_after.size(), events_before.size());
  for (size_t i = 0; i < events_after.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(events_after[i], events_before[i]));
  }
}

TEST_F(ArchiverTest, ReadsMixArchivedLiveAndMissingCasesInOrder) {
  Put("c-1", v1::CASE_STATE_CLOSED, kNow - absl::Hours(2));
  Put("c-2", v1::CASE_STATE_DISPATCHED, std::nullopt);
  ASSERT_OK(Pass().status());
  ASSERT_OK_AND_ASSIGN(
      std::vector<store::StoredCase> cases,
      store::ReadCases(*pool_,
                       {{kShard, "c-2"}, {kShard, "nope"}, {kShard, "c-1"}}));
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].c.id(), "c-2");
  EXPECT_EQ(cases[1].c.id(), "c-1");
  EXPECT_EQ(cases[1].c.state(), v1::CASE_STATE_CLOSED);
  // What the statistics rebuild reads: the raw entries, archived or not.
  ASSERT_OK_AND_ASSIGN(
      auto entries,
      store::ReadTimelineEntries(
          *pool_, {{kShard, "c-1"}, {kShard, "c-2"}, {kShard, "nope"}}));
  EXPECT_EQ(entries[0].size(), 3u);
  EXPECT_EQ(entries[1].size(), 3u);
  EXPECT_TRUE(entries[2].empty());
}

TEST_F(ArchiverTest, LeavesCasesAloneUntilTheirTimeAndDropsOpenOnes) {
  Put("young", v1::CASE_STATE_CLOSED, kNow - absl::Minutes(30));
  // Reopened after it entered the list: it leaves the list, unarchived.
  Put("reopened", v1::CASE_STATE_DISPATCHED, kNow - absl::Hours(2));
  ASSERT_OK_AND_ASSIGN(ArchivePass pass, Pass());
  EXPECT_EQ(pass.archived, 0);
  EXPECT_TRUE(Exists(store::CaseKey(kShard, "young")));
  EXPECT_TRUE(Exists(store::CaseKey(kShard, "reopened")));
  EXPECT_FALSE(Exists(store::ArchiveKey(kShard, "reopened")));
  ASSERT_OK_AND_ASSIGN(
      redis::Reply left,
      pool_->Command({"ZRANGE", store::ClosedKey(kShard), "0", "-1"}));
  ASSERT_EQ(left.elements().size(), 1u);
  EXPECT_EQ(left.elements()[0].str(), "young");
}

TEST_F(ArchiverTest, ArchivesEveryBatchOfEveryFinalState) {
  int n = 0;
  for (v1::CaseState s :
       {v1::CASE_STATE_CLOSED, v1::CASE_STATE_VOIDED, v1::CASE_STATE_MERGED}) {
    for (int i = 0; i < 5; ++i) {
      Put(absl::StrCat("c-", n++), s, kNow - absl::Hours(2));
    }
  }
  ASSERT_OK_AND_ASSIGN(ArchivePass pass, Pass(/*batch=*/4));
  EXPECT_EQ(pass.archived, n);
  for (int i = 0; i < n; ++i) {
    EXPECT_TRUE(Exists(store::ArchiveKey(kShard, absl::StrCat("c-", i))));
  }
}

TEST_F(ArchiverTest, TrainsOneDictionaryOnceEnoughCasesAreDueAndUsesIt) {
  for (int i = 0; i < 40; ++i) {
    Put(absl::StrCat("early-", i), v1::CASE_STATE_CLOSED,
        kNow - absl::Hours(2));
  }
  // Too few for a dictionary: archived without one.
  ASSERT_OK_AND_ASSIGN(ArchivePass first, Pass(100, /*train_samples=*/60));
  EXPECT_EQ(first.archived, 40);
  EXPECT_FALSE(state_.dictionary.has_value());
  EXPECT_FALSE(Exists(store::kArchiveDictionaryKey));
  for (int i = 0; i < 300; ++i) {
    Put(absl::StrCat("c-", i * 7919 % 1000), v1::CASE_STATE_CLOSED,
        kNow - absl::Hours(2));
  }
  ASSERT_OK_AND_ASSIGN(ArchivePass second, Pass(100, /*train_samples=*/60));
  EXPECT_EQ(second.archived, 300);
  ASSERT_TRUE(state_.dictionary.has_value());
  EXPECT_TRUE(Exists(store::kArchiveDictionaryKey));
  EXPECT_TRUE(Exists(store::ArchiveDictionaryKey(state_.dictionary->id)));
  EXPECT_LT(second.archive_bytes / second.archived,
            first.archive_bytes / first.archived);
  // Both kinds read back, the later ones through the stored dictionary.
  ASSERT_OK_AND_ASSIGN(store::StoredCase early,
                       store::ReadCase(*pool_, kShard, "early-3"));
  EXPECT_EQ(early.c.version(), 3);
  ASSERT_OK_AND_ASSIGN(
      redis::Reply blob,
      pool_->Command({"GET", store::ArchiveKey(kShard, "c-0")}));
  ASSERT_OK_AND_ASSIGN(uint32_t id,
                       store::ArchiveDictionaryId("c-0", blob.str()));
  EXPECT_EQ(id, state_.dictionary->id);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> events,
                       store::ReadTimeline(*pool_, kShard, "c-0"));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].note(), "step 2 of c-0");
}

TEST_F(ArchiverTest, ACorruptArchiveIsDataLossNotNotFound) {
  ASSERT_OK(pool_->Command({"SET", store::ArchiveKey(kShard, "c-9"), "GCA1x"})
                .status());
  absl::StatusOr<store::StoredCase> c = store::ReadCase(*pool_, kShard, "c-9");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store::ReadCase(*pool_, kShard, "c-8").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace gridcase::dispatch
