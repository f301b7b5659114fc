#include "common/store/stream_entry.h"

#include <google/protobuf/util/message_differencer.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

v1::CaseEvent AnEvent() {
  v1::CaseEvent e;
  e.set_id("1719712800000-3");
  e.set_shard(5);
  e.set_case_id("330483-20260630-000087");
  e.set_related_case_id("330483-20260630-000005");
  e.set_type(v1::CASE_EVENT_TYPE_MERGED);
  e.set_note("a note with spaces, | bars and \x1f");
  e.set_case_version(1);
  e.mutable_dimensions()->set_town_code("330483101");
  (*e.mutable_data())["distance_m"] = "12.5";
  return e;
}

// The stream reply element of an entry: [id, [field, value, ...]].
redis::Reply Element(const StreamEntry& e) {
  std::vector<redis::Reply> fields;
  for (const std::string& f : StreamFields(e)) {
    fields.push_back(redis::Reply::String(f));
  }
  return redis::Reply::Array(
      {redis::Reply::String(e.id), redis::Reply::Array(std::move(fields))});
}

TEST(StreamEntry, EventsRoundTripThroughTheStream) {
  v1::CaseEvent in = AnEvent();
  StreamEntry entry = ToStreamEntry(in);
  EXPECT_EQ(entry.type, "case.merged");
  ASSERT_OK_AND_ASSIGN(StreamEntry read, DecodeStreamEntry(5, Element(entry)));
  EXPECT_EQ(read.id, in.id());
  EXPECT_EQ(read.case_id, in.case_id());
  EXPECT_EQ(read.related_case_id, in.related_case_id());
  EXPECT_EQ(read.type, "case.merged");
  ASSERT_OK_AND_ASSIGN(v1::CaseEvent out, ToCaseEvent(read));
  EXPECT_TRUE(MessageDifferencer::Equals(out, in)) << out.DebugString();
}

TEST(StreamEntry, EventTypeNamesAreTheStreamsTypeField) {
  EXPECT_EQ(EventTypeName(v1::CASE_EVENT_TYPE_REPORTED), "case.reported");
  EXPECT_EQ(EventTypeName(v1::CASE_EVENT_TYPE_EXTENSION_REQUESTED),
            "case.extension_requested");
  EXPECT_EQ(EventTypeName(v1::CASE_EVENT_TYPE_FOLLOWED_UP), "case.followed_up");
}

TEST(StreamEntry, MalformedElementsAreDataLoss) {
  std::vector<redis::Reply> bad = {
      redis::Reply::Nil(),
      redis::Reply::String("1-0"),
      // An entry deleted while pending: [id, nil].
      redis::Reply::Array({redis::Reply::String("1-0"), redis::Reply::Nil()}),
      // An odd number of field strings.
      redis::Reply::Array(
          {redis::Reply::String("1-0"),
           redis::Reply::Array({redis::Reply::String("type")})}),
  };
  for (const redis::Reply& r : bad) {
    EXPECT_THAT(DecodeStreamEntry(2, r),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("shard 2")))
        << r.DebugString();
  }
}

TEST(StreamEntry, AnEntryWithoutACaseOrAReadableEventIsDataLoss) {
  StreamEntry e = ToStreamEntry(AnEvent());
  StreamEntry no_case = e;
  no_case.case_id.clear();
  EXPECT_THAT(ToCaseEvent(no_case),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("1719712800000-3 of shard 5 names no case")));
  StreamEntry garbage = e;
  garbage.pb = "\xff\xff";
  EXPECT_THAT(ToCaseEvent(garbage), StatusIs(absl::StatusCode::kDataLoss,
                                             HasSubstr("corrupt event")));
  StreamEntry empty = e;
  empty.pb.clear();
  EXPECT_THAT(ToCaseEvent(empty),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));
}

TEST(TimelineEntry, EventsRoundTripThroughTheTimeline) {
  v1::CaseEvent in = AnEvent();
  std::string raw = FormatTimelineEntry(in);
  EXPECT_TRUE(absl::StartsWith(raw, "1719712800000-3 330483-20260630-000005 "));
  ASSERT_OK_AND_ASSIGN(v1::CaseEvent out,
                       ParseTimelineEntry(raw, in.case_id(), in.shard()));
  EXPECT_TRUE(MessageDifferencer::Equals(out, in)) << out.DebugString();
  // Without a related case the entry says "-".
  in.clear_related_case_id();
  raw = FormatTimelineEntry(in);
  EXPECT_TRUE(absl::StartsWith(raw, "1719712800000-3 - "));
  ASSERT_OK_AND_ASSIGN(out, ParseTimelineEntry(raw, in.case_id(), 5));
  EXPECT_EQ(out.related_case_id(), "");
}

TEST(TimelineEntry, MalformedEntriesAreDataLossNamingTheCase) {
  for (const char* raw : {"", "1-0", "1-0 -", "1-0 - \xff\xff"}) {
    EXPECT_THAT(ParseTimelineEntry(raw, "c-1", 0),
                StatusIs(absl::StatusCode::kDataLoss,
                         HasSubstr("timeline of case c-1 is corrupt")))
        << raw;
  }
}

}  // namespace
}  // namespace gridcase::store
