// Staff merge and unmerge (合并 / 撤销合并) through the public APIs of real
// processes: a report filed under another category joins the case of the
// same problem with its reports and followers, who may then rate that case;
// an unmerge takes exactly that back and puts the case in REVIEW with a
// fresh DISPATCH deadline, for staff merges and intake's automatic ones
// alike; gridcase-stats counts the duplicate while it is one. gridctl drives
// the same steps.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/stage_clock.h"
#include "common/clock/timestamp.h"
#include "tests/case_stack.h"
#include "tests/stats_stack.h"

namespace gridcase {
namespace {

using ::gridcase::testing::Gridctl;
using ::gridcase::testing::kAcceptor;
using ::gridcase::testing::kChief;
using ::gridcase::testing::kDispatcher;
using ::gridcase::testing::kInspector;
using ::gridcase::testing::kSanitation;
using ::gridcase::testing::StatsProcessTest;
using ::gridcase::testing::StatusIs;
using ::gridcase::testing::WithActor;
using ::testing::HasSubstr;

// A point in grid 330483101002002, away from CaseStackTest::Report's
// lattice.
constexpr double kLat = 30.6871;
constexpr double kLng = 120.6290;

class MergeProcessTest : public StatsProcessTest {
 protected:
  // A WeChat report by citizen `who` of `category` at (kLat, kLng) moved
  // `east` steps of about 60 m; its response.
  v1::ReportCaseResponse ReportAs(const std::string& who,
                                  const std::string& category, int east = 0) {
    v1::ReportCaseRequest r;
    r.set_request_id(absl::StrCat("m-", who, "-", category, "-", east));
    r.set_source(v1::SOURCE_WECHAT);
    r.set_category_code(category);
    r.set_description("路口井盖破损，旁边堆着垃圾");
    r.mutable_location()->set_latitude(kLat);
    r.mutable_location()->set_longitude(kLng + east * 0.0006);
    grpc::ClientContext context;
    WithActor(&context, Citizen(who));
    v1::ReportCaseResponse resp;
    grpc::Status s = intake_stub_->ReportCase(&context, r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  static std::string Citizen(const std::string& who) {
    return absl::StrCat("subject=", who, "; roles=citizen");
  }

  v1::MergeCaseRequest Merge(const std::string& id, const std::string& into) {
    auto r = For<v1::MergeCaseRequest>(id);
    r.set_into_case_id(into);
    r.set_note("同一问题，以不同类别上报");
    return r;
  }

  v1::UnmergeCaseRequest Unmerge(const std::string& id) {
    auto r = For<v1::UnmergeCaseRequest>(id);
    r.set_note("核实后不是同一问题");
    return r;
  }

  absl::Status Rate(const std::string& who, const std::string& id) {
    auto r = For<v1::RateCaseRequest>(id);
    r.set_satisfaction(v1::SATISFACTION_SATISFIED);
    return RateCase(Citizen(who), r).status();
  }

  // Registers, dispatches, handles and verifies `id` until CLOSED.
  void Close(const std::string& id) {
    ASSERT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(id)));
    auto d = For<v1::DispatchCaseRequest>(id);
    d.set_department_id("sanitation");
    ASSERT_OK(DispatchCase(kDispatcher, d));
    ASSERT_OK(
        AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(id)));
    ASSERT_OK(SubmitHandling(kSanitation, Handled(id)));
    ASSERT_OK(VerifyCase(kInspector, Verify(id, true)));
  }

  bool InQueue(v1::Queue queue, const std::string& id,
               std::string* reason = nullptr) {
    v1::ListQueueRequest req;
    req.set_queue(queue);
    absl::StatusOr<v1::ListQueueResponse> q = ListQueue(kAcceptor, req);
    EXPECT_OK(q.status());
    if (!q.ok()) return false;
    for (const v1::QueueItem& item : q->items()) {
      if (item.case_().id() != id) continue;
      if (reason != nullptr) *reason = item.reason();
      return true;
    }
    return false;
  }

  std::vector<std::string> Nearby(double lng) {
    v1::ListNearbyRequest req;
    req.mutable_location()->set_latitude(kLat);
    req.mutable_location()->set_longitude(lng);
    req.set_radius_m(30);
    grpc::ClientContext context;
    WithActor(&context, kChief);
    v1::ListNearbyResponse resp;
    grpc::Status s = intake_stub_->ListNearby(&context, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> ids;
    for (const v1::NearbyCase& n : resp.cases()) ids.push_back(n.case_().id());
    return ids;
  }
};

TEST_F(MergeProcessTest, AMergeMovesReportsAndFollowersAndAnUnmergeTakesThem) {
  // A (暴露垃圾) and B (another category at the same spot, which intake
  // cannot tell apart); C repeats B and is merged into it by intake.
  std::string a = ReportAs("wx-a", "E0101").case_().id();
  std::string b = ReportAs("wx-b", "E0102").case_().id();
  v1::ReportCaseResponse c = ReportAs("wx-c", "E0102");
  ASSERT_EQ(c.outcome(), v1::REPORT_OUTCOME_MERGED);
  ASSERT_EQ(c.case_().merged_into(), b);
  ASSERT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(b)));

  // Refused: a citizen; no target; itself; a target that is not open.
  EXPECT_THAT(MergeCase(Citizen("wx-b"), Merge(b, a)),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT(MergeCase(kDispatcher, Merge(b, "")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("into_case_id: is required")));
  EXPECT_THAT(
      MergeCase(kDispatcher, Merge(b, b)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("into_case_id")));
  EXPECT_THAT(MergeCase(kDispatcher, Merge(b, c.case_().id())),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("into_case_id: case")));

  // B joins A with its two reports and its two reporters.
  v1::MergeCaseRequest merge = Merge(b, a);
  merge.set_request_id("merge-b-into-a");
  ASSERT_OK_AND_ASSIGN(v1::MergeCaseResponse merged,
                       MergeCase(kDispatcher, merge));
  EXPECT_EQ(merged.case_().state(), v1::CASE_STATE_MERGED);
  EXPECT_EQ(merged.case_().merged_into(), a);
  EXPECT_EQ(merged.event().type(), v1::CASE_EVENT_TYPE_MERGED_BY_STAFF);
  EXPECT_EQ(merged.event().related_case_id(), a);
  EXPECT_EQ(merged.event().from_state(), v1::CASE_STATE_REGISTERED);
  v1::Case got_a = GetCase(a);
  EXPECT_EQ(got_a.report_count(), 3);
  EXPECT_EQ(got_a.follower_count(), 2);
  EXPECT_FALSE(InQueue(v1::QUEUE_REVIEW, b));
  // A retry replays the merge: nothing moves twice.
  ASSERT_OK_AND_ASSIGN(v1::MergeCaseResponse again,
                       MergeCase(kDispatcher, merge));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.event().related_case_id(), a);
  EXPECT_EQ(GetCase(a).report_count(), 3);
  EXPECT_THAT(MergeCase(kDispatcher, Merge(a, b)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("into_case_id")));

  // B's reporter now follows A: they may rate it once it is closed.
  ASSERT_NO_FATAL_FAILURE(Close(a));
  EXPECT_OK(Rate("wx-b", a));
  EXPECT_THAT(Rate("wx-z", a),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));

  // Undone: B is registered again with a fresh DISPATCH deadline, and A
  // loses what B brought (C's reporter no longer follows it).
  EXPECT_THAT(UnmergeCase(kDispatcher, For<v1::UnmergeCaseRequest>(b)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("note")));
  absl::Time before = absl::Now();
  ASSERT_OK_AND_ASSIGN(v1::UnmergeCaseResponse unmerged,
                       UnmergeCase(kDispatcher, Unmerge(b)));
  EXPECT_EQ(unmerged.case_().state(), v1::CASE_STATE_REGISTERED);
  EXPECT_EQ(unmerged.case_().merged_into(), "");
  EXPECT_EQ(unmerged.event().type(), v1::CASE_EVENT_TYPE_UNMERGED);
  EXPECT_EQ(unmerged.event().related_case_id(), a);
  const v1::StageDeadline* running = cases::CurrentDeadline(unmerged.case_());
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(running->stage(), v1::STAGE_DISPATCH);
  EXPECT_GE(FromTimestamp(running->started_at()), before - absl::Seconds(1));
  std::string reason;
  EXPECT_TRUE(InQueue(v1::QUEUE_REVIEW, b, &reason));
  EXPECT_EQ(reason, absl::StrCat("unmerged from ", a, ": 核实后不是同一问题"));
  got_a = GetCase(a);
  EXPECT_EQ(got_a.report_count(), 1);
  EXPECT_EQ(got_a.follower_count(), 0);
  EXPECT_EQ(GetCase(b).report_count(), 2);
  EXPECT_THAT(Rate("wx-c", a),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));

  // The timeline of B tells both, and B is dispatched as a case again.
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> events, Timeline(b));
  EXPECT_EQ(Count(events, v1::CASE_EVENT_TYPE_MERGED_BY_STAFF), 1);
  EXPECT_EQ(Count(events, v1::CASE_EVENT_TYPE_UNMERGED), 1);
  auto d = For<v1::DispatchCaseRequest>(b);
  d.set_department_id("sanitation");
  EXPECT_OK(DispatchCase(kDispatcher, d));

  // Stats: three reports; C is the only duplicate left; A and B are valid.
  v1::Indicators x = AwaitTownIndicators([](const v1::Indicators& i) {
    return i.reports() == 3 && i.merged() == 1 && i.valid_reports() == 2;
  });
  EXPECT_EQ(x.reports(), 3);
  EXPECT_EQ(x.merged(), 1);
  EXPECT_EQ(x.valid_reports(), 2);
}

TEST_F(MergeProcessTest, AnAutomaticMergeCanBeUndone) {
  std::string b = ReportAs("wx-b", "E0101", 2).case_().id();
  v1::ReportCaseResponse c = ReportAs("wx-c", "E0101", 2);
  ASSERT_EQ(c.outcome(), v1::REPORT_OUTCOME_MERGED);
  const std::string& id = c.case_().id();
  EXPECT_EQ(GetCase(b).report_count(), 2);
  EXPECT_EQ(GetCase(b).follower_count(), 1);
  // Open again, C is on the map of open cases (a candidate for
  // duplicates) again; while merged it was not.
  EXPECT_EQ(Nearby(kLng + 2 * 0.0006), std::vector<std::string>{b});

  ASSERT_OK_AND_ASSIGN(v1::UnmergeCaseResponse unmerged,
                       UnmergeCase(kAcceptor, Unmerge(id)));
  EXPECT_EQ(unmerged.case_().state(), v1::CASE_STATE_REGISTERED);
  EXPECT_EQ(GetCase(b).report_count(), 1);
  EXPECT_EQ(GetCase(b).follower_count(), 0);
  std::vector<std::string> near = Nearby(kLng + 2 * 0.0006);
  EXPECT_EQ(near.size(), 2u);
  EXPECT_NE(std::find(near.begin(), near.end(), id), near.end());
  // C's reporter rates C, not B, once it is closed.
  ASSERT_NO_FATAL_FAILURE(Close(b));
  EXPECT_THAT(Rate("wx-c", b),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));

  v1::Indicators x = AwaitTownIndicators([](const v1::Indicators& i) {
    return i.reports() == 2 && i.merged() == 0 && i.valid_reports() == 2;
  });
  EXPECT_EQ(x.merged(), 0);
  EXPECT_EQ(x.valid_reports(), 2);
}

TEST_F(MergeProcessTest, GridctlMergesAndUnmerges) {
  // One citizen reported both, so the merge adds no follower to A and the
  // unmerge takes none away.
  std::string a = ReportAs("wx-a", "E0101", 4).case_().id();
  std::string b = ReportAs("wx-a", "E0102", 4).case_().id();
  const std::string target = dispatch_->target();
  std::string out, err;
  EXPECT_EQ(Gridctl(target, kDispatcher, {"dispatch", "merge", b}, &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("give --into=CASE_ID"));
  ASSERT_EQ(Gridctl(target, kDispatcher,
                    {"dispatch", "merge", b, absl::StrCat("--into=", a),
                     "--note=同一井盖"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr(absl::StrCat(b, "  MERGED")));
  EXPECT_EQ(GetCase(a).follower_count(), 0);
  EXPECT_EQ(GetCase(a).report_count(), 2);
  ASSERT_EQ(
      Gridctl(target, kDispatcher,
              {"dispatch", "unmerge", b, "--note=不是同一问题"}, &out, &err),
      0)
      << err;
  EXPECT_THAT(out, HasSubstr(absl::StrCat(b, "  REGISTERED")));
  EXPECT_THAT(out, HasSubstr("UNMERGED"));
  EXPECT_EQ(GetCase(a).report_count(), 1);
}

}  // namespace
}  // namespace gridcase
