// The archiver on a real redis-server: a case in a final state is replaced
// by its archive once `after` has passed, and reads exactly as before
// through common/store/case_reader.h (what GetCase, ListCases and the
// statistics rebuild use).
#include "services/dispatch/archiver.h"

#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/case_hash.h"
#include "common/store/case_reader.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
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
// When Put's cases had their events: 2 h 47 min before kNow.
const absl::Time kEventsAt = absl::FromUnixMillis(1764990000000);

class ArchiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = server_->address()}));
  }

  // A case with three timeline events at `events_at`, in `state`, that
  // entered the archiver's list at `closed_at` (none when unset).
  void Put(const std::string& id, v1::CaseState state,
           std::optional<absl::Time> closed_at,
           absl::Time events_at = kEventsAt) {
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
      e.set_id(absl::StrCat(absl::ToUnixMillis(events_at), "-", i));
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

  // Adds `id` to its state's index, as the report and commit scripts do.
  void Index(const std::string& id, v1::CaseState state, absl::Time at) {
    ASSERT_OK(pool_
                  ->Command({"ZADD", store::StateIndexKey(kShard, state),
                             absl::StrCat(absl::ToUnixMillis(at)), id})
                  .status());
  }

  // The archiver's list of kShard: member → score.
  std::map<std::string, int64_t> Listed() {
    std::map<std::string, int64_t> out;
    absl::StatusOr<redis::Reply> r = pool_->Command(
        {"ZRANGE", store::ClosedKey(kShard), "0", "-1", "WITHSCORES"});
    EXPECT_OK(r.status());
    if (!r.ok()) return out;
    const auto& e = r->elements();
    for (size_t i = 0; i + 1 < e.size(); i += 2) {
      int64_t score = 0;
      EXPECT_TRUE(absl::SimpleAtoi(e[i + 1].str(), &score));
      out[e[i].str()] = score;
    }
    return out;
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

// Cases that reached a final state before the list existed (an upgrade)
// are listed from the state indices once, and archived in their time.
TEST_F(ArchiverTest, BackfillsCasesInAFinalStateFromTheIndicesOnce) {
  const absl::Time reported = kNow - absl::Hours(5);
  Put("old-closed", v1::CASE_STATE_CLOSED, std::nullopt);
  Index("old-closed", v1::CASE_STATE_CLOSED, reported);
  Put("old-voided", v1::CASE_STATE_VOIDED, std::nullopt);
  Index("old-voided", v1::CASE_STATE_VOIDED, reported);
  Put("still-open", v1::CASE_STATE_DISPATCHED, std::nullopt);
  Index("still-open", v1::CASE_STATE_DISPATCHED, reported);
  // Listed already, and not yet due: keeps its own time.
  Put("listed", v1::CASE_STATE_MERGED, kNow - absl::Minutes(10),
      kNow - absl::Minutes(10));
  Index("listed", v1::CASE_STATE_MERGED, reported);

  ASSERT_OK_AND_ASSIGN(ArchivePass pass, Pass());
  EXPECT_EQ(pass.backfilled, 2);
  EXPECT_EQ(pass.archived, 2);
  EXPECT_TRUE(Exists(store::ArchiveKey(kShard, "old-closed")));
  EXPECT_TRUE(Exists(store::ArchiveKey(kShard, "old-voided")));
  EXPECT_TRUE(Exists(store::CaseKey(kShard, "still-open")));
  EXPECT_EQ(Listed(), (std::map<std::string, int64_t>{
                          {"listed", absl::ToUnixMillis(kNow) - 600000}}));
  EXPECT_TRUE(Exists(store::ClosedBackfilledKey(kShard)));

  // Once per deployment: a new process does not list index members again.
  Put("later", v1::CASE_STATE_CLOSED, std::nullopt);
  Index("later", v1::CASE_STATE_CLOSED, reported);
  state_ = ArchiverState();
  ASSERT_OK_AND_ASSIGN(ArchivePass again, Pass());
  EXPECT_EQ(again.backfilled, 0);
  EXPECT_TRUE(Exists(store::CaseKey(kShard, "later")));
}

// Pages of the index by score: members sharing one score across pages are
// each listed.
TEST_F(ArchiverTest, BackfillPagesThroughMembersThatShareAScore) {
  const int n = 2345;
  redis::Args zadd = {"ZADD",
                      store::StateIndexKey(kShard, v1::CASE_STATE_CLOSED)};
  for (int i = 0; i < n; ++i) {
    // Three scores, the middle one spanning two whole pages.
    int64_t score = i < 300 ? 1 : i < 2300 ? 2 : 3;
    zadd.push_back(absl::StrCat(score));
    zadd.push_back(absl::StrCat("c-", i));
  }
  ASSERT_OK(pool_->Command(zadd).status());
  // Only the list is looked at: an empty batch archives nothing.
  ASSERT_OK_AND_ASSIGN(ArchivePass pass,
                       ArchiveClosedCases(*pool_,
                                          {.shards = 4,
                                           .after = absl::Hours(1),
                                           .batch = 100,
                                           .train_samples = 0},
                                          absl::FromUnixMillis(0), &state_));
  EXPECT_EQ(pass.backfilled, n);
  EXPECT_EQ(Listed().size(), static_cast<size_t>(n));
}

// The list's score is a hint: a case whose last event is younger than
// `after` is rescored by that event and archived only in its time.
TEST_F(ArchiverTest, ACaseListedTooEarlyWaitsForItsLastEvent) {
  const absl::Time last = kNow - absl::Minutes(20);
  Put("c-1", v1::CASE_STATE_CLOSED, kNow - absl::Hours(3), last);
  ASSERT_OK_AND_ASSIGN(ArchivePass pass, Pass());
  EXPECT_EQ(pass.archived, 0);
  EXPECT_EQ(pass.rescheduled, 1);
  EXPECT_TRUE(Exists(store::CaseKey(kShard, "c-1")));
  EXPECT_EQ(
      Listed(),
      (std::map<std::string, int64_t>{{"c-1", absl::ToUnixMillis(last)}}));
  ASSERT_OK_AND_ASSIGN(
      ArchivePass later,
      ArchiveClosedCases(
          *pool_, {.shards = 4, .after = absl::Hours(1), .train_samples = 0},
          last + absl::Hours(1) + absl::Seconds(1), &state_));
  EXPECT_EQ(later.archived, 1);
  EXPECT_TRUE(Exists(store::ArchiveKey(kShard, "c-1")));
}

// The archive script's compare-and-set: a case whose version or timeline
// changed after the archiver read it (a reopening, a follow-up) stays whole
// and listed.
TEST_F(ArchiverTest, ACaseThatChangedSinceItWasReadStaysWhole) {
  Put("c-1", v1::CASE_STATE_CLOSED, kNow - absl::Hours(2));
  auto run = [&](const std::string& version, int64_t entries) {
    return store::ScriptCall(store::scripts::DispatchArchive())
        .Key("case", store::CaseKey(kShard, "c-1"))
        .Key("timeline", store::TimelineKey(kShard, "c-1"))
        .Key("followers", store::FollowersKey(kShard, "c-1"))
        .Key("archive", store::ArchiveKey(kShard, "c-1"))
        .Key("closed", store::ClosedKey(kShard))
        .Arg("case_id", "c-1")
        .Arg("version", version)
        .Int("entries", entries)
        .Arg("archive", "GCA1stale")
        .Run(*pool_);
  };
  ASSERT_OK_AND_ASSIGN(redis::Reply old_version, run("2", 3));
  EXPECT_EQ(old_version.str(), "changed");
  ASSERT_OK_AND_ASSIGN(redis::Reply fewer_events, run("3", 2));
  EXPECT_EQ(fewer_events.str(), "changed");
  EXPECT_TRUE(Exists(store::CaseKey(kShard, "c-1")));
  EXPECT_TRUE(Exists(store::TimelineKey(kShard, "c-1")));
  EXPECT_TRUE(Exists(store::FollowersKey(kShard, "c-1")));
  EXPECT_FALSE(Exists(store::ArchiveKey(kShard, "c-1")));
  EXPECT_EQ(Listed().size(), 1u);
  // Read again, it archives.
  ASSERT_OK_AND_ASSIGN(ArchivePass pass, Pass());
  EXPECT_EQ(pass.archived, 1);
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
