#include "services/dispatch/state_machine.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/policy.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::dispatch {
namespace {

using ::gridcase::testing::IsOkAndHolds;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kGrid[] = "330483101002002";

// A case in `state` that the actor made by Actor() may act on.
v1::Case CaseIn(v1::CaseState state) {
  v1::Case c;
  c.set_id("330483-20260630-000023");
  c.set_state(state);
  c.set_grid_code(kGrid);
  c.set_department_id("sanitation");
  c.mutable_reporter()->set_id("m-7");
  c.set_suspended_from(v1::CASE_STATE_IN_PROGRESS);
  return c;
}

v1::Actor Actor(v1::Role role) {
  v1::Actor a;
  a.set_subject("m-7");
  a.add_roles(role);
  a.add_grid_codes(kGrid);
  a.set_department_id("sanitation");
  return a;
}

const v1::CaseState kAllStates[] = {
    v1::CASE_STATE_REPORTED,   v1::CASE_STATE_REGISTERED,
    v1::CASE_STATE_DISPATCHED, v1::CASE_STATE_IN_PROGRESS,
    v1::CASE_STATE_HANDLED,    v1::CASE_STATE_CLOSED,
    v1::CASE_STATE_VOIDED,     v1::CASE_STATE_SUSPENDED,
    v1::CASE_STATE_MERGED,     v1::CASE_STATE_CHECKING};

TEST(StateMachine, EveryAllowedEdgeAndRoleIsAccepted) {
  int edges = 0;
  for (const Rule& rule : Rules()) {
    for (v1::CaseState from : rule.from) {
      for (v1::Role role : auth::AllowedRoles(MethodOf(rule))) {
        SCOPED_TRACE(absl::StrCat(rule.rpc, " from ", v1::CaseState_Name(from),
                                  " as ", v1::Role_Name(role)));
        v1::Case c = CaseIn(from);
        EXPECT_THAT(Authorize(rule.action, c, Actor(role)),
                    IsOkAndHolds(Target(rule, c)));
        ++edges;
      }
    }
  }
  // 4+3+3+1+1+2+2+2+2+2+3+1+14+1+1+5+3+1+3+2+21+3 (state, role) pairs,
  // counted by hand from the table in docs/api.md.
  EXPECT_EQ(edges, 80);
}

TEST(StateMachine, TargetsOfTheStateDependentTransitions) {
  v1::Case suspended = CaseIn(v1::CASE_STATE_SUSPENDED);
  EXPECT_EQ(Target(RuleFor(Action::kResume), suspended),
            v1::CASE_STATE_IN_PROGRESS);
  v1::Case closed = CaseIn(v1::CASE_STATE_CLOSED);
  EXPECT_EQ(Target(RuleFor(Action::kReopen), closed),
            v1::CASE_STATE_DISPATCHED);
  closed.clear_department_id();  // e.g. self-handled
  EXPECT_EQ(Target(RuleFor(Action::kReopen), closed),
            v1::CASE_STATE_REGISTERED);
  v1::Case working = CaseIn(v1::CASE_STATE_IN_PROGRESS);
  EXPECT_EQ(Target(RuleFor(Action::kRequestExtension), working),
            v1::CASE_STATE_IN_PROGRESS);
  EXPECT_EQ(
      Target(RuleFor(Action::kVerifyFail), CaseIn(v1::CASE_STATE_HANDLED)),
      v1::CASE_STATE_DISPATCHED);
  EXPECT_EQ(Target(RuleFor(Action::kMerge), CaseIn(v1::CASE_STATE_HANDLED)),
            v1::CASE_STATE_MERGED);
  EXPECT_EQ(Target(RuleFor(Action::kUnmerge), CaseIn(v1::CASE_STATE_MERGED)),
            v1::CASE_STATE_REGISTERED);
}

TEST(StateMachine, EveryOtherStateIsFailedPreconditionNamingIt) {
  for (const Rule& rule : Rules()) {
    std::set<v1::CaseState> allowed(rule.from.begin(), rule.from.end());
    for (v1::CaseState state : kAllStates) {
      if (allowed.count(state)) continue;
      SCOPED_TRACE(absl::StrCat(rule.rpc, " from ", v1::CaseState_Name(state)));
      EXPECT_THAT(Authorize(rule.action, CaseIn(state),
                            Actor(auth::AllowedRoles(MethodOf(rule)).front())),
                  StatusIs(absl::StatusCode::kFailedPrecondition,
                           HasSubstr(absl::StrCat("; ", rule.rpc, " needs "))));
    }
  }
  EXPECT_THAT(Authorize(Action::kVerifyPass, CaseIn(v1::CASE_STATE_IN_PROGRESS),
                        Actor(v1::ROLE_GRID_MANAGER)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "case 330483-20260630-000023 is IN_PROGRESS; "
                       "VerifyCase needs HANDLED"));
}

TEST(StateMachine, RolesOutsideTheRuleArePermissionDenied) {
  const v1::Role kRoles[] = {v1::ROLE_GRID_MANAGER,     v1::ROLE_ACCEPTOR,
                             v1::ROLE_DISPATCHER,       v1::ROLE_DUTY_CHIEF,
                             v1::ROLE_DEPARTMENT_STAFF, v1::ROLE_ADMIN,
                             v1::ROLE_CITIZEN,          v1::ROLE_SYSTEM};
  int denied = 0;
  for (const Rule& rule : Rules()) {
    std::vector<v1::Role> roles = auth::AllowedRoles(MethodOf(rule));
    std::set<v1::Role> allowed(roles.begin(), roles.end());
    for (v1::Role role : kRoles) {
      if (allowed.count(role)) continue;
      SCOPED_TRACE(absl::StrCat(rule.rpc, " as ", v1::Role_Name(role)));
      EXPECT_THAT(
          Authorize(rule.action, CaseIn(rule.from.front()), Actor(role)),
          StatusIs(absl::StatusCode::kPermissionDenied,
                   HasSubstr(absl::StrCat(rule.rpc, " needs role"))));
      ++denied;
    }
  }
  EXPECT_GT(denied, 80);
}

TEST(StateMachine, DepartmentsActOnlyOnTheirOwnCases) {
  v1::Actor other = Actor(v1::ROLE_DEPARTMENT_STAFF);
  other.set_department_id("municipal");
  EXPECT_THAT(
      Authorize(Action::kAcknowledge, CaseIn(v1::CASE_STATE_DISPATCHED), other),
      StatusIs(absl::StatusCode::kPermissionDenied,
               HasSubstr("department staff may act only on cases dispatched "
                         "to their department (case 330483-20260630-000023 "
                         "is with 'sanitation'")));
  other.clear_department_id();
  EXPECT_THAT(
      Authorize(Action::kReturn, CaseIn(v1::CASE_STATE_IN_PROGRESS), other),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("department")));
}

TEST(StateMachine, InspectorsVerifyOnlyInTheirGrids) {
  v1::Actor elsewhere = Actor(v1::ROLE_GRID_MANAGER);
  elsewhere.set_grid_codes(0, "330483101002003");
  EXPECT_THAT(
      Authorize(Action::kVerifyPass, CaseIn(v1::CASE_STATE_HANDLED), elsewhere),
      StatusIs(absl::StatusCode::kPermissionDenied,
               HasSubstr("a grid manager verifies and checks only in their "
                         "own grids")));
  v1::Actor chief = Actor(v1::ROLE_DUTY_CHIEF);  // the fallback, any grid
  chief.clear_grid_codes();
  EXPECT_THAT(
      Authorize(Action::kVerifyFail, CaseIn(v1::CASE_STATE_HANDLED), chief),
      IsOkAndHolds(v1::CASE_STATE_DISPATCHED));
}

TEST(StateMachine, OnlyTheReportingGridManagerSelfCloses) {
  v1::Actor colleague = Actor(v1::ROLE_GRID_MANAGER);
  colleague.set_subject("m-8");
  EXPECT_THAT(
      Authorize(Action::kSelfClose, CaseIn(v1::CASE_STATE_REPORTED), colleague),
      StatusIs(absl::StatusCode::kPermissionDenied,
               HasSubstr("only the grid manager who reported the case")));
  v1::Actor reporter_elsewhere = Actor(v1::ROLE_GRID_MANAGER);
  reporter_elsewhere.clear_grid_codes();
  EXPECT_THAT(Authorize(Action::kSelfClose, CaseIn(v1::CASE_STATE_REPORTED),
                        reporter_elsewhere),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
}

TEST(StateMachine, EveryActionHasOneRule) {
  std::set<Action> seen;
  for (const Rule& rule : Rules()) {
    EXPECT_TRUE(seen.insert(rule.action).second) << rule.rpc;
    EXPECT_EQ(&RuleFor(rule.action), &rule);
  }
  EXPECT_EQ(seen.size(), 22u);
}

}  // namespace
}  // namespace gridcase::dispatch
