// gridcase-dispatch against real processes: redis-server, gridcase-registry
// (sample grids, the shipped catalogue with test limits of seconds, one
// department rule), gridcase-intake and one or two gridcase-dispatch
// replicas. Time passes by catalogue limits of seconds, never long sleeps.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/clock/timestamp.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "gmock/gmock.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gtest/gtest.h"

namespace gridcase {
namespace {

using ::gridcase::testing::RedisServer;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kAdmin[] = "subject=m-admin; roles=admin";
constexpr char kCitizen[] = "subject=wx-1; roles=citizen";
constexpr char kGrid[] = "330483101002002";
constexpr char kPatrol[] =
    "subject=gm-1; roles=grid_manager; grids=330483101002002";
constexpr char kInspector[] =
    "subject=gm-9; roles=grid_manager; grids=330483101002002";
constexpr char kAcceptor[] = "subject=acc-1; roles=acceptor";
constexpr char kDispatcher[] = "subject=dsp-1; roles=dispatcher";
constexpr char kChief[] = "subject=chief-1; roles=duty_chief";
constexpr char kSanitation[] =
    "subject=s-1; roles=department_staff; department=sanitation";
constexpr char kWorks[] =
    "subject=w-1; roles=department_staff; department=works";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

v1::TimeLimit Seconds(int64_t n) {
  v1::TimeLimit l;
  l.set_amount(n);
  l.set_unit(v1::TIME_UNIT_CALENDAR_SECONDS);
  return l;
}

void WithActor(grpc::ClientContext* c, const std::string& actor) {
  c->AddMetadata("x-gridcase-actor", actor);
  c->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
}

class DispatchProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(registry_,
                         ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                                .redis = redis_->address()}));
    LoadRegistry();
    ASSERT_OK_AND_ASSIGN(
        intake_,
        ServiceProcess::Start({.binary = GRIDCASE_INTAKE_BIN,
                               .redis = redis_->address(),
                               .extra_args = {absl::StrCat(
                                   "--registry=", registry_->target())}}));
    intake_stub_ = v1::IntakeService::NewStub(intake_->NewChannel());
    ASSERT_OK_AND_ASSIGN(dispatch_, StartDispatch("d-1"));
    stub_ = v1::DispatchService::NewStub(dispatch_->NewChannel());
  }

  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartDispatch(
      const std::string& consumer) {
    return ServiceProcess::Start(
        {.binary = GRIDCASE_DISPATCH_BIN,
         .redis = redis_->address(),
         .extra_args = {absl::StrCat("--registry=", registry_->target()),
                        absl::StrCat("--consumer=", consumer),
                        "--scan_interval=200ms", "--claim_idle=1s"}});
  }

  template <typename Req, typename Resp>
  void Registry(grpc::Status (v1::RegistryService::Stub::*rpc)(
                    grpc::ClientContext*, const Req&, Resp*),
                const Req& req) {
    auto stub = v1::RegistryService::NewStub(registry_->NewChannel());
    grpc::ClientContext context;
    WithActor(&context, kAdmin);
    Resp resp;
    grpc::Status s = (stub.get()->*rpc)(&context, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void LoadRegistry() {
    v1::ImportGridsRequest grids;
    grids.set_geojson(ReadFile(std::string(GRIDCASE_SOURCE_DIR) +
                               "/tools/sample-data/tongxiang/grids.geojson"));
    Registry(&v1::RegistryService::Stub::ImportGrids, grids);
    v1::ListCategoriesResponse catalogue;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                    ReadFile(std::string(GRIDCASE_SOURCE_DIR) +
                             "/services/registry/data/catalogue.json"),
                    &catalogue)
                    .ok());
    for (v1::Category c : catalogue.categories()) {
      if (c.code() != "E0101" && c.code() != "E0102") continue;
      // Test limits: an hour for every stage; E0102 must be handled in 2 s.
      c.clear_limits();
      for (v1::Stage s : {v1::STAGE_REGISTER, v1::STAGE_DISPATCH,
                          v1::STAGE_HANDLE, v1::STAGE_VERIFY}) {
        v1::StageLimit* l = c.add_limits();
        l->set_stage(s);
        *l->mutable_limit() =
            Seconds(c.code() == "E0102" && s == v1::STAGE_HANDLE ? 2 : 3600);
      }
      v1::UpsertCategoryRequest req;
      *req.mutable_category() = c;
      Registry(&v1::RegistryService::Stub::UpsertCategory, req);
    }
    for (const char* id : {"sanitation", "works"}) {
      v1::UpsertDepartmentRequest req;
      req.mutable_department()->set_id(id);
      req.mutable_department()->set_name(id);
      req.mutable_department()->set_kind(v1::DEPARTMENT_KIND_DEPARTMENT);
      req.mutable_department()->set_active(true);
      Registry(&v1::RegistryService::Stub::UpsertDepartment, req);
    }
    for (const char* cat : {"E0101", "E0102"}) {
      v1::UpsertRuleRequest req;
      req.mutable_rule()->set_id(absl::StrCat("puyuan-", cat));
      req.mutable_rule()->set_category_code(cat);
      req.mutable_rule()->set_scope_code("330483101");
      req.mutable_rule()->set_department_id("sanitation");
      Registry(&v1::RegistryService::Stub::UpsertRule, req);
    }
  }

  // A new case in Puyuan; `patrol` reports as a grid manager (AUTO routing),
  // otherwise as a citizen on WeChat (MANUAL). `north` keeps reports apart
  // so that they are not merged as duplicates.
  std::string Report(bool patrol, const std::string& category, int north) {
    v1::ReportCaseRequest r;
    r.set_request_id(absl::StrCat("r-", category, "-", north, "-", patrol));
    r.set_source(patrol ? v1::SOURCE_GRID_PATROL : v1::SOURCE_WECHAT);
    r.set_category_code(category);
    r.set_description("绿化带旁暴露垃圾");
    // A lattice of points about 55 m apart inside grid 330483101002002, so
    // that no report is merged into another as a duplicate (radius 50 m).
    r.mutable_location()->set_latitude(30.6843 + (north % 6) * 0.0005);
    r.mutable_location()->set_longitude(120.6283 + (north / 6) * 0.0006);
    grpc::ClientContext context;
    WithActor(&context, patrol ? kPatrol : kCitizen);
    v1::ReportCaseResponse resp;
    grpc::Status s = intake_stub_->ReportCase(&context, r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.case_().id();
  }

  absl::StatusOr<std::vector<v1::CaseEvent>> Timeline(const std::string& id) {
    grpc::ClientContext context;
    WithActor(&context, kChief);
    v1::GetTimelineRequest req;
    req.set_case_id(id);
    v1::GetTimelineResponse resp;
    RETURN_IF_ERROR(FromGrpcStatus(stub_->GetTimeline(&context, req, &resp)));
    return std::vector<v1::CaseEvent>(resp.events().begin(),
                                      resp.events().end());
  }

  int Count(const std::vector<v1::CaseEvent>& events, v1::CaseEventType t) {
    int n = 0;
    for (const auto& e : events) n += e.type() == t;
    return n;
  }

  // Polls the timeline until `pred` holds (at most 15 s).
  std::vector<v1::CaseEvent> WaitFor(
      const std::string& id,
      const std::function<bool(const std::vector<v1::CaseEvent>&)>& pred) {
    absl::Time until = absl::Now() + absl::Seconds(15);
    std::vector<v1::CaseEvent> events;
    while (absl::Now() < until) {
      absl::StatusOr<std::vector<v1::CaseEvent>> t = Timeline(id);
      if (t.ok()) {
        events = *t;
        if (pred(events)) return events;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "timed out waiting on case " << id;
    return events;
  }

  v1::CaseState StateOf(const std::string& id) {
    absl::StatusOr<std::vector<v1::CaseEvent>> t = Timeline(id);
    return t.ok() && !t->empty() ? t->back().to_state()
                                 : v1::CASE_STATE_UNSPECIFIED;
  }

  v1::Case GetCase(const std::string& id) {
    grpc::ClientContext context;
    WithActor(&context, kChief);
    v1::GetCaseRequest req;
    req.set_case_id(id);
    v1::GetCaseResponse resp;
    EXPECT_TRUE(intake_stub_->GetCase(&context, req, &resp).ok());
    return resp.case_();
  }

#define GRIDCASE_CALL(Name)                                             \
  absl::StatusOr<v1::Name##Response> Name(const std::string& actor,     \
                                          v1::Name##Request req) {      \
    grpc::ClientContext context;                                        \
    WithActor(&context, actor);                                         \
    v1::Name##Response resp;                                            \
    RETURN_IF_ERROR(FromGrpcStatus(stub_->Name(&context, req, &resp))); \
    return resp;                                                        \
  }
  GRIDCASE_CALL(RegisterCase)
  GRIDCASE_CALL(DispatchCase)
  GRIDCASE_CALL(AcknowledgeCase)
  GRIDCASE_CALL(SubmitHandling)
  GRIDCASE_CALL(VerifyCase)
  GRIDCASE_CALL(ReturnCase)
  GRIDCASE_CALL(RequestExtension)
  GRIDCASE_CALL(DecideExtension)
  GRIDCASE_CALL(SuspendCase)
  GRIDCASE_CALL(ResumeCase)
  GRIDCASE_CALL(ListQueue)
#undef GRIDCASE_CALL

  template <typename Req>
  Req For(const std::string& id) {
    Req r;
    r.set_case_id(id);
    return r;
  }

  v1::SubmitHandlingRequest Handled(const std::string& id) {
    auto r = For<v1::SubmitHandlingRequest>(id);
    r.set_note("已清运");
    v1::Media* m = r.add_attachments();
    m->set_kind(v1::MEDIA_KIND_PHOTO);
    m->set_uri("https://oss.example.cn/after.jpg");
    return r;
  }

  v1::VerifyCaseRequest Verify(const std::string& id, bool passed) {
    auto r = For<v1::VerifyCaseRequest>(id);
    r.set_passed(passed);
    r.set_note(passed ? "核查通过" : "仍有垃圾");
    return r;
  }

  bool InQueue(const std::string& actor, v1::Queue q, const std::string& owner,
               const std::string& id, std::string* reason = nullptr) {
    v1::ListQueueRequest req;
    req.set_queue(q);
    req.set_owner_id(owner);
    req.set_page_size(500);
    absl::StatusOr<v1::ListQueueResponse> r = ListQueue(actor, req);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return false;
    for (const v1::QueueItem& item : r->items()) {
      if (item.case_().id() == id) {
        if (reason != nullptr) *reason = item.reason();
        return true;
      }
    }
    return false;
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<ServiceProcess> intake_;
  std::unique_ptr<ServiceProcess> dispatch_;
  std::unique_ptr<v1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<v1::DispatchService::Stub> stub_;
};

auto Has(v1::CaseEventType t) {
  return [t](const std::vector<v1::CaseEvent>& events) {
    for (const auto& e : events) {
      if (e.type() == t) return true;
    }
    return false;
  };
}

TEST_F(DispatchProcessTest, FullLifecycleFromPatrolReportToClosure) {
  std::string id = Report(/*patrol=*/true, "E0101", 0);
  std::vector<v1::CaseEvent> t =
      WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  ASSERT_GE(t.size(), 3u);
  EXPECT_EQ(t[1].type(), v1::CASE_EVENT_TYPE_REGISTERED);
  EXPECT_EQ(t[1].data().at("routing"), "auto");
  EXPECT_EQ(t[2].data().at("department_id"), "sanitation");
  EXPECT_EQ(t[2].data().at("rule_id"), "puyuan-E0101");
  EXPECT_TRUE(InQueue(kSanitation, v1::QUEUE_DEPARTMENT, "sanitation", id));

  ASSERT_OK(AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(id))
                .status());
  ASSERT_OK(SubmitHandling(kSanitation, Handled(id)).status());
  EXPECT_TRUE(InQueue(kInspector, v1::QUEUE_VERIFICATION, "", id));
  ASSERT_OK_AND_ASSIGN(v1::VerifyCaseResponse closed,
                       VerifyCase(kInspector, Verify(id, true)));
  EXPECT_EQ(closed.case_().state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(closed.case_().closure_type(), v1::CLOSURE_TYPE_NORMAL);

  ASSERT_OK_AND_ASSIGN(t, Timeline(id));
  std::vector<v1::CaseEventType> types;
  for (const auto& e : t) types.push_back(e.type());
  EXPECT_THAT(types, ::testing::ElementsAre(v1::CASE_EVENT_TYPE_REPORTED,
                                            v1::CASE_EVENT_TYPE_REGISTERED,
                                            v1::CASE_EVENT_TYPE_DISPATCHED,
                                            v1::CASE_EVENT_TYPE_ACKNOWLEDGED,
                                            v1::CASE_EVENT_TYPE_HANDLED,
                                            v1::CASE_EVENT_TYPE_VERIFIED));
  // Intake reads the same record.
  v1::Case c = GetCase(id);
  EXPECT_EQ(c.state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(c.version(), 6);
  EXPECT_FALSE(InQueue(kInspector, v1::QUEUE_VERIFICATION, "", id));
}

TEST_F(DispatchProcessTest, ManualReviewReturnRedispatchAndRework) {
  std::string id = Report(/*patrol=*/false, "E0101", 1);
  std::string reason;
  absl::Time until = absl::Now() + absl::Seconds(15);
  while (!InQueue(kAcceptor, v1::QUEUE_REVIEW, "", id, &reason) &&
         absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_THAT(reason, HasSubstr("routing MANUAL"));
  EXPECT_EQ(StateOf(id), v1::CASE_STATE_REPORTED);

  ASSERT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(id)).status());
  ASSERT_OK(
      DispatchCase(kDispatcher, For<v1::DispatchCaseRequest>(id)).status());
  // 回退: not sanitation's; back to the dispatcher with the reason.
  auto ret = For<v1::ReturnCaseRequest>(id);
  ret.set_reason("属市政设施");
  ASSERT_OK_AND_ASSIGN(v1::ReturnCaseResponse returned,
                       ReturnCase(kSanitation, ret));
  EXPECT_EQ(returned.case_().state(), v1::CASE_STATE_REGISTERED);
  EXPECT_EQ(returned.case_().return_count(), 1);
  EXPECT_TRUE(InQueue(kDispatcher, v1::QUEUE_REVIEW, "", id, &reason));
  EXPECT_THAT(reason, HasSubstr("属市政设施"));
  // Re-dispatch by hand to works; sanitation may no longer act.
  auto to_works = For<v1::DispatchCaseRequest>(id);
  to_works.set_department_id("works");
  ASSERT_OK(DispatchCase(kDispatcher, to_works).status());
  EXPECT_THAT(AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(id))
                  .status(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("their department")));
  ASSERT_OK(
      AcknowledgeCase(kWorks, For<v1::AcknowledgeCaseRequest>(id)).status());
  {
    auto h = Handled(id);
    ASSERT_OK(SubmitHandling(kWorks, h).status());
  }
  // 返工: verification fails, back to works with a new HANDLE attempt.
  ASSERT_OK_AND_ASSIGN(v1::VerifyCaseResponse rework,
                       VerifyCase(kInspector, Verify(id, false)));
  EXPECT_EQ(rework.case_().state(), v1::CASE_STATE_DISPATCHED);
  EXPECT_EQ(rework.case_().rework_count(), 1);
  EXPECT_EQ(rework.event().type(), v1::CASE_EVENT_TYPE_REWORKED);
  ASSERT_OK(
      AcknowledgeCase(kWorks, For<v1::AcknowledgeCaseRequest>(id)).status());
  ASSERT_OK(SubmitHandling(kWorks, Handled(id)).status());
  ASSERT_OK_AND_ASSIGN(v1::VerifyCaseResponse closed,
                       VerifyCase(kInspector, Verify(id, true)));
  EXPECT_EQ(closed.case_().state(), v1::CASE_STATE_CLOSED);
  int handle_attempts = 0;
  for (const auto& d : closed.case_().deadlines()) {
    handle_attempts += d.stage() == v1::STAGE_HANDLE;
  }
  EXPECT_EQ(handle_attempts, 3);  // sanitation, works, works after rework
}

TEST_F(DispatchProcessTest, ExtensionApprovedMovesTheDeadline) {
  std::string id = Report(true, "E0101", 2);
  WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  ASSERT_OK_AND_ASSIGN(
      v1::AcknowledgeCaseResponse ack,
      AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(id)));
  v1::StageDeadline before = ack.case_().deadlines().rbegin()[0];
  auto ask = For<v1::RequestExtensionRequest>(id);
  ask.set_reason("需协调施工");
  ask.mutable_extra()->set_amount(2);
  ask.mutable_extra()->set_unit(v1::TIME_UNIT_CALENDAR_HOURS);
  ASSERT_OK(RequestExtension(kSanitation, ask).status());
  std::string reason;
  EXPECT_TRUE(InQueue(kChief, v1::QUEUE_APPROVALS, "", id, &reason));
  EXPECT_EQ(reason, "需协调施工");
  auto decide = For<v1::DecideExtensionRequest>(id);
  decide.set_approve(true);
  ASSERT_OK_AND_ASSIGN(v1::DecideExtensionResponse approved,
                       DecideExtension(kChief, decide));
  v1::StageDeadline after = approved.case_().deadlines().rbegin()[0];
  EXPECT_EQ(FromTimestamp(after.effective_deadline()) -
                FromTimestamp(before.effective_deadline()),
            absl::Hours(2));
  EXPECT_EQ(FromTimestamp(after.original_deadline()),
            FromTimestamp(before.original_deadline()));
  EXPECT_EQ(approved.case_().extension_count(), 1);
  EXPECT_FALSE(InQueue(kChief, v1::QUEUE_APPROVALS, "", id));
}

TEST_F(DispatchProcessTest, SuspendAndResumeMoveTheDeadlineBySuspendedTime) {
  std::string id = Report(true, "E0101", 3);
  WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  auto suspend = For<v1::SuspendCaseRequest>(id);
  suspend.set_reason("待汛期结束后施工");
  ASSERT_OK_AND_ASSIGN(v1::SuspendCaseResponse s, SuspendCase(kChief, suspend));
  v1::StageDeadline before = s.case_().deadlines().rbegin()[0];
  EXPECT_TRUE(InQueue(kChief, v1::QUEUE_SUPERVISION, "", id));
  EXPECT_FALSE(InQueue(kSanitation, v1::QUEUE_DEPARTMENT, "sanitation", id));
  absl::SleepFor(absl::Milliseconds(1200));
  ASSERT_OK_AND_ASSIGN(v1::ResumeCaseResponse r,
                       ResumeCase(kChief, For<v1::ResumeCaseRequest>(id)));
  EXPECT_EQ(r.case_().state(), v1::CASE_STATE_DISPATCHED);
  v1::StageDeadline after = r.case_().deadlines().rbegin()[0];
  absl::Duration paused = absl::Seconds(after.paused().seconds()) +
                          absl::Nanoseconds(after.paused().nanos());
  EXPECT_GE(paused, absl::Milliseconds(1200));
  EXPECT_EQ(FromTimestamp(after.effective_deadline()) -
                FromTimestamp(before.effective_deadline()),
            paused);
  EXPECT_TRUE(InQueue(kSanitation, v1::QUEUE_DEPARTMENT, "sanitation", id));
}

TEST_F(DispatchProcessTest, OverdueEmittedOnceWithTwoReplicas) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceProcess> second,
                       StartDispatch("d-2"));
  std::string id = Report(true, "E0102", 4);  // HANDLE limit: 2 s
  WaitFor(id, Has(v1::CASE_EVENT_TYPE_OVERDUE));
  absl::SleepFor(absl::Seconds(1));  // five more scanner passes per replica
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> t, Timeline(id));
  EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_WARNING), 1);
  EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_OVERDUE), 1);
  EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_DISPATCHED), 1);
  std::string reason;
  EXPECT_TRUE(InQueue(kChief, v1::QUEUE_SUPERVISION, "", id, &reason));
  EXPECT_EQ(reason, "overdue: HANDLE");
  EXPECT_EQ(GetCase(id).light(), v1::TRAFFIC_LIGHT_RED);
  // Handled late: closed as overdue.
  ASSERT_OK(AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(id))
                .status());
  ASSERT_OK(SubmitHandling(kSanitation, Handled(id)).status());
  ASSERT_OK_AND_ASSIGN(v1::VerifyCaseResponse closed,
                       VerifyCase(kInspector, Verify(id, true)));
  EXPECT_EQ(closed.case_().closure_type(), v1::CLOSURE_TYPE_OVERDUE);
}

TEST_F(DispatchProcessTest, SixteenRacersOneWinner) {
  std::string id = Report(true, "E0101", 5);
  WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  ASSERT_OK(AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(id))
                .status());
  ASSERT_OK_AND_ASSIGN(v1::SubmitHandlingResponse h,
                       SubmitHandling(kSanitation, Handled(id)));
  int64_t version = h.case_().version();
  std::atomic<int> ok{0}, lost{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      v1::VerifyCaseRequest r = Verify(id, i % 2 == 0);
      if (i % 4 < 2) r.set_expected_version(version);
      absl::StatusOr<v1::VerifyCaseResponse> got = VerifyCase(kInspector, r);
      if (got.ok()) {
        ++ok;
      } else if (got.status().code() == absl::StatusCode::kAborted ||
                 got.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++lost;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(lost, 15);
  EXPECT_EQ(other, 0);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> t, Timeline(id));
  EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_VERIFIED) +
                Count(t, v1::CASE_EVENT_TYPE_REWORKED),
            1);
}

TEST_F(DispatchProcessTest, KillNineWhileConsumingDispatchesEachCaseOnce) {
  constexpr int kCases = 36;
  std::vector<std::string> ids;
  std::atomic<int> reported{0};
  absl::Mutex mu;
  // Kill -9 as soon as the first case is dispatched, while the rest are
  // still being reported and consumed.
  std::thread killer([&] {
    absl::Time until = absl::Now() + absl::Seconds(15);
    while (absl::Now() < until) {
      std::string first;
      {
        absl::MutexLock lock(&mu);
        if (!ids.empty()) first = ids.front();
      }
      if (!first.empty() && StateOf(first) != v1::CASE_STATE_REPORTED &&
          StateOf(first) != v1::CASE_STATE_UNSPECIFIED) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    (void)dispatch_->process().Signal(SIGKILL);
  });
  for (int i = 0; i < kCases; ++i) {
    std::string id = Report(true, "E0101", 6 + i);
    absl::MutexLock lock(&mu);
    ids.push_back(id);
    ++reported;
  }
  killer.join();
  ASSERT_OK(dispatch_->process().Wait(absl::Seconds(5)).status());
  ASSERT_OK_AND_ASSIGN(dispatch_, StartDispatch("d-1-restarted"));
  stub_ = v1::DispatchService::NewStub(dispatch_->NewChannel());
  for (const std::string& id : ids) {
    std::vector<v1::CaseEvent> t =
        WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
    EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_REGISTERED), 1) << id;
    EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_DISPATCHED), 1) << id;
  }
}

}  // namespace
}  // namespace gridcase
