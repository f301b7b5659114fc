// What single events add, and the case record's order independence.
#include "services/stats/contributions.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

// A rating counts on the day it was given, for the case's department and
// regions; an unknown level counts nothing.
TEST(Contributions, ARatingCountsOnItsDayByItsLevel) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_RATED, 9, 7);
  e.mutable_dimensions()->set_department_id("sanitation");
  (*e.mutable_data())["satisfaction"] = "BASICALLY_SATISFIED";
  Deltas d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "dp:20261109", "sanitation|ra"), 1);
  EXPECT_EQ(At(d, "dp:20261109", "sanitation|rb"), 1);
  EXPECT_EQ(At(d, "tn:202611", "330483101|ra"), 1);
  EXPECT_EQ(At(d, "tn:20261109", "330483101|rs"), 0);
  EXPECT_EQ(At(d, "tn:20261109", "330483101|ru"), 0);
  (*e.mutable_data())["satisfaction"] = "UNSATISFIED";
  d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "tn:20261109", "330483101|ru"), 1);
  (*e.mutable_data())["satisfaction"] = "VERY_HAPPY";
  EXPECT_TRUE(EventDeltas(e, Shanghai()).empty());
}

// 核实: a finding counts as a check, due and (by its deadline, never red) on
// time; an overdue CHECK is due on its overdue day.
TEST(Contributions, AnOnSiteCheckCountsLikeAStage) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_CHECKED, 4, 3);
  e.set_stage(v1::STAGE_CHECK);
  v1::StageDeadline* sd = e.mutable_stage_deadline();
  *sd->mutable_effective_deadline() = At(4, 11);
  *sd->mutable_completed_at() = At(4, 10);
  Deltas d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "tn:20261104", "330483101|ck"), 1);
  EXPECT_EQ(At(d, "tn:20261104", "330483101|ckd"), 1);
  EXPECT_EQ(At(d, "tn:20261104", "330483101|ckt"), 1);
  *sd->mutable_completed_at() = At(4, 12);  // late
  d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "tn:20261104", "330483101|ckd"), 1);
  EXPECT_EQ(At(d, "tn:20261104", "330483101|ckt"), 0);
  v1::CaseEvent overdue = Event(v1::CASE_EVENT_TYPE_OVERDUE, 4, 2);
  overdue.set_stage(v1::STAGE_CHECK);
  d = EventDeltas(overdue, Shanghai());
  EXPECT_EQ(At(d, "tn:20261104", "330483101|ckd"), 1);
  EXPECT_EQ(At(d, "tn:20261104", "330483101|hdd"), 0);
}

// Verifications and on-site checks are credited to whoever did them (the
// event's actor, as "wk"), late or not; the reporter dims are untouched.
TEST(Contributions, TheWorkIsCreditedToTheMemberWhoDidIt) {
  v1::CaseEvent e = Event(v1::CASE_EVENT_TYPE_VERIFIED, 4, 7);
  e.set_stage(v1::STAGE_VERIFY);
  e.mutable_actor()->set_subject("gm-9");
  e.mutable_dimensions()->set_reporter_id("gm-1");
  e.mutable_dimensions()->set_reporter_kind(v1::REPORTER_KIND_GRID_MANAGER);
  v1::StageDeadline* sd = e.mutable_stage_deadline();
  *sd->mutable_effective_deadline() = At(4, 11);
  *sd->mutable_completed_at() = At(4, 10);
  Deltas d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|vf"), 1);
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|vfd"), 1);
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|vft"), 1);
  EXPECT_EQ(At(d, "wk:202611", "gm-9|vf"), 1);
  // The reporter's scope counts the verifications of the cases they
  // reported (case-based, as before); the worker's, those they did.
  EXPECT_EQ(At(d, "rp:20261104", "gm-1|vf"), 1);
  EXPECT_EQ(At(d, "wk:20261104", "gm-1|vf"), 0);
  // Late, after the stage went red: still theirs, and due, not on time.
  *sd->mutable_overdue_at() = At(4, 11);
  *sd->mutable_completed_at() = At(4, 12);
  d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|vf"), 1);
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|vfd"), 1);
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|vft"), 0);
  EXPECT_EQ(At(d, "tn:20261104", "330483101|vfd"), 0);  // due when red
  // A failed verification (rework) is a verification done too.
  e.set_type(v1::CASE_EVENT_TYPE_REWORKED);
  d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|vf"), 1);
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|rw"), 0);
  // An on-site check (核实).
  e.set_type(v1::CASE_EVENT_TYPE_CHECKED);
  e.set_stage(v1::STAGE_CHECK);
  sd->clear_overdue_at();
  *sd->mutable_completed_at() = At(4, 10);
  d = EventDeltas(e, Shanghai());
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|ck"), 1);
  EXPECT_EQ(At(d, "wk:20261104", "gm-9|ckt"), 1);
  // No actor, no credit.
  e.clear_actor();
  d = EventDeltas(e, Shanghai());
  for (const auto& [key, n] : d) EXPECT_NE(key.first.substr(0, 3), "wk:");
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

TEST(Contributions, ARecordKnowsTheVersionsOfTheEventsItHolds) {
  v1::CaseEvent e;
  e.set_to_state(v1::CASE_STATE_REGISTERED);
  std::optional<CaseRecord> r;
  for (int v : {1, 2, 9, 300}) {
    e.set_case_version(v);
    r = Merge(r, e);
  }
  for (int v : {1, 2, 9, 300}) EXPECT_TRUE(WasApplied(*r, v)) << v;
  for (int v : {-1, 0, 3, 8, 10, 299, 301, 100000}) {
    EXPECT_FALSE(WasApplied(*r, v)) << v;
  }
  // Stored and read back with the record.
  ASSERT_OK_AND_ASSIGN(CaseRecord back, DecodeRecord(Encode(*r)));
  EXPECT_TRUE(WasApplied(back, 300));
  EXPECT_FALSE(WasApplied(back, 299));
  // A version beyond any workflow is not tracked (nor allocated for).
  e.set_case_version(int64_t{1} << 40);
  CaseRecord huge = Merge(r, e);
  EXPECT_FALSE(WasApplied(huge, int64_t{1} << 40));
  EXPECT_LT(huge.applied.size(), 64u);
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

// A report left waiting for review past its REGISTER limit (issue #16,
// finding 1): dispatch's scanner emits case.overdue at stage REGISTER, and
// the open REPORTED case counts in 超期未处置数 (red now) for its town.
TEST(Contributions, AReportOverdueInReviewIsOpenAndRedNow) {
  v1::CaseEvent reported = Event(v1::CASE_EVENT_TYPE_REPORTED, 2, 1);
  reported.set_to_state(v1::CASE_STATE_REPORTED);
  reported.set_light(v1::TRAFFIC_LIGHT_GREEN);
  v1::CaseEvent overdue = Event(v1::CASE_EVENT_TYPE_OVERDUE, 2, 2);
  overdue.set_to_state(v1::CASE_STATE_REPORTED);
  overdue.set_stage(v1::STAGE_REGISTER);
  overdue.set_light(v1::TRAFFIC_LIGHT_RED);
  CaseRecord r = Merge(Merge(std::nullopt, reported), overdue);
  Deltas d = RecordDeltas(r);
  EXPECT_EQ(At(d, "now:tn", "330483101|op"), 1);
  EXPECT_EQ(At(d, "now:tn", "330483101|red"), 1);
  // Before the scanner's event it is open but not overdue.
  Deltas before = RecordDeltas(Merge(std::nullopt, reported));
  EXPECT_EQ(At(before, "now:tn", "330483101|red"), 0);
}

// The dimensions a record keeps, for comparison.
std::vector<std::string> Fields(const v1::CaseDimensions& d) {
  return {d.grid_code(),
          d.community_code(),
          d.town_code(),
          d.city_code(),
          d.category_code(),
          d.category_major_code(),
          absl::StrCat(d.source()),
          d.department_id(),
          d.reporter_id(),
          absl::StrCat(d.reporter_kind()),
          d.report_date()};
}

// Every string of a record holds whatever bytes it is given: the old
// encoding joined fields with \x1f, so a reporter id holding one shifted
// every later field and made the record unreadable.
TEST(CaseRecords, EveryFieldRoundTripsHostileBytes) {
  const std::vector<std::string> hostile = {"\x1f",
                                            std::string("a\0b", 3),
                                            "|",
                                            ":",
                                            "a\x1f"
                                            "b\x1f"
                                            "c\x1f"
                                            "d",
                                            "\x1e\x1f\n\r\t",
                                            std::string("\xff\xfe\x00\x02", 4),
                                            "\x02",
                                            "7",
                                            "E01|x:y",
                                            std::string(300, '\x1f'),
                                            ""};
  using Setter = void (v1::CaseDimensions::*)(const std::string&);
  const std::vector<Setter> setters = {
      &v1::CaseDimensions::set_grid_code,
      &v1::CaseDimensions::set_community_code,
      &v1::CaseDimensions::set_town_code,
      &v1::CaseDimensions::set_city_code,
      &v1::CaseDimensions::set_category_code,
      &v1::CaseDimensions::set_category_major_code,
      &v1::CaseDimensions::set_department_id,
      &v1::CaseDimensions::set_reporter_id,
      &v1::CaseDimensions::set_report_date};
  for (const std::string& value : hostile) {
    for (Setter set : setters) {
      CaseRecord r;
      r.version = 9;
      r.state = v1::CASE_STATE_CLOSED;
      r.closure = v1::CLOSURE_TYPE_OVERDUE;
      r.light = v1::TRAFFIC_LIGHT_RED;
      r.handle_overdue = true;
      r.dims = Event(v1::CASE_EVENT_TYPE_CLOSED, 2, 9).dimensions();
      r.dims.set_source(v1::SOURCE_HOTLINE);
      r.dims.set_reporter_kind(v1::REPORTER_KIND_STAFF);
      (r.dims.*set)(value);
      ASSERT_OK_AND_ASSIGN(CaseRecord back, DecodeRecord(Encode(r)));
      EXPECT_EQ(back.version, 9);
      EXPECT_EQ(back.state, v1::CASE_STATE_CLOSED);
      EXPECT_EQ(back.closure, v1::CLOSURE_TYPE_OVERDUE);
      EXPECT_EQ(back.light, v1::TRAFFIC_LIGHT_RED);
      EXPECT_TRUE(back.handle_overdue);
      EXPECT_FALSE(back.closed_ever);
      EXPECT_EQ(Fields(back.dims), Fields(r.dims)) << absl::CHexEscape(value);
      EXPECT_TRUE(back == r);
    }
  }
}

// Records written by earlier releases stay readable; the next write stores
// them in the new format.
TEST(CaseRecords, ReadsTheOldSeparatedFormat) {
  const std::string old = absl::StrJoin(
      {"8", "3", "2", "1", "hc", "330483101002002", "330483101002", "330483101",
       "330483", "E0102", "E01", "5", "works", "gm-1", "2", "2026-11-02"},
      "\x1f");
  ASSERT_OK_AND_ASSIGN(CaseRecord r, DecodeRecord(old));
  EXPECT_EQ(r.version, 8);
  EXPECT_EQ(r.state, v1::CASE_STATE_DISPATCHED);
  EXPECT_EQ(r.closure, static_cast<v1::ClosureType>(2));
  EXPECT_EQ(r.light, static_cast<v1::TrafficLight>(1));
  EXPECT_TRUE(r.handle_overdue);
  EXPECT_TRUE(r.closed_ever);
  EXPECT_EQ(r.dims.grid_code(), "330483101002002");
  EXPECT_EQ(r.dims.community_code(), "330483101002");
  EXPECT_EQ(r.dims.town_code(), "330483101");
  EXPECT_EQ(r.dims.city_code(), "330483");
  EXPECT_EQ(r.dims.category_code(), "E0102");
  EXPECT_EQ(r.dims.category_major_code(), "E01");
  EXPECT_EQ(r.dims.source(), static_cast<v1::Source>(5));
  EXPECT_EQ(r.dims.department_id(), "works");
  EXPECT_EQ(r.dims.reporter_id(), "gm-1");
  EXPECT_EQ(r.dims.reporter_kind(), static_cast<v1::ReporterKind>(2));
  EXPECT_EQ(r.dims.report_date(), "2026-11-02");
  std::string again = Encode(r);
  EXPECT_EQ(again[0], '\x02');
  ASSERT_OK_AND_ASSIGN(CaseRecord back, DecodeRecord(again));
  EXPECT_TRUE(back == r);
}

TEST(CaseRecords, MalformedRecordsAreDataLoss) {
  using ::gridcase::testing::StatusIs;
  using ::testing::HasSubstr;
  EXPECT_THAT(DecodeRecord("garbage"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed")));
  EXPECT_THAT(DecodeRecord(""),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed")));
  EXPECT_THAT(DecodeRecord(std::string("\x02\xff\xff\xff", 4)),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("not a StoredCaseRecord")));
  // An old record that a \x1f in the reporter id split into 17 fields.
  const std::string split = absl::StrJoin(
      {"1", "1", "0", "1", "", "330483101002002", "330483101002", "330483101",
       "330483", "E0102", "E01", "5", "", "hot", "line", "3", "2026-11-02"},
      "\x1f");
  EXPECT_THAT(DecodeRecord(split),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("got 17")));
}

}  // namespace
}  // namespace gridcase::stats
