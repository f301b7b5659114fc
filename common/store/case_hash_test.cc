#include "common/store/case_hash.h"

#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <string>
#include <vector>

#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kId[] = "330483-20260630-000087";

StoredCase ACase() {
  StoredCase s;
  s.c.set_id(kId);
  s.c.set_state(v1::CASE_STATE_DISPATCHED);
  s.c.set_version(7);
  s.c.set_report_count(2);
  s.c.set_follower_count(3);
  s.c.set_category_code("E0101");
  s.c.set_description("暴露垃圾 | with a bar and \x1f binary");
  s.c.mutable_reporter()->set_id("wx:o6_1");
  s.c.set_department_id("sanitation");
  s.alerts = {"3:1:1", "3:1:2"};
  s.review_reason = "no rule";
  s.queued_ms = 1719712800123;
  s.reported_ms = 1719712800000;
  return s;
}

// The HMGET reply of ReadCaseCommand for a stored hash.
redis::Reply Hmget(const std::map<std::string, std::string>& hash) {
  std::vector<redis::Reply> values;
  for (const std::string& f : CaseHashFields()) {
    auto it = hash.find(f);
    values.push_back(it == hash.end() ? redis::Reply::Nil()
                                      : redis::Reply::String(it->second));
  }
  return redis::Reply::Array(std::move(values));
}

TEST(CaseHash, RoundTripsThroughTheStoredHash) {
  StoredCase in = ACase();
  ASSERT_OK_AND_ASSIGN(StoredCase out, DecodeCase(kId, Hmget(EncodeCase(in))));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(out.c, in.c))
      << out.c.DebugString();
  EXPECT_EQ(out.alerts, in.alerts);
  EXPECT_EQ(out.review_reason, in.review_reason);
  EXPECT_EQ(out.queued_ms, in.queued_ms);
  EXPECT_EQ(out.reported_ms, in.reported_ms);
}

TEST(CaseHash, TheFieldsBesidePbWin) {
  // pb never carries them (StoredCasePb strips them); the hash's own fields
  // are the truth, and the id comes from the key.
  StoredCase in = ACase();
  std::map<std::string, std::string> hash = EncodeCase(in);
  hash["state"] = "6";
  hash["version"] = "8";
  ASSERT_OK_AND_ASSIGN(StoredCase out, DecodeCaseFields("other-id", hash));
  EXPECT_EQ(out.c.state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(out.c.version(), 8);
  EXPECT_EQ(out.c.id(), "other-id");
  v1::Case stripped;
  ASSERT_TRUE(stripped.ParseFromString(StoredCasePb(in.c)));
  EXPECT_EQ(stripped.id(), "");
  EXPECT_EQ(stripped.state(), v1::CASE_STATE_UNSPECIFIED);
  EXPECT_EQ(stripped.version(), 0);
  EXPECT_EQ(stripped.category_code(), "E0101");
}

TEST(CaseHash, ACaseOnlyIntakeWroteHasNoDispatchFields) {
  std::map<std::string, std::string> hash = {{"pb", StoredCasePb(ACase().c)},
                                             {"state", "1"},
                                             {"version", "1"},
                                             {"report_count", "1"},
                                             {"follower_count", "0"},
                                             {"merged_into", ""},
                                             {"reported_ms", "1719712800000"}};
  ASSERT_OK_AND_ASSIGN(StoredCase out, DecodeCase(kId, Hmget(hash)));
  EXPECT_EQ(out.c.state(), v1::CASE_STATE_REPORTED);
  EXPECT_TRUE(out.alerts.empty());
  EXPECT_EQ(out.review_reason, "");
  EXPECT_EQ(out.queued_ms, 0);
}

TEST(CaseHash, AMissingCaseIsNotFound) {
  EXPECT_THAT(DecodeCase(kId, Hmget({})),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(kId)));
}

TEST(CaseHash, MalformedHashesAreDataLossNamingCaseAndField) {
  struct Bad {
    const char* why;
    std::map<std::string, std::string> hash;
    const char* message;
  };
  std::string pb = StoredCasePb(ACase().c);
  std::vector<Bad> bad = {
      {"no pb", {{"state", "1"}, {"version", "1"}}, "no field pb"},
      {"pb garbage", {{"pb", "\xff\xff\xff"}, {"state", "1"}}, "field pb"},
      {"state text", {{"pb", pb}, {"state", "open"}}, "field state"},
      {"state unknown", {{"pb", pb}, {"state", "77"}}, "not a CaseState"},
      {"version text", {{"pb", pb}, {"version", "v2"}}, "field version"},
      {"queued_ms text",
       {{"pb", pb}, {"queued_ms", "soon"}},
       "field queued_ms"},
  };
  for (const Bad& b : bad) {
    EXPECT_THAT(
        DecodeCaseFields(kId, b.hash),
        StatusIs(absl::StatusCode::kDataLoss,
                 ::testing::AllOf(HasSubstr(kId), HasSubstr(b.message))))
        << b.why;
  }
  // A reply that is not an HMGET of the codec's fields.
  EXPECT_THAT(DecodeCase(kId, redis::Reply::Array({redis::Reply::Nil()})),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(kId)));
  EXPECT_THAT(DecodeCase(kId, redis::Reply::Integer(3)),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
}

TEST(CaseHash, ReadCaseCommandAsksForEveryFieldOfTheCaseKey) {
  redis::Args cmd = ReadCaseCommand(5, kId);
  ASSERT_EQ(cmd.size(), 2 + CaseHashFields().size());
  EXPECT_EQ(cmd[0], "HMGET");
  EXPECT_EQ(cmd[1], CaseKey(5, kId));
}

TEST(CaseHash, AlertMarkersNameStageAttemptAndKind) {
  v1::StageDeadline d;
  d.set_stage(v1::STAGE_HANDLE);
  d.set_attempt(2);
  EXPECT_EQ(AlertMarker(d, false), "3:2:1");
  EXPECT_EQ(AlertMarker(d, true), "3:2:2");
  StoredCase s = ACase();
  s.alerts = {AlertMarker(d, true)};
  ASSERT_OK_AND_ASSIGN(StoredCase out, DecodeCase(kId, Hmget(EncodeCase(s))));
  EXPECT_THAT(out.alerts, ElementsAre("3:2:2"));
}

}  // namespace
}  // namespace gridcase::store
