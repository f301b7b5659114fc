// Every edge of the state machine, and a set of forbidden ones, through
// Transitions over FakeCaseStore, FakeRegistryClient and a FakeClock; plus
// deadlines (extension, suspension, a holiday week), the scanner's
// exactly-once alerts, idempotency and a 16-thread race.
#include "services/dispatch/transitions.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar/calendar_proto.h"
#include "common/cases/deadlines.h"
#include "common/cases/stage_clock.h"
#include "common/cases/stage_limits.h"
#include "common/clock/fake_clock.h"
#include "common/clock/timestamp.h"
#include "common/registry_client/fake_registry_client.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/dispatch/fake_case_store.h"
#include "services/dispatch/transitions_fixture.h"

namespace gridcase::dispatch {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using S = v1::CaseState;

struct Edge {
  std::string name;
  std::vector<Action> path;  // how to reach the from-state
  Action action;
  const v1::Actor& (*actor)();
  S from;
  S to;
  v1::CaseEventType event;
};

std::vector<Action> Plus(std::vector<Action> path, Action a) {
  path.push_back(a);
  return path;
}

std::vector<Edge> AllowedEdges() {
  using A = Action;
  using E = v1::CaseEventType;
  return {
      {"register_by_acceptor",
       {},
       A::kRegister,
       Acceptor,
       S::CASE_STATE_REPORTED,
       S::CASE_STATE_REGISTERED,
       E::CASE_EVENT_TYPE_REGISTERED},
      {"register_by_dispatcher",
       {},
       A::kRegister,
       Dispatcher,
       S::CASE_STATE_REPORTED,
       S::CASE_STATE_REGISTERED,
       E::CASE_EVENT_TYPE_REGISTERED},
      {"register_by_chief",
       {},
       A::kRegister,
       Chief,
       S::CASE_STATE_REPORTED,
       S::CASE_STATE_REGISTERED,
       E::CASE_EVENT_TYPE_REGISTERED},
      {"void",
       {},
       A::kVoid,
       Acceptor,
       S::CASE_STATE_REPORTED,
       S::CASE_STATE_VOIDED,
       E::CASE_EVENT_TYPE_VOIDED},
      {"self_close",
       {},
       A::kSelfClose,
       ReporterGm,
       S::CASE_STATE_REPORTED,
       S::CASE_STATE_CLOSED,
       E::CASE_EVENT_TYPE_SELF_CLOSED},
      {"supervise_reported",
       {},
       A::kSupervise,
       Chief,
       S::CASE_STATE_REPORTED,
       S::CASE_STATE_REPORTED,
       E::CASE_EVENT_TYPE_SUPERVISED},
      {"dispatch", kToRegistered, A::kDispatch, Dispatcher,
       S::CASE_STATE_REGISTERED, S::CASE_STATE_DISPATCHED,
       E::CASE_EVENT_TYPE_DISPATCHED},
      {"dispatch_by_chief", kToRegistered, A::kDispatch, Chief,
       S::CASE_STATE_REGISTERED, S::CASE_STATE_DISPATCHED,
       E::CASE_EVENT_TYPE_DISPATCHED},
      {"suspend_registered", kToRegistered, A::kSuspend, Chief,
       S::CASE_STATE_REGISTERED, S::CASE_STATE_SUSPENDED,
       E::CASE_EVENT_TYPE_SUSPENDED},
      {"close_registered", kToRegistered, A::kClose, Chief,
       S::CASE_STATE_REGISTERED, S::CASE_STATE_CLOSED,
       E::CASE_EVENT_TYPE_CLOSED},
      {"supervise_registered", kToRegistered, A::kSupervise, Chief,
       S::CASE_STATE_REGISTERED, S::CASE_STATE_REGISTERED,
       E::CASE_EVENT_TYPE_SUPERVISED},
      {"acknowledge", kToDispatched, A::kAcknowledge, Staff,
       S::CASE_STATE_DISPATCHED, S::CASE_STATE_IN_PROGRESS,
       E::CASE_EVENT_TYPE_ACKNOWLEDGED},
      {"return_dispatched", kToDispatched, A::kReturn, Staff,
       S::CASE_STATE_DISPATCHED, S::CASE_STATE_REGISTERED,
       E::CASE_EVENT_TYPE_RETURNED},
      {"extension_dispatched", kToDispatched, A::kRequestExtension, Staff,
       S::CASE_STATE_DISPATCHED, S::CASE_STATE_DISPATCHED,
       E::CASE_EVENT_TYPE_EXTENSION_REQUESTED},
      {"approve_dispatched", Plus(kToDispatched, A::kRequestExtension),
       A::kDecideExtension, Chief, S::CASE_STATE_DISPATCHED,
       S::CASE_STATE_DISPATCHED, E::CASE_EVENT_TYPE_EXTENSION_APPROVED},
      {"suspend_dispatched", kToDispatched, A::kSuspend, Chief,
       S::CASE_STATE_DISPATCHED, S::CASE_STATE_SUSPENDED,
       E::CASE_EVENT_TYPE_SUSPENDED},
      {"close_dispatched", kToDispatched, A::kClose, Chief,
       S::CASE_STATE_DISPATCHED, S::CASE_STATE_CLOSED,
       E::CASE_EVENT_TYPE_CLOSED},
      {"supervise_dispatched", kToDispatched, A::kSupervise, Chief,
       S::CASE_STATE_DISPATCHED, S::CASE_STATE_DISPATCHED,
       E::CASE_EVENT_TYPE_SUPERVISED},
      {"submit", kToInProgress, A::kSubmitHandling, Staff,
       S::CASE_STATE_IN_PROGRESS, S::CASE_STATE_HANDLED,
       E::CASE_EVENT_TYPE_HANDLED},
      {"return_in_progress", kToInProgress, A::kReturn, Staff,
       S::CASE_STATE_IN_PROGRESS, S::CASE_STATE_REGISTERED,
       E::CASE_EVENT_TYPE_RETURNED},
      {"extension_in_progress", kToInProgress, A::kRequestExtension, Staff,
       S::CASE_STATE_IN_PROGRESS, S::CASE_STATE_IN_PROGRESS,
       E::CASE_EVENT_TYPE_EXTENSION_REQUESTED},
      {"approve_in_progress", Plus(kToInProgress, A::kRequestExtension),
       A::kDecideExtension, Chief, S::CASE_STATE_IN_PROGRESS,
       S::CASE_STATE_IN_PROGRESS, E::CASE_EVENT_TYPE_EXTENSION_APPROVED},
      {"suspend_in_progress", kToInProgress, A::kSuspend, Chief,
       S::CASE_STATE_IN_PROGRESS, S::CASE_STATE_SUSPENDED,
       E::CASE_EVENT_TYPE_SUSPENDED},
      {"close_in_progress", kToInProgress, A::kClose, Chief,
       S::CASE_STATE_IN_PROGRESS, S::CASE_STATE_CLOSED,
       E::CASE_EVENT_TYPE_CLOSED},
      {"supervise_in_progress", kToInProgress, A::kSupervise, Chief,
       S::CASE_STATE_IN_PROGRESS, S::CASE_STATE_IN_PROGRESS,
       E::CASE_EVENT_TYPE_SUPERVISED},
      {"verify_pass", kToHandled, A::kVerifyPass, Inspector,
       S::CASE_STATE_HANDLED, S::CASE_STATE_CLOSED,
       E::CASE_EVENT_TYPE_VERIFIED},
      {"verify_pass_by_chief", kToHandled, A::kVerifyPass, Chief,
       S::CASE_STATE_HANDLED, S::CASE_STATE_CLOSED,
       E::CASE_EVENT_TYPE_VERIFIED},
      {"verify_fail", kToHandled, A::kVerifyFail, Inspector,
       S::CASE_STATE_HANDLED, S::CASE_STATE_DISPATCHED,
       E::CASE_EVENT_TYPE_REWORKED},
      {"close_handled", kToHandled, A::kClose, Chief, S::CASE_STATE_HANDLED,
       S::CASE_STATE_CLOSED, E::CASE_EVENT_TYPE_CLOSED},
      {"supervise_handled", kToHandled, A::kSupervise, Chief,
       S::CASE_STATE_HANDLED, S::CASE_STATE_HANDLED,
       E::CASE_EVENT_TYPE_SUPERVISED},
      {"resume_to_in_progress", Plus(kToInProgress, A::kSuspend), A::kResume,
       Chief, S::CASE_STATE_SUSPENDED, S::CASE_STATE_IN_PROGRESS,
       E::CASE_EVENT_TYPE_RESUMED},
      {"resume_to_registered", Plus(kToRegistered, A::kSuspend), A::kResume,
       Chief, S::CASE_STATE_SUSPENDED, S::CASE_STATE_REGISTERED,
       E::CASE_EVENT_TYPE_RESUMED},
      {"close_suspended", Plus(kToDispatched, A::kSuspend), A::kClose, Chief,
       S::CASE_STATE_SUSPENDED, S::CASE_STATE_CLOSED,
       E::CASE_EVENT_TYPE_CLOSED},
      {"supervise_suspended", Plus(kToDispatched, A::kSuspend), A::kSupervise,
       Chief, S::CASE_STATE_SUSPENDED, S::CASE_STATE_SUSPENDED,
       E::CASE_EVENT_TYPE_SUPERVISED},
      {"reopen_to_dispatched", kToClosed, A::kReopen, Chief,
       S::CASE_STATE_CLOSED, S::CASE_STATE_DISPATCHED,
       E::CASE_EVENT_TYPE_REOPENED},
      {"reopen_to_registered",
       {A::kSelfClose},
       A::kReopen,
       Chief,
       S::CASE_STATE_CLOSED,
       S::CASE_STATE_REGISTERED,
       E::CASE_EVENT_TYPE_REOPENED},
  };
}

class AllowedEdgeTest : public TransitionsTest,
                        public ::testing::WithParamInterface<Edge> {};

TEST_P(AllowedEdgeTest, MovesStateAndRecordsEvent) {
  const Edge& edge = GetParam();
  Drive(edge.path);
  v1::Case before = Current();
  ASSERT_EQ(before.state(), edge.from);
  size_t events_before = store_.Timeline(kCaseId)->size();
  TransitionRequest req;
  if (edge.action == Action::kRequestExtension) {
    req.input.extra = Limit(2, v1::TIME_UNIT_WORKING_HOURS);
  }
  req.input.approve = true;
  absl::StatusOr<Committed> done = Run(edge.action, edge.actor(), req);
  ASSERT_THAT(done.status(), IsOk());
  EXPECT_EQ(done->c.state(), edge.to);
  EXPECT_EQ(Current().state(), edge.to);
  EXPECT_EQ(Current().version(), before.version() + 1);
  EXPECT_EQ(done->event.type(), edge.event);
  EXPECT_EQ(done->event.from_state(), edge.from);
  EXPECT_EQ(done->event.to_state(), edge.to);
  EXPECT_EQ(done->event.case_version(), before.version() + 1);
  EXPECT_EQ(done->event.actor().subject(), edge.actor().subject());
  EXPECT_EQ(done->event.note(), "说明");
  EXPECT_EQ(done->event.dimensions().reporter_id(), kReporter);
  EXPECT_EQ(store_.Timeline(kCaseId)->size(), events_before + 1);
  if (edge.to == S::CASE_STATE_CLOSED) {
    EXPECT_NE(done->c.closure_type(), v1::CLOSURE_TYPE_UNSPECIFIED);
    EXPECT_TRUE(done->c.has_closed_at());
    EXPECT_EQ(done->c.light(), v1::TRAFFIC_LIGHT_UNSPECIFIED);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryEdge, AllowedEdgeTest,
                         ::testing::ValuesIn(AllowedEdges()),
                         [](const ::testing::TestParamInfo<Edge>& info) {
                           return info.param.name;
                         });

struct Forbidden {
  std::string name;
  std::vector<Action> path;
  Action action;
  v1::Actor actor;
  absl::StatusCode code;
  std::string message;  // substring
};

std::vector<Forbidden> ForbiddenEdges() {
  using A = Action;
  v1::Actor other_staff = Make("staff-9", v1::ROLE_DEPARTMENT_STAFF);
  other_staff.set_department_id("works");
  v1::Actor other_inspector = Make("insp-9", v1::ROLE_GRID_MANAGER);
  other_inspector.set_grid_codes(0, "330483101002008");
  v1::Actor citizen = Make("c-1", v1::ROLE_CITIZEN);
  return {
      {"citizen_registers",
       {},
       A::kRegister,
       citizen,
       absl::StatusCode::kPermissionDenied,
       "RegisterCase"},
      {"staff_registers",
       {},
       A::kRegister,
       Staff(),
       absl::StatusCode::kPermissionDenied,
       "RegisterCase"},
      {"acknowledge_reported",
       {},
       A::kAcknowledge,
       Staff(),
       absl::StatusCode::kPermissionDenied,
       "department"},
      {"other_department_acknowledges", kToDispatched, A::kAcknowledge,
       other_staff, absl::StatusCode::kPermissionDenied, "their department"},
      {"dispatcher_acknowledges", kToDispatched, A::kAcknowledge, Dispatcher(),
       absl::StatusCode::kPermissionDenied, "AcknowledgeCase"},
      {"submit_before_acknowledge", kToDispatched, A::kSubmitHandling, Staff(),
       absl::StatusCode::kFailedPrecondition,
       "is DISPATCHED; SubmitHandling needs IN_PROGRESS"},
      {"verify_in_progress", kToInProgress, A::kVerifyPass, Inspector(),
       absl::StatusCode::kFailedPrecondition, "VerifyCase needs HANDLED"},
      {"other_grid_verifies", kToHandled, A::kVerifyPass, other_inspector,
       absl::StatusCode::kPermissionDenied, "only in their own grids"},
      {"staff_verifies_own_work", kToHandled, A::kVerifyPass, Staff(),
       absl::StatusCode::kPermissionDenied, "VerifyCase"},
      {"staff_approves_extension", Plus(kToInProgress, A::kRequestExtension),
       A::kDecideExtension, Staff(), absl::StatusCode::kPermissionDenied,
       "DecideExtension"},
      {"decide_without_request", kToInProgress, A::kDecideExtension, Chief(),
       absl::StatusCode::kFailedPrecondition, "no extension request pending"},
      {"second_extension_request", Plus(kToInProgress, A::kRequestExtension),
       A::kRequestExtension, Staff(), absl::StatusCode::kFailedPrecondition,
       "already has an extension request pending"},
      {"resume_not_suspended", kToInProgress, A::kResume, Chief(),
       absl::StatusCode::kFailedPrecondition, "ResumeCase needs SUSPENDED"},
      {"suspend_handled", kToHandled, A::kSuspend, Chief(),
       absl::StatusCode::kFailedPrecondition, "SuspendCase needs"},
      {"inspector_self_closes_others_report",
       {},
       A::kSelfClose,
       Inspector(),
       absl::StatusCode::kPermissionDenied,
       "only the grid manager who reported"},
      {"void_registered", kToRegistered, A::kVoid, Acceptor(),
       absl::StatusCode::kFailedPrecondition, "VoidCase needs REPORTED"},
      {"reopen_open_case", kToInProgress, A::kReopen, Chief(),
       absl::StatusCode::kFailedPrecondition, "ReopenCase needs CLOSED"},
      {"dispatcher_reopens", kToClosed, A::kReopen, Dispatcher(),
       absl::StatusCode::kPermissionDenied, "ReopenCase"},
      {"close_reported",
       {},
       A::kClose,
       Chief(),
       absl::StatusCode::kFailedPrecondition,
       "CloseCase needs"},
      {"supervise_closed", kToClosed, A::kSupervise, Chief(),
       absl::StatusCode::kFailedPrecondition, "SuperviseCase needs"},
  };
}

class ForbiddenEdgeTest : public TransitionsTest,
                          public ::testing::WithParamInterface<Forbidden> {};

TEST_P(ForbiddenEdgeTest, RefusedAndNothingChanges) {
  const Forbidden& f = GetParam();
  Drive(f.path);
  v1::Case before = Current();
  TransitionRequest req;
  req.input.extra = Limit(1, v1::TIME_UNIT_WORKING_HOURS);
  EXPECT_THAT(Run(f.action, f.actor, req).status(),
              StatusIs(f.code, HasSubstr(f.message)));
  EXPECT_EQ(Current().version(), before.version());
  EXPECT_EQ(Current().state(), before.state());
}

INSTANTIATE_TEST_SUITE_P(Forbidden, ForbiddenEdgeTest,
                         ::testing::ValuesIn(ForbiddenEdges()),
                         [](const ::testing::TestParamInfo<Forbidden>& info) {
                           return info.param.name;
                         });

TEST_F(TransitionsTest, DispatchByRuleSetsDepartmentAndHandleDeadline) {
  Drive(kToRegistered);
  absl::StatusOr<Committed> done = Run(Action::kDispatch, Dispatcher());
  ASSERT_THAT(done.status(), IsOk());
  EXPECT_EQ(done->c.department_id(), "sanitation");
  EXPECT_EQ(done->event.data().at("rule_id"), "rule-1");
  const v1::StageDeadline* handle = cases::CurrentDeadline(done->c);
  ASSERT_NE(handle, nullptr);
  EXPECT_EQ(handle->stage(), v1::STAGE_HANDLE);
  // 1 working day from Monday 09:00 = Tuesday 09:00.
  EXPECT_EQ(FromTimestamp(handle->effective_deadline()), At(2026, 6, 30, 9, 0));
  EXPECT_EQ(FromTimestamp(done->c.expected_at()), At(2026, 6, 30, 9, 0));
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Contains("q:dept:sanitation"));
}

TEST_F(TransitionsTest, DispatchWithoutRuleStaysInReview) {
  Drive(kToRegistered);
  registry_client::FakeRegistryClient bare;
  Transitions t(&store_, &bare, &clock_, nullptr, {});
  v1::Category cat;
  cat.set_code("E0101");
  cat.set_enabled(true);
  bare.AddCategory(cat);
  TransitionRequest req;
  req.case_id = kCaseId;
  EXPECT_THAT(t.Run(Action::kDispatch, Dispatcher(), req).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no responsibility rule for category E0101")));
  EXPECT_EQ(Current().state(), S::CASE_STATE_REGISTERED);
  EXPECT_THAT(store_.Get(kCaseId)->review_reason,
              HasSubstr("no responsibility rule"));
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Contains("q:review"));
}

TEST_F(TransitionsTest, DispatchToUnknownOrInactiveDepartment) {
  Drive(kToRegistered);
  TransitionRequest req;
  req.department_id = "nope";
  EXPECT_THAT(Run(Action::kDispatch, Dispatcher(), req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("department_id: unknown department")));
  req.department_id = "old";
  EXPECT_THAT(
      Run(Action::kDispatch, Dispatcher(), req).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is inactive")));
}

TEST_F(TransitionsTest, RegisterCorrectsCategory) {
  TransitionRequest req;
  req.category_code = "E0102";
  absl::StatusOr<Committed> done = Run(Action::kRegister, Acceptor(), req);
  ASSERT_THAT(done.status(), IsOk());
  EXPECT_EQ(done->c.category_code(), "E0102");
  EXPECT_EQ(done->event.data().at("category_code_before"), "E0101");
  req.category_code = "Z9999";
  store_.Put(Reported("330483-20260629-000033"));
  req.case_id = "330483-20260629-000033";
  EXPECT_THAT(
      transitions_.Run(Action::kRegister, Acceptor(), req).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("category_code")));
}

TEST_F(TransitionsTest, ReworkStartsNewHandleAttempt) {
  Drive(kToHandled);
  absl::StatusOr<Committed> done = Run(Action::kVerifyFail, Inspector());
  ASSERT_THAT(done.status(), IsOk());
  EXPECT_EQ(done->c.rework_count(), 1);
  const v1::StageDeadline* d = cases::CurrentDeadline(done->c);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->stage(), v1::STAGE_HANDLE);
  EXPECT_EQ(d->attempt(), 2);
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Contains("q:dept:sanitation"));
}

TEST_F(TransitionsTest, ReturnClearsDepartmentAndStartsDispatchAttempt) {
  Drive(kToInProgress);
  absl::StatusOr<Committed> done = Run(Action::kReturn, Staff());
  ASSERT_THAT(done.status(), IsOk());
  EXPECT_EQ(done->c.return_count(), 1);
  EXPECT_EQ(done->c.department_id(), "");
  EXPECT_EQ(done->event.data().at("department_id"), "sanitation");
  EXPECT_EQ(cases::CurrentDeadline(done->c)->stage(), v1::STAGE_DISPATCH);
  EXPECT_EQ(cases::CurrentDeadline(done->c)->attempt(), 2);
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Contains("q:review"));
  EXPECT_THAT(store_.Get(kCaseId)->review_reason,
              HasSubstr("returned by sanitation"));
  // Re-dispatch by hand to another department.
  TransitionRequest req;
  req.department_id = "works";
  ASSERT_THAT(Run(Action::kDispatch, Dispatcher(), req).status(), IsOk());
  EXPECT_EQ(Current().department_id(), "works");
}

// status_note is public in CLOSED (docs/security.md): a closure without a
// note must not leave an earlier internal reason (a return, a reopen) there.
TEST_F(TransitionsTest, ClosingWithoutANoteLeavesNoEarlierReasonBehind) {
  Drive(kToInProgress);
  TransitionRequest returned;
  returned.input.note = "不属于本部门, 回退";
  ASSERT_THAT(Run(Action::kReturn, Staff(), returned).status(), IsOk());
  EXPECT_EQ(Current().status_note(), "不属于本部门, 回退");
  TransitionRequest again;
  again.department_id = "sanitation";
  ASSERT_THAT(Run(Action::kDispatch, Dispatcher(), again).status(), IsOk());
  Drive({Action::kAcknowledge, Action::kSubmitHandling});
  TransitionRequest silent;  // no note: straight to Transitions, not Run()
  silent.case_id = kCaseId;
  ASSERT_THAT(
      transitions_.Run(Action::kVerifyPass, Inspector(), silent).status(),
      IsOk());
  EXPECT_EQ(Current().state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(Current().status_note(), "");
}

TEST_F(TransitionsTest, ExtensionApprovedMovesEffectiveDeadlineOnly) {
  Drive(kToInProgress);
  v1::StageDeadline d0 = *cases::CurrentDeadline(Current());
  TransitionRequest req;
  req.input.extra = Limit(2, v1::TIME_UNIT_WORKING_DAYS);
  ASSERT_THAT(Run(Action::kRequestExtension, Staff(), req).status(), IsOk());
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Contains("q:approvals"));
  TransitionRequest decide;
  decide.input.approve = true;
  absl::StatusOr<Committed> done =
      Run(Action::kDecideExtension, Chief(), decide);
  ASSERT_THAT(done.status(), IsOk());
  const v1::StageDeadline* d = cases::CurrentDeadline(done->c);
  EXPECT_EQ(FromTimestamp(d->original_deadline()),
            FromTimestamp(d0.original_deadline()));
  // Tuesday 09:00 + 2 working days = Thursday 09:00.
  EXPECT_EQ(FromTimestamp(d->effective_deadline()), At(2026, 7, 2, 9, 0));
  EXPECT_EQ(d->extension_count(), 1);
  EXPECT_EQ(done->c.extension_count(), 1);
  EXPECT_FALSE(done->c.has_pending_extension());
  EXPECT_EQ(done->event.data().at("new_deadline"), "2026-07-02T01:00:00+00:00");
  EXPECT_FALSE(store_.QueuesOfCase(kCaseId).count("q:approvals"));
}

TEST_F(TransitionsTest, ExtensionDeniedKeepsDeadline) {
  Drive(Plus(kToInProgress, Action::kRequestExtension));
  v1::StageDeadline d0 = *cases::CurrentDeadline(Current());
  TransitionRequest decide;
  decide.input.approve = false;
  absl::StatusOr<Committed> done =
      Run(Action::kDecideExtension, Chief(), decide);
  ASSERT_THAT(done.status(), IsOk());
  EXPECT_EQ(done->event.type(), v1::CASE_EVENT_TYPE_EXTENSION_DENIED);
  EXPECT_EQ(
      FromTimestamp(cases::CurrentDeadline(done->c)->effective_deadline()),
      FromTimestamp(d0.effective_deadline()));
}

TEST_F(TransitionsTest, SuspensionMovesDeadlineBySuspendedWorkingTime) {
  Drive(kToInProgress);  // HANDLE due Tuesday 09:00
  ASSERT_THAT(Run(Action::kSuspend, Chief()).status(), IsOk());
  EXPECT_EQ(store_.QueuesOfCase(kCaseId),
            (std::set<std::string>{"q:sup", "q:sup:sanitation"}));
  // Suspended 09:00 → 15:00: 4 h in the morning + 1 h after lunch = 5
  // working hours.
  clock_.Advance(absl::Hours(6));
  absl::StatusOr<Committed> done = Run(Action::kResume, Chief());
  ASSERT_THAT(done.status(), IsOk());
  EXPECT_EQ(done->c.state(), S::CASE_STATE_IN_PROGRESS);
  const v1::StageDeadline* d = cases::CurrentDeadline(done->c);
  EXPECT_EQ(FromTimestamp(d->effective_deadline()), At(2026, 6, 30, 15, 0));
  EXPECT_EQ(FromTimestamp(d->original_deadline()), At(2026, 6, 30, 9, 0));
  EXPECT_EQ(d->paused().seconds(), 6 * 3600);
  EXPECT_EQ(done->event.data().at("paused_seconds"), "21600");
}

TEST_F(TransitionsTest, FridayAfternoonBeforeSpringFestival) {
  // 2026: holidays Feb 15-23; make-up working days Sat Feb 14 and Sat Feb 28.
  v1::WorkingCalendar cal = calendar::DefaultCalendarProto();
  v1::CalendarYear* y = cal.add_years();
  y->set_year(2026);
  for (int d = 15; d <= 23; ++d) {
    y->add_holidays(absl::StrCat("2026-02-", d));
  }
  y->add_makeup_workdays("2026-02-14");
  y->add_makeup_workdays("2026-02-28");
  registry_.SetCalendar(cal);
  clock_.Set(At(2026, 2, 13, 15, 0));  // Friday 15:00
  store_.Put(Reported("330483-20260213-000001"));
  TransitionRequest req;
  req.case_id = "330483-20260213-000001";
  ASSERT_THAT(transitions_.Run(Action::kRegister, Acceptor(), req).status(),
              IsOk());
  absl::StatusOr<Committed> done =
      transitions_.Run(Action::kDispatch, Dispatcher(), req);
  ASSERT_THAT(done.status(), IsOk());
  // 1 working day = 480 working minutes: Friday 15:00-18:00 (180), then the
  // make-up Saturday 08:00-12:00 (240) and 14:00-15:00 (60).
  const v1::StageDeadline* d = cases::CurrentDeadline(done->c);
  EXPECT_EQ(FromTimestamp(d->effective_deadline()), At(2026, 2, 14, 15, 0));
  // A 2-working-day extension from Saturday 15:00 skips the holiday week:
  // Saturday 15:00-18:00 (180), Tuesday Feb 24 08:00-12:00 (240), 14:00-18:00
  // (240), Wednesday Feb 25 08:00-13:20 … = 960 minutes by Wed 13:00? Count:
  // 180 + 480 (Tue) = 660; 300 more on Wed: 08:00-12:00 (240) + 14:00-15:00.
  TransitionRequest ext = req;
  ext.input.extra = Limit(2, v1::TIME_UNIT_WORKING_DAYS);
  ext.input.note = "节前材料不足";
  absl::StatusOr<Committed> asked =
      transitions_.Run(Action::kAcknowledge, Staff(), req);
  ASSERT_THAT(asked.status(), IsOk());
  asked = transitions_.Run(Action::kRequestExtension, Staff(), ext);
  ASSERT_THAT(asked.status(), IsOk());
  EXPECT_EQ(FromTimestamp(asked->c.pending_extension().proposed_deadline()),
            At(2026, 2, 25, 15, 0));
}

TEST_F(TransitionsTest, LateHandlingClosesAsOverdue) {
  Drive(kToInProgress);
  clock_.Advance(absl::Hours(48));  // past Tuesday 09:00
  Drive({Action::kSubmitHandling, Action::kVerifyPass});
  EXPECT_EQ(Current().closure_type(), v1::CLOSURE_TYPE_OVERDUE);
}

TEST_F(TransitionsTest, OnTimeHandlingClosesNormal) {
  Drive(kToClosed);
  EXPECT_EQ(Current().closure_type(), v1::CLOSURE_TYPE_NORMAL);
}

TEST_F(TransitionsTest, ReopenOnlyWithinWindow) {
  Drive(kToClosed);
  clock_.Advance(absl::Hours(8 * 24));
  EXPECT_THAT(Run(Action::kReopen, Chief()).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("may be reopened only within")));
}

TEST_F(TransitionsTest, ScannerEmitsWarningAndOverdueOnce) {
  Drive(kToDispatched);  // HANDLE: Mon 09:00 → Tue 09:00, warn at 80%
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(0));
  clock_.Set(At(2026, 6, 30, 8, 0));  // 7 of 8 working hours used: yellow
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(1));
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(0));
  clock_.Set(At(2026, 6, 30, 9, 30));
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(1));
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(0));
  std::vector<v1::CaseEvent> events = *store_.Timeline(kCaseId);
  int warnings = 0, overdue = 0;
  for (const auto& e : events) {
    warnings += e.type() == v1::CASE_EVENT_TYPE_WARNING;
    overdue += e.type() == v1::CASE_EVENT_TYPE_OVERDUE;
  }
  EXPECT_EQ(warnings, 1);
  EXPECT_EQ(overdue, 1);
  EXPECT_EQ(Current().light(), v1::TRAFFIC_LIGHT_RED);
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Contains("q:sup"));
  // An approved extension turns it green again but never re-emits.
  TransitionRequest req;
  req.input.extra = Limit(3, v1::TIME_UNIT_WORKING_DAYS);
  ASSERT_THAT(Run(Action::kRequestExtension, Staff(), req).status(), IsOk());
  req.input.approve = true;
  ASSERT_THAT(Run(Action::kDecideExtension, Chief(), req).status(), IsOk());
  EXPECT_EQ(Current().light(), v1::TRAFFIC_LIGHT_GREEN);
  clock_.Advance(absl::Hours(24 * 10));
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(0));
}

TEST_F(TransitionsTest, ScannerSkipsSuspendedCases) {
  Drive(Plus(kToDispatched, Action::kSuspend));
  clock_.Advance(absl::Hours(24 * 5));
  EXPECT_THAT(transitions_.ScanShard(0), ::gridcase::testing::IsOkAndHolds(0));
}

TEST_F(TransitionsTest, RequestIdReplaysAndRejectsReuse) {
  Drive(kToDispatched);
  TransitionRequest req;
  req.request_id = "ack-1";
  req.fingerprint = "f1";
  absl::StatusOr<Committed> first = Run(Action::kAcknowledge, Staff(), req);
  ASSERT_THAT(first.status(), IsOk());
  absl::StatusOr<Committed> again = Run(Action::kAcknowledge, Staff(), req);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->event.id(), first->event.id());
  req.fingerprint = "f2";
  EXPECT_THAT(
      Run(Action::kAcknowledge, Staff(), req).status(),
      StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("request_id")));
}

TEST_F(TransitionsTest, StaleExpectedVersionIsAborted) {
  Drive(kToDispatched);
  TransitionRequest req;
  req.expected_version = 2;
  EXPECT_THAT(Run(Action::kAcknowledge, Staff(), req).status(),
              StatusIs(absl::StatusCode::kAborted,
                       HasSubstr("is at version 3 (DISPATCHED), not 2")));
}

TEST_F(TransitionsTest, SixteenRacersOneWinner) {
  Drive(kToHandled);
  std::atomic<int> ok{0}, precondition{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      TransitionRequest req;
      req.case_id = kCaseId;
      req.input.note = "核查";
      absl::StatusOr<Committed> r = transitions_.Run(
          i % 2 == 0 ? Action::kVerifyPass : Action::kVerifyFail, Inspector(),
          req);
      if (r.ok()) {
        ++ok;
      } else if (r.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++precondition;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(precondition, 15);
  EXPECT_EQ(other, 0);
}

}  // namespace
}  // namespace gridcase::dispatch
