#include "common/store/archive.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

ArchivedCase Sample() {
  ArchivedCase a;
  a.hash = {{"pb", std::string("\x0a\x03"
                               "abc\x00\xff",
                               7)},
            {"state", "6"},
            {"version", "7"},
            {"merged_into", ""}};
  for (int i = 0; i < 6; ++i) {
    a.timeline.push_back("1733370000000-" + std::to_string(i) + " - " +
                         std::string(200, static_cast<char>('a' + i)));
  }
  return a;
}

TEST(ArchiveTest, RoundTripsTheHashAndTheTimelineByteForByte) {
  ArchivedCase a = Sample();
  std::string blob = EncodeArchive(a);
  EXPECT_EQ(blob.substr(0, 4), "GCA1");
  ASSERT_OK_AND_ASSIGN(ArchivedCase back, DecodeArchive("c-1", blob));
  EXPECT_EQ(back.hash, a.hash);
  EXPECT_EQ(back.timeline, a.timeline);
}

TEST(ArchiveTest, CompressesRepetitiveTimelines) {
  ArchivedCase a = Sample();
  size_t plain = 0;
  for (const auto& e : a.timeline) plain += e.size();
  EXPECT_LT(EncodeArchive(a).size(), plain / 4);
}

TEST(ArchiveTest, AnEmptyCaseRoundTrips) {
  ASSERT_OK_AND_ASSIGN(ArchivedCase back,
                       DecodeArchive("c-1", EncodeArchive({})));
  EXPECT_TRUE(back.hash.empty());
  EXPECT_THAT(back.timeline, SizeIs(0));
}

std::vector<ArchivedCase> Varied(int n) {
  std::vector<ArchivedCase> out;
  for (int i = 0; i < n; ++i) {
    ArchivedCase a = Sample();
    a.hash["pb"] = "case " + std::to_string(i * 7919) + " 绿化带旁暴露垃圾 " +
                   std::string(i % 13, 'y');
    a.timeline[0] += std::to_string(i * 31);
    out.push_back(std::move(a));
  }
  return out;
}

TEST(ArchiveTest, ADictionaryTrainedOnArchivesRoundTripsAndIsNamed) {
  std::optional<ArchiveDictionary> dict = TrainArchiveDictionary(Varied(300));
  ASSERT_TRUE(dict.has_value());
  EXPECT_NE(dict->id, 0u);
  ArchivedCase a = Varied(301).back();
  std::string with = EncodeArchive(a, &*dict);
  EXPECT_LT(with.size(), EncodeArchive(a).size());
  ASSERT_OK_AND_ASSIGN(uint32_t needs, ArchiveDictionaryId("c-1", with));
  EXPECT_EQ(needs, dict->id);
  ASSERT_OK_AND_ASSIGN(ArchivedCase back, DecodeArchive("c-1", with, &*dict));
  EXPECT_EQ(back.hash, a.hash);
  EXPECT_EQ(back.timeline, a.timeline);
  // Without it, or with another one: DATA_LOSS naming both ids.
  absl::StatusOr<ArchivedCase> without = DecodeArchive("c-1", with);
  EXPECT_EQ(without.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(without.status().message(),
              HasSubstr(absl::StrCat("needs dictionary ", dict->id)));
  ASSERT_OK_AND_ASSIGN(uint32_t plain_needs,
                       ArchiveDictionaryId("c-1", EncodeArchive(a)));
  EXPECT_EQ(plain_needs, 0u);
  EXPECT_FALSE(LoadArchiveDictionary("not a dictionary").has_value());
  std::optional<ArchiveDictionary> loaded = LoadArchiveDictionary(dict->bytes);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->id, dict->id);
}

TEST(ArchiveTest, TooFewSamplesTrainNoDictionary) {
  EXPECT_FALSE(TrainArchiveDictionary(Varied(2)).has_value());
}

TEST(ArchiveTest, CorruptArchivesAreDataLossNamingTheCase) {
  std::string blob = EncodeArchive(Sample());
  for (const std::string& bad :
       {std::string(""), std::string("GCA2") + blob.substr(4),
        blob.substr(0, blob.size() - 3), blob + "x",
        std::string("GCA1") + std::string(40, '\x7f')}) {
    absl::StatusOr<ArchivedCase> r = DecodeArchive("c-9", bad);
    ASSERT_FALSE(r.ok()) << bad.size();
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(r.status().message(), HasSubstr("case c-9"));
  }
}

}  // namespace
}  // namespace gridcase::store
