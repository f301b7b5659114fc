// What single events add, and the case record's order independence.
#include "services/stats/contributions.h"

#include <algorithm>

#include "common/clock/timestamp.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::stats {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  absl::LoadTimeZone("Asia/Shanghai", &tz);
  return tz;
}

google::protobuf::Timestamp At(int d, int h) {
  return ToTimestamp(
      absl::FromCivil(absl::CivilHour(2026, 11, d, h), Shanghai()));
}

v1::CaseEvent Event(v1::CaseEventType type, int day, int version) {
  v1::CaseEvent e;
  e.set_type(type);
  *e.mutable_time() = At(day, 10);
  e.set_case_version(version);
  v1::CaseDimensions* d = e.mutable_dimensions();
  d->set_city_code("330483");
  d->set_town_code("330483101");
  d->set_community_code("330483101002");
  d->set_grid_code("330483101002002");
  d->set_category_code("E0102");
  d->set_category_major_code("E01");
  d->set_source(v1::SOURCE_WECHAT);
  d->set_report_date("2026-11-02");
  return e;
}

int64_t At(const Deltas& d, const std::string& key, const std::string& field) {
  auto it = d.find({key, field});
  return it == d.end() ? 0 : it->second;
}

TEST(Contributions, CategoryCorrectionMovesTheReportOnItsReportDay) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_REGISTERED, 3, 2);
  (*e.mutable_data())["category_code_before"] = "C0201";
  Deltas d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "ct:20261102", "C0201|rp"), -1);
  EXPECT_EQ(At(d, "mj:20261102", "C02|rp"), -1);
  EXPECT_EQ(At(d, "ct:20261102", "E0102|rp"), 1);
  EXPECT_EQ(At(d, "ct:202611", "E0102|rp"), 1);
  EXPECT_EQ(At(d, "tn:20261102", "330483101|rp"), 0);  // town unchanged
  EXPECT_EQ(At(d, "tn:20261102", "330483101|vr"), 1);  // valid, report day
  EXPECT_EQ(At(d, "tn:20261103", "330483101|rg"), 1);  // registered that day
  EXPECT_EQ(
      At(d, "hs:330483101:20261102", "330483101002002|C0201|SOURCE_WECHAT|rp"),
      -1);
}

TEST(Contributions, AReturnTakesBackItsDispatchOnTheDispatchDay) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_RETURNED, 5, 4);
  (*e.mutable_data())["department_id"] = "sanitation";
  (*e.mutable_data())["dispatched_at"] = "2026-11-03T09:00:00+08:00";
  Deltas d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "dp:20261103", "sanitation|dpa"), -1);
  EXPECT_EQ(At(d, "dp:20261105", "sanitation|rt"), 1);
  EXPECT_EQ(At(d, "a:20261105", "*|rt"), 1);
}

TEST(Contributions, AnAttemptThatWentRedIsNeverOnTime) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_HANDLED, 6, 6);
  e.mutable_dimensions()->set_department_id("works");
  e.set_stage(v1::STAGE_HANDLE);
  *e.mutable_stage_deadline()->mutable_completed_at() = At(6, 10);
  *e.mutable_stage_deadline()->mutable_effective_deadline() = At(7, 10);
  e.mutable_stage_working_time()->set_seconds(7200);
  Deltas on_time = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(on_time, "dp:20261106", "works|hd"), 1);
  EXPECT_EQ(At(on_time, "dp:20261106", "works|hdd"), 1);
  EXPECT_EQ(At(on_time, "dp:20261106", "works|hdt"), 1);
  EXPECT_EQ(At(on_time, "dp:20261106", "works|hds"), 7200);
  // Red before an extension moved the deadline: counted due by the overdue
  // event, so neither due nor on time here.
  *e.mutable_stage_deadline()->mutable_overdue_at() = At(5, 18);
  Deltas red = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(red, "dp:20261106", "works|hd"), 1);
  EXPECT_EQ(At(red, "dp:20261106", "works|hdd"), 0);
  EXPECT_EQ(At(red, "dp:20261106", "works|hdt"), 0);
  v1::CaseEvent overdue = Event(v1::CASE_EVENT_TYPE_OVERDUE, 5, 5);
  overdue.mutable_dimensions()->set_department_id("works");
  overdue.set_stage(v1::STAGE_HANDLE);
  EXPECT_EQ(At(EventDeltas(overdue, Shanghai()), "dp:20261105", "works|hdd"),
            1);
}

TEST(Contributions, RecordsMergeToTheSameResultInAnyOrder) {
  std::vector<v1::CaseEvent> events = {
      Event(v1::CASE_EVENT_TYPE_REPORTED, 2, 1),
      Event(v1::CASE_EVENT_TYPE_DISPATCHED, 2, 3),
      Event(v1::CASE_EVENT_TYPE_OVERDUE, 3, 4),
      Event(v1::CASE_EVENT_TYPE_VERIFIED, 4, 7),
      Event(v1::CASE_EVENT_TYPE_REOPENED, 5, 8)};
  events[0].set_to_state(v1::CASE_STATE_REPORTED);
  events[1].set_to_state(v1::CASE_STATE_DISPATCHED);
  events[1].mutable_dimensions()->set_department_id("works");
  events[2].set_to_state(v1::CASE_STATE_DISPATCHED);
  events[2].set_stage(v1::STAGE_HANDLE);
  events[2].set_light(v1::TRAFFIC_LIGHT_RED);
  events[3].set_to_state(v1::CASE_STATE_CLOSED);
  events[3].set_closure_type(v1::CLOSURE_TYPE_OVERDUE);
  events[4].set_to_state(v1::CASE_STATE_DISPATCHED);
  events[4].set_light(v1::TRAFFIC_LIGHT_GREEN);
  events[4].mutable_dimensions()->set_department_id("works");
  std::vector<int> order = {0, 1, 2, 3, 4};
  std::optional<std::string> first;
  do {
    std::optional<CaseRecord> r;
    for (int i : order) r = Merge(r, events[i]);
    std::string encoded = Encode(*r);
    if (!first) first = encoded;
    EXPECT_EQ(encoded, *first);
  } while (std::next_permutation(order.begin(), order.end()));
  ASSERT_OK_AND_ASSIGN(CaseRecord r, DecodeRecord(*first));
  EXPECT_EQ(Encode(r), *first);
  EXPECT_EQ(r.version, 8);
  EXPECT_EQ(r.state, v1::CASE_STATE_DISPATCHED);
  EXPECT_TRUE(r.handle_overdue);
  EXPECT_TRUE(r.closed_ever);
  // Reopened: due to close (it was closed, and went red), not closed now;
  // open and green now.
  Deltas d = RecordDeltas(r);
  EXPECT_EQ(At(d, "tn:20261102", "330483101|cld"), 1);
  EXPECT_EQ(At(d, "tn:20261102", "330483101|cl"), 0);
  EXPECT_EQ(At(d, "now:dp", "works|op"), 1);
  EXPECT_EQ(At(d, "now:dp", "works|s3"), 1);
  EXPECT_EQ(At(d, "now:dp", "works|red"), 0);
}

TEST(Contributions, MalformedRecordsAreDataLoss) {
  EXPECT_THAT(DecodeRecord("garbage"),
              ::gridcase::testing::StatusIs(absl::StatusCode::kDataLoss,
                                            ::testing::HasSubstr("malformed")));
}

}  // namespace
}  // namespace gridcase::stats
