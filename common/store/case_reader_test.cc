// ReadCaseAsync against a real redis-server, through the shared pipelined
// connections the services use (so the replies arrive on another thread):
// live and archived cases read as the blocking readers read them.
#include "common/store/case_reader.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/redis/pipelined_client.h"
#include "common/status/status_matchers.h"
#include "common/store/archive.h"
#include "common/store/keys.h"
#include "common/store/stream_entry.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

using ::gridcase::testing::RedisServer;
using ::gridcase::testing::StatusIs;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr int kShard = 3;

class ReadCaseAsyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        redis_, redis::PipelinedClient::Create({.address = server_->address()},
                                               /*lanes=*/1));
  }

  // Stores a live case with `events` timeline entries; returns the entries.
  std::vector<std::string> StoreLive(const std::string& id, int events) {
    StoredCase stored;
    stored.c.set_id(id);
    stored.c.set_state(v1::CASE_STATE_DISPATCHED);
    stored.c.set_version(4);
    stored.c.set_description(absl::StrCat("垃圾 ", id));
    stored.reported_ms = 1782784800000;
    std::vector<redis::Args> writes;
    redis::Args hset = {"HSET", CaseKey(kShard, id)};
    for (const auto& [field, value] : EncodeCase(stored)) {
      hset.push_back(field);
      hset.push_back(value);
    }
    writes.push_back(hset);
    std::vector<std::string> entries;
    for (int i = 0; i < events; ++i) {
      v1::CaseEvent e;
      e.set_id(absl::StrCat("1782784800000-", i));
      e.set_type(v1::CASE_EVENT_TYPE_REPORTED);
      entries.push_back(FormatTimelineEntry(e));
      writes.push_back({"RPUSH", TimelineKey(kShard, id), entries.back()});
    }
    EXPECT_OK(redis_->Pipeline(writes).status());
    return entries;
  }

  // Replaces the live case with its archive, as the archiver does.
  void Archive(const std::string& id, const ArchiveDictionary* dictionary) {
    absl::StatusOr<std::vector<ArchivedCase>> archived =
        ReadForArchive(*redis_, {{kShard, id}});
    ASSERT_OK(archived.status());
    std::vector<redis::Args> writes = {
        {"SET", ArchiveKey(kShard, id),
         EncodeArchive(archived->front(), dictionary)},
        {"DEL", CaseKey(kShard, id), TimelineKey(kShard, id)}};
    if (dictionary != nullptr) {
      writes.push_back(
          {"SET", ArchiveDictionaryKey(dictionary->id), dictionary->bytes});
    }
    ASSERT_OK(redis_->Pipeline(writes).status());
  }

  absl::StatusOr<CaseAndTimeline> Read(const std::string& id,
                                       bool with_timeline) {
    std::optional<absl::StatusOr<CaseAndTimeline>> result;
    absl::Notification done;
    ReadCaseAsync(*redis_, kShard, id, with_timeline,
                  [&](absl::StatusOr<CaseAndTimeline> r) {
                    result = std::move(r);
                    done.Notify();
                  });
    done.WaitForNotification();
    return *std::move(result);
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::PipelinedClient> redis_;
};

TEST_F(ReadCaseAsyncTest, ReadsALiveCaseAsTheBlockingReadersDo) {
  std::vector<std::string> entries = StoreLive("c-1", 3);
  ASSERT_OK_AND_ASSIGN(StoredCase blocking, ReadCase(*redis_, kShard, "c-1"));
  ASSERT_OK_AND_ASSIGN(CaseAndTimeline read, Read("c-1", true));
  EXPECT_EQ(read.stored.c.SerializeAsString(), blocking.c.SerializeAsString());
  EXPECT_EQ(read.stored.reported_ms, 1782784800000);
  EXPECT_THAT(read.timeline, ElementsAreArray(entries));
  ASSERT_OK_AND_ASSIGN(CaseAndTimeline without, Read("c-1", false));
  EXPECT_EQ(without.stored.c.description(), "垃圾 c-1");
  EXPECT_TRUE(without.timeline.empty());
}

TEST_F(ReadCaseAsyncTest, AMissingCaseIsNotFound) {
  EXPECT_THAT(Read("c-404", true),
              StatusIs(absl::StatusCode::kNotFound, "case c-404 not found"));
}

TEST_F(ReadCaseAsyncTest, ReadsAnArchivedCaseWithAndWithoutADictionary) {
  std::vector<std::string> plain = StoreLive("c-plain", 2);
  Archive("c-plain", nullptr);
  ASSERT_OK_AND_ASSIGN(CaseAndTimeline a, Read("c-plain", true));
  EXPECT_EQ(a.stored.c.description(), "垃圾 c-plain");
  EXPECT_EQ(a.stored.c.version(), 4);
  EXPECT_THAT(a.timeline, ElementsAreArray(plain));

  // A dictionary this process has not read yet: a second round trip for
  // it, then none.
  std::vector<ArchivedCase> samples;
  for (int i = 0; i < 300; ++i) {
    ArchivedCase s;
    s.hash["pb"] = absl::StrCat("case ", i * 7919, " 绿化带旁暴露垃圾 ",
                                std::string(i % 13, 'y'));
    s.timeline.push_back(absl::StrCat("1733370000000-", i, " - ",
                                      std::string(200, 'a' + i % 7)));
    samples.push_back(std::move(s));
  }
  std::optional<ArchiveDictionary> dict = TrainArchiveDictionary(samples);
  ASSERT_TRUE(dict.has_value());
  std::vector<std::string> entries = StoreLive("c-dict", 4);
  Archive("c-dict", &*dict);
  ASSERT_OK_AND_ASSIGN(CaseAndTimeline b, Read("c-dict", true));
  EXPECT_EQ(b.stored.c.description(), "垃圾 c-dict");
  EXPECT_THAT(b.timeline, ElementsAreArray(entries));
  ASSERT_OK_AND_ASSIGN(CaseAndTimeline again, Read("c-dict", false));
  EXPECT_EQ(again.stored.c.id(), "c-dict");
}

TEST_F(ReadCaseAsyncTest,
       ACaseArchivedBetweenItsReadsTakesTheArchivedTimeline) {
  std::vector<std::string> entries = StoreLive("c-2", 2);
  Archive("c-2", nullptr);
  // As if the hash was read just before the archiver ran and the timeline
  // just after: the hash is back, the timeline is gone.
  StoreLive("c-2", 0);
  ASSERT_OK_AND_ASSIGN(CaseAndTimeline read, Read("c-2", true));
  EXPECT_THAT(read.timeline, ElementsAreArray(entries));
}

TEST_F(ReadCaseAsyncTest, ACorruptArchiveIsDataLoss) {
  ASSERT_OK(redis_->Command({"SET", ArchiveKey(kShard, "c-3"), "junk"}));
  EXPECT_THAT(Read("c-3", false),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("c-3")));
}

}  // namespace
}  // namespace gridcase::store
