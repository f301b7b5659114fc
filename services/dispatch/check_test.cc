// 核实 (on-site check before registration) through Transitions: the request
// pauses REGISTER and starts CHECK, the grid manager's finding completes it
// and brings the case back to REPORTED, and the scanner watches CHECK.
#include <string>
#include <vector>

#include "common/cases/stage_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/dispatch/transitions_fixture.h"

namespace gridcase::dispatch {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class CheckTest : public TransitionsTest {
 protected:
  absl::StatusOr<Committed> Finding(const v1::Actor& actor, bool confirmed) {
    TransitionRequest req;
    req.input.confirmed = confirmed;
    req.input.note = confirmed ? "现场确有暴露垃圾" : "现场未见垃圾";
    return Run(Action::kSubmitCheck, actor, req);
  }

  static const v1::StageDeadline* Last(const v1::Case& c, v1::Stage stage) {
    for (int i = c.deadlines_size() - 1; i >= 0; --i) {
      if (c.deadlines(i).stage() == stage) return &c.deadlines(i);
    }
    return nullptr;
  }
};

TEST_F(CheckTest, ARequestPausesRegisterAndStartsCheck) {
  absl::StatusOr<Committed> asked = Run(Action::kRequestCheck, Acceptor());
  ASSERT_THAT(asked.status(), IsOk());
  const v1::Case& c = asked->c;
  EXPECT_EQ(c.state(), v1::CASE_STATE_CHECKING);
  EXPECT_EQ(asked->event.type(), v1::CASE_EVENT_TYPE_CHECK_REQUESTED);
  EXPECT_EQ(cases::RunningStage(c), v1::STAGE_CHECK);
  const v1::StageDeadline* check = Last(c, v1::STAGE_CHECK);
  ASSERT_NE(check, nullptr);
  // 60 working minutes from Monday 09:00.
  EXPECT_EQ(FromTimestamp(check->effective_deadline()), At(2026, 6, 29, 10, 0));
  const v1::StageDeadline* reg = Last(c, v1::STAGE_REGISTER);
  ASSERT_NE(reg, nullptr);
  ASSERT_EQ(reg->pauses_size(), 1);
  EXPECT_FALSE(reg->pauses(0).has_end());
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Contains("q:check"));
  EXPECT_THAT(store_.QueuesOfCase(kCaseId),
              Contains(absl::StrCat("q:check:", kGrid)));
}

TEST_F(CheckTest, TheFindingCompletesCheckAndResumesRegister) {
  ASSERT_THAT(Run(Action::kRequestCheck, Dispatcher()).status(), IsOk());
  clock_.Advance(absl::Minutes(40));
  absl::StatusOr<Committed> found = Finding(Inspector(), true);
  ASSERT_THAT(found.status(), IsOk());
  const v1::Case& c = found->c;
  EXPECT_EQ(c.state(), v1::CASE_STATE_REPORTED);
  EXPECT_EQ(found->event.type(), v1::CASE_EVENT_TYPE_CHECKED);
  EXPECT_EQ(found->event.data().at("confirmed"), "1");
  EXPECT_EQ(found->event.stage(), v1::STAGE_CHECK);
  EXPECT_TRUE(found->event.stage_deadline().has_completed_at());
  EXPECT_FALSE(found->event.stage_deadline().has_overdue_at());
  EXPECT_EQ(cases::RunningStage(c), v1::STAGE_REGISTER);
  // REGISTER's 30 minutes moved by the 40 minutes it waited: 10:10.
  const v1::StageDeadline* reg = cases::CurrentDeadline(c);
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(FromTimestamp(reg->effective_deadline()), At(2026, 6, 29, 10, 10));
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Not(Contains("q:check")));
  // The centre goes on as usual.
  EXPECT_THAT(Run(Action::kRegister, Acceptor()).status(), IsOk());
  absl::StatusOr<Committed> again = Finding(Inspector(), false);
  EXPECT_THAT(again.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("SubmitCheck needs CHECKING")));
}

TEST_F(CheckTest, OnlyTheGridsManagerOrTheDutyChiefReportsTheFinding) {
  ASSERT_THAT(Run(Action::kRequestCheck, Acceptor()).status(), IsOk());
  v1::Actor elsewhere = Make("gm-8", v1::ROLE_GRID_MANAGER);
  elsewhere.set_grid_codes(0, "330483101002003");
  EXPECT_THAT(Finding(elsewhere, true).status(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("checks only in their own grids")));
  EXPECT_THAT(Finding(Staff(), true).status(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("SubmitCheck needs role")));
  absl::StatusOr<Committed> found = Finding(Chief(), false);
  ASSERT_THAT(found.status(), IsOk());
  EXPECT_EQ(found->event.data().at("confirmed"), "0");
}

TEST_F(CheckTest, TheScannerWarnsAndFlagsAnOverdueCheck) {
  ASSERT_THAT(Run(Action::kRequestCheck, Acceptor()).status(), IsOk());
  clock_.Advance(absl::Minutes(50));  // past 80% of 60 minutes
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(1));
  clock_.Advance(absl::Minutes(20));  // past the hour
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(1));
  int overdue = 0;
  absl::StatusOr<std::vector<v1::CaseEvent>> timeline =
      store_.Timeline(kCaseId);
  ASSERT_THAT(timeline.status(), IsOk());
  for (const v1::CaseEvent& e : *timeline) {
    if (e.type() == v1::CASE_EVENT_TYPE_OVERDUE) {
      ++overdue;
      EXPECT_EQ(e.stage(), v1::STAGE_CHECK);
    }
  }
  EXPECT_EQ(overdue, 1);
  EXPECT_EQ(Current().light(), v1::TRAFFIC_LIGHT_RED);
  absl::StatusOr<Committed> found = Finding(Inspector(), true);
  ASSERT_THAT(found.status(), IsOk());
  EXPECT_TRUE(found->event.stage_deadline().has_overdue_at());
}

}  // namespace
}  // namespace gridcase::dispatch
