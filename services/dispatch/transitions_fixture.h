// TransitionsTest: Transitions over FakeCaseStore, FakeRegistryClient and a
// FakeClock, with one case (kCaseId) reported at Monday 2026-06-29 09:00,
// the usual actors, and paths through the workflow. Shared by dispatch's
// transition tests.
#ifndef GRIDCASE_SERVICES_DISPATCH_TRANSITIONS_FIXTURE_H_
#define GRIDCASE_SERVICES_DISPATCH_TRANSITIONS_FIXTURE_H_

#include <string>
#include <vector>

#include "common/calendar/calendar_proto.h"
#include "common/cases/deadlines.h"
#include "common/cases/stage_clock.h"
#include "common/cases/stage_limits.h"
#include "common/clock/fake_clock.h"
#include "common/clock/timestamp.h"
#include "common/registry_client/fake_registry_client.h"
#include "common/status/status_matchers.h"
#include "gtest/gtest.h"
#include "services/dispatch/fake_case_store.h"
#include "services/dispatch/transitions.h"

namespace gridcase::dispatch {

inline constexpr char kGrid[] = "330483101002007";
inline constexpr char kCaseId[] = "330483-20260629-000017";
inline constexpr char kReporter[] = "gm-17";

inline absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  absl::LoadTimeZone("Asia/Shanghai", &tz);
  return tz;
}

inline absl::Time At(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), Shanghai());
}

inline v1::TimeLimit Limit(int64_t amount, v1::TimeUnit unit) {
  v1::TimeLimit l;
  l.set_amount(amount);
  l.set_unit(unit);
  return l;
}

inline v1::Actor Make(const std::string& subject, v1::Role role) {
  v1::Actor a;
  a.set_subject(subject);
  a.add_roles(role);
  if (role == v1::ROLE_DEPARTMENT_STAFF) a.set_department_id("sanitation");
  if (role == v1::ROLE_GRID_MANAGER) a.add_grid_codes(kGrid);
  return a;
}

inline const v1::Actor& Acceptor() {
  static auto* a = new v1::Actor(Make("acc-1", v1::ROLE_ACCEPTOR));
  return *a;
}
inline const v1::Actor& Dispatcher() {
  static auto* a = new v1::Actor(Make("dsp-1", v1::ROLE_DISPATCHER));
  return *a;
}
inline const v1::Actor& Chief() {
  static auto* a = new v1::Actor(Make("chief-1", v1::ROLE_DUTY_CHIEF));
  return *a;
}
inline const v1::Actor& Staff() {
  static auto* a = new v1::Actor(Make("staff-1", v1::ROLE_DEPARTMENT_STAFF));
  return *a;
}
inline const v1::Actor& Inspector() {
  static auto* a = new v1::Actor(Make("insp-1", v1::ROLE_GRID_MANAGER));
  return *a;
}
inline const v1::Actor& ReporterGm() {
  static auto* a = new v1::Actor(Make(kReporter, v1::ROLE_GRID_MANAGER));
  return *a;
}

// The actor who normally takes `action`.
inline const v1::Actor& ActorFor(Action action) {
  switch (action) {
    case Action::kRegister:
    case Action::kVoid:
      return Acceptor();
    case Action::kDispatch:
      return Dispatcher();
    case Action::kAcknowledge:
    case Action::kSubmitHandling:
    case Action::kReturn:
    case Action::kRequestExtension:
      return Staff();
    case Action::kVerifyPass:
    case Action::kVerifyFail:
      return Inspector();
    case Action::kSelfClose:
      return ReporterGm();
    default:
      return Chief();
  }
}

class TransitionsTest : public ::testing::Test {
 protected:
  TransitionsTest()
      : clock_(At(2026, 6, 29, 9, 0)),  // a Monday
        transitions_(&store_, &registry_, &clock_, nullptr, {}) {
    v1::Category cat;
    cat.set_code("E0101");
    cat.set_name("暴露垃圾");
    cat.set_major_code("E01");
    cat.set_enabled(true);
    v1::StageLimit* handle = cat.add_limits();
    handle->set_stage(v1::STAGE_HANDLE);
    *handle->mutable_limit() = Limit(1, v1::TIME_UNIT_WORKING_DAYS);
    registry_.AddCategory(cat);
    v1::Category other = cat;
    other.set_code("E0102");
    other.set_name("积存垃圾渣土");
    registry_.AddCategory(other);
    v1::Department sanitation;
    sanitation.set_id("sanitation");
    sanitation.set_name("环卫所");
    sanitation.set_active(true);
    registry_.AddDepartment(sanitation);
    v1::Department works = sanitation;
    works.set_id("works");
    works.set_name("市政所");
    registry_.AddDepartment(works);
    v1::Department old = sanitation;
    old.set_id("old");
    old.set_active(false);
    registry_.AddDepartment(old);
    v1::ResolveResponsibilityResponse rule;
    *rule.mutable_department() = sanitation;
    rule.mutable_rule()->set_id("rule-1");
    for (const v1::StageLimit& l : cases::EffectiveLimits(cat, nullptr)) {
      *rule.add_limits() = l;
    }
    registry_.AddResponsibility("E0101", "330483101", rule);
    store_.Put(Reported(kCaseId));
  }

  v1::Case Reported(const std::string& id) {
    v1::Case c;
    c.set_id(id);
    c.set_state(v1::CASE_STATE_REPORTED);
    c.set_source(v1::SOURCE_GRID_PATROL);
    c.set_category_code("E0101");
    c.set_category_major_code("E01");
    c.set_grid_code(kGrid);
    c.set_town_code("330483101");
    c.mutable_reporter()->set_id(kReporter);
    *c.mutable_reported_at() = ToTimestamp(clock_.Now());
    calendar::WorkingCalendar cal =
        *calendar::FromProto(calendar::DefaultCalendarProto());
    EXPECT_THAT(cases::StartStage(&c, v1::STAGE_REGISTER,
                                  Limit(30, v1::TIME_UNIT_WORKING_MINUTES),
                                  clock_.Now(), cal, 0.8),
                ::gridcase::testing::IsOk());
    return c;
  }

  absl::StatusOr<Committed> Run(Action action, const v1::Actor& actor,
                                TransitionRequest req = {}) {
    req.case_id = kCaseId;
    if (req.input.note.empty()) req.input.note = "说明";
    return transitions_.Run(action, actor, std::move(req));
  }

  // Runs `path` with the usual actors; every step must succeed.
  void Drive(const std::vector<Action>& path) {
    for (Action a : path) {
      TransitionRequest req;
      if (a == Action::kRequestExtension) {
        req.input.extra = Limit(2, v1::TIME_UNIT_WORKING_HOURS);
      }
      ASSERT_THAT(Run(a, ActorFor(a), req).status(),
                  ::gridcase::testing::IsOk())
          << RuleFor(a).rpc;
    }
  }

  v1::Case Current() { return store_.Get(kCaseId)->c; }

  FakeClock clock_;
  FakeCaseStore store_;
  registry_client::FakeRegistryClient registry_;
  Transitions transitions_;
};

inline const std::vector<Action> kToRegistered = {Action::kRegister};
inline const std::vector<Action> kToDispatched = {Action::kRegister,
                                                  Action::kDispatch};
inline const std::vector<Action> kToInProgress = {
    Action::kRegister, Action::kDispatch, Action::kAcknowledge};
inline const std::vector<Action> kToHandled = {
    Action::kRegister, Action::kDispatch, Action::kAcknowledge,
    Action::kSubmitHandling};
inline const std::vector<Action> kToClosed = {
    Action::kRegister, Action::kDispatch, Action::kAcknowledge,
    Action::kSubmitHandling, Action::kVerifyPass};

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_TRANSITIONS_FIXTURE_H_
