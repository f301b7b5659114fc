// Staff merge and unmerge (合并 / 撤销合并) through Transitions: the case
// joined must be another open case; a merge ends the running stage without
// completing it for the indicators, leaves every queue and alarm; an
// unmerge registers the case again with a fresh DISPATCH deadline. (What
// a merge does to the other case's counts and followers is the commit
// script's, tested against Redis in tests/merge_process_test.cc.)
#include <string>

#include "common/cases/stage_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/dispatch/transitions_fixture.h"

namespace gridcase::dispatch {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kOther[] = "330483-20260629-000018";

class MergeTest : public TransitionsTest {
 protected:
  MergeTest() {
    store_.Put(Reported(kOther));
    v1::Case c = Reported(kCaseId);
    c.set_report_count(2);  // it had a duplicate of its own
    store_.Put(c);
  }

  absl::StatusOr<Committed> MergeInto(const std::string& into) {
    TransitionRequest req;
    req.input.into_case_id = into;
    return Run(Action::kMerge, Dispatcher(), req);
  }
};

TEST_F(MergeTest, TheCaseJoinedMustBeAnotherOpenCase) {
  EXPECT_THAT(MergeInto(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                      "into_case_id: is required"));
  EXPECT_THAT(MergeInto(kCaseId),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("into_case_id: a case cannot be merged "
                                 "into itself")));
  EXPECT_THAT(
      MergeInto("330483-20260629-000099"),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("into_case_id: ")));
  v1::Case voided = Reported(kOther);
  voided.set_state(v1::CASE_STATE_VOIDED);
  store_.Put(voided);
  EXPECT_THAT(MergeInto(kOther),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("into_case_id: case " + std::string(kOther) +
                                 " is VOIDED")));
  EXPECT_EQ(Current().state(), v1::CASE_STATE_REPORTED);
}

TEST_F(MergeTest, AMergeEndsTheRunningStageAndLeavesEveryQueue) {
  Drive(kToInProgress);
  TransitionRequest ext;
  ext.input.extra = Limit(2, v1::TIME_UNIT_WORKING_HOURS);
  ASSERT_THAT(Run(Action::kRequestExtension, Staff(), ext).status(), IsOk());
  absl::StatusOr<Committed> merged = MergeInto(kOther);
  ASSERT_THAT(merged.status(), IsOk());
  const v1::Case& c = merged->c;
  EXPECT_EQ(c.state(), v1::CASE_STATE_MERGED);
  EXPECT_EQ(c.merged_into(), kOther);
  EXPECT_EQ(cases::RunningStage(c), v1::STAGE_UNSPECIFIED);
  EXPECT_FALSE(c.has_pending_extension());
  EXPECT_FALSE(c.has_expected_at());
  const v1::CaseEvent& e = merged->event;
  EXPECT_EQ(e.type(), v1::CASE_EVENT_TYPE_MERGED_BY_STAFF);
  EXPECT_EQ(e.related_case_id(), kOther);
  EXPECT_EQ(e.from_state(), v1::CASE_STATE_IN_PROGRESS);
  // Not a completed HANDLE for the indicators.
  EXPECT_EQ(e.stage(), v1::STAGE_UNSPECIFIED);
  EXPECT_EQ(e.data().at("report_count"), "2");
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), IsEmpty());
}

TEST_F(MergeTest, AnUnmergeRegistersTheCaseAgainWithAFreshDeadline) {
  Drive(kToDispatched);
  ASSERT_THAT(MergeInto(kOther).status(), IsOk());
  clock_.Advance(absl::Hours(3));
  TransitionRequest req;
  req.input.note = "不是同一问题";
  absl::StatusOr<Committed> back = Run(Action::kUnmerge, Acceptor(), req);
  ASSERT_THAT(back.status(), IsOk());
  const v1::Case& c = back->c;
  EXPECT_EQ(c.state(), v1::CASE_STATE_REGISTERED);
  EXPECT_EQ(c.merged_into(), "");
  EXPECT_EQ(c.department_id(), "");
  EXPECT_EQ(back->event.type(), v1::CASE_EVENT_TYPE_UNMERGED);
  EXPECT_EQ(back->event.related_case_id(), kOther);
  const v1::StageDeadline* d = cases::CurrentDeadline(c);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->stage(), v1::STAGE_DISPATCH);
  EXPECT_EQ(FromTimestamp(d->started_at()), clock_.Now());
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), ::testing::Contains("q:review"));
  EXPECT_EQ(store_.Get(kCaseId)->review_reason,
            std::string("unmerged from ") + kOther + ": 不是同一问题");
  // Only a MERGED case can be unmerged, by the centre.
  EXPECT_THAT(Run(Action::kUnmerge, Acceptor(), req),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("UnmergeCase needs MERGED")));
}

}  // namespace
}  // namespace gridcase::dispatch
