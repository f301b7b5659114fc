// gridcase-dispatch against real processes (tests/case_stack.h): one or two
// dispatch replicas over the sample registry and intake.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <signal.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/redis/redis_pool.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "tests/case_stack.h"

namespace gridcase {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::gridcase::testing::CaseStackTest;
using ::gridcase::testing::Gridctl;
using ::gridcase::testing::Has;
using ::gridcase::testing::kAcceptor;
using ::gridcase::testing::kAdmin;
using ::gridcase::testing::kChief;
using ::gridcase::testing::kCitizen;
using ::gridcase::testing::kDispatcher;
using ::gridcase::testing::kInspector;
using ::gridcase::testing::kPatrol;
using ::gridcase::testing::kSanitation;
using ::gridcase::testing::kWorks;
using ::gridcase::testing::RedisServer;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::StatusIs;
using ::gridcase::testing::WithActor;
using ::testing::HasSubstr;

class DispatchProcessTest : public CaseStackTest {};

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

// Dispatch answers routing's registry questions (calendar, responsibility,
// department) from its own copy of the registry data, so reports are routed
// while every registry replica is down.
TEST_F(DispatchProcessTest, RoutesWhileTheRegistryIsDown) {
  ASSERT_OK(registry_->process().Signal(SIGKILL));
  ASSERT_OK(registry_->process().Wait(absl::Seconds(10)).status());
  std::string id = Report(/*patrol=*/true, "E0101", 0);
  std::vector<v1::CaseEvent> t =
      WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  ASSERT_GE(t.size(), 3u);
  EXPECT_EQ(t[2].data().at("department_id"), "sanitation");
  EXPECT_EQ(t[2].data().at("rule_id"), "puyuan-E0101");
  EXPECT_TRUE(InQueue(kSanitation, v1::QUEUE_DEPARTMENT, "sanitation", id));
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

// A report waiting in manual review past its REGISTER limit goes yellow and
// overdue like any other stage: the events are emitted once, and the case
// enters the supervision queue.
TEST_F(DispatchProcessTest, ReportWaitingForReviewGoesOverdue) {
  std::string id = Report(/*patrol=*/false, "E0103", 2);  // REGISTER: 2 s
  WaitFor(id, Has(v1::CASE_EVENT_TYPE_OVERDUE));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> t, Timeline(id));
  EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_WARNING), 1);
  ASSERT_EQ(Count(t, v1::CASE_EVENT_TYPE_OVERDUE), 1);
  for (const v1::CaseEvent& e : t) {
    if (e.type() == v1::CASE_EVENT_TYPE_OVERDUE) {
      EXPECT_EQ(e.stage(), v1::STAGE_REGISTER);
    }
  }
  EXPECT_EQ(StateOf(id), v1::CASE_STATE_REPORTED);
  std::string reason;
  EXPECT_TRUE(InQueue(kChief, v1::QUEUE_SUPERVISION, "", id, &reason));
  EXPECT_EQ(reason, "overdue: REGISTER");
  EXPECT_TRUE(InQueue(kAcceptor, v1::QUEUE_REVIEW, "", id, &reason));
  // Registered late: the REGISTER stage ends RED and DISPATCH starts.
  ASSERT_OK_AND_ASSIGN(
      v1::RegisterCaseResponse registered,
      RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(id)));
  EXPECT_EQ(registered.case_().state(), v1::CASE_STATE_REGISTERED);
}

// --archive_after: a closed case is kept only in its archived form, which
// every reader falls back to (common/store/case_reader.h).
class ArchiveProcessTest : public CaseStackTest {
 protected:
  ArchiveProcessTest() {
    dispatch_args_ = {"--reopen_window=1s", "--rating_window=1s",
                      "--archive_after=1s", "--archive_interval=200ms"};
  }
};

TEST_F(ArchiveProcessTest, AClosedCaseIsArchivedAndReadsAsBefore) {
  std::string id = Report(/*patrol=*/true, "E0101", 0);
  WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  ASSERT_OK(AcknowledgeCase(kSanitation, For<v1::AcknowledgeCaseRequest>(id))
                .status());
  ASSERT_OK(SubmitHandling(kSanitation, Handled(id)).status());
  ASSERT_OK(VerifyCase(kInspector, Verify(id, true)).status());
  v1::Case before = GetCase(id);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> events_before, Timeline(id));
  ASSERT_EQ(before.state(), v1::CASE_STATE_CLOSED);

  ASSERT_OK_AND_ASSIGN(store::CaseId parsed, store::ParseCaseId(id, 16));
  ASSERT_OK_AND_ASSIGN(
      auto redis, redis::RedisPool::Create({.address = redis_->address()}));
  auto exists = [&](const std::string& key) {
    absl::StatusOr<redis::Reply> r = redis->Command({"EXISTS", key});
    return r.ok() && r->integer() == 1;
  };
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!exists(store::ArchiveKey(parsed.shard, id)) &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(exists(store::ArchiveKey(parsed.shard, id)))
      << dispatch_->Stderr();
  EXPECT_FALSE(exists(store::CaseKey(parsed.shard, id)));
  EXPECT_FALSE(exists(store::TimelineKey(parsed.shard, id)));

  // GetCase, the timeline and ListCases read it as before.
  v1::Case after = GetCase(id);
  EXPECT_TRUE(MessageDifferencer::Equals(after, before)) << after.DebugString();
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> events_after, Timeline(id));
  ASSERT_EQ(events_after.size(), events_before.size());
  for (size_t i = 0; i < events_after.size(); ++i) {
    // (Equal as messages: map fields serialize in no fixed order.)
    EXPECT_TRUE(MessageDifferencer::Equals(events_after[i], events_before[i]))
        << events_after[i].DebugString();
  }
  grpc::ClientContext list_context;
  WithActor(&list_context, kChief);
  v1::ListCasesRequest list;
  list.set_region_code("330483101");
  list.add_states(v1::CASE_STATE_CLOSED);
  v1::ListCasesResponse listed;
  ASSERT_TRUE(intake_stub_->ListCases(&list_context, list, &listed).ok());
  ASSERT_EQ(listed.cases_size(), 1);
  EXPECT_EQ(listed.cases(0).id(), id);

  // Dispatch sees it closed; a follow-up is refused, naming why.
  absl::StatusOr<v1::VerifyCaseResponse> again =
      VerifyCase(kInspector, Verify(id, true));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  grpc::ClientContext follow_context;
  WithActor(&follow_context, kCitizen);
  v1::AddFollowUpRequest follow;
  follow.set_case_id(id);
  follow.set_request_id("f-1");
  follow.set_kind(v1::FOLLOW_UP_KIND_COMMENT);
  follow.set_text("还有垃圾");
  v1::AddFollowUpResponse followed;
  grpc::Status s =
      intake_stub_->AddFollowUp(&follow_context, follow, &followed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("archived"));

  // The statistics rebuild counts it with every event.
  EXPECT_THAT(StatsRebuild(),
              HasSubstr(absl::StrCat(
                  "\"cases\":1,\"events\":", events_before.size(), ",")));
}

// 自行处置 on patrol: a grid manager reports and closes at once, before the
// automatic router (held back by --self_handle_grace) registers the case.
class SelfHandleTest : public CaseStackTest {
 protected:
  SelfHandleTest() { self_handle_grace_ = absl::Seconds(3); }
};

TEST_F(SelfHandleTest, GridManagerClosesOwnReportAtOnce) {
  for (int i = 0; i < 8; ++i) {
    std::string id = Report(/*patrol=*/true, "E0101", i, "-self");
    auto close = For<v1::SelfCloseCaseRequest>(id);
    close.set_note("已当场清理");
    v1::Media* m = close.add_attachments();
    m->set_kind(v1::MEDIA_KIND_PHOTO);
    m->set_uri("https://oss.example.cn/self-after.jpg");
    absl::StatusOr<v1::SelfCloseCaseResponse> closed =
        SelfCloseCase(kPatrol, close);
    ASSERT_OK(closed.status()) << "attempt " << i;
    EXPECT_EQ(closed->case_().state(), v1::CASE_STATE_CLOSED);
    EXPECT_TRUE(closed->case_().self_handled());
  }
  // A report its grid manager does not close is routed once the grace ends.
  std::string routed = Report(/*patrol=*/true, "E0101", 9, "-routed");
  WaitFor(routed, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::CaseEvent> t, Timeline(routed));
  EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_DISPATCHED), 1);
  EXPECT_EQ(Count(t, v1::CASE_EVENT_TYPE_REGISTERED), 1);
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

// The whole workflow from the command line: gridctl shows the case in the
// department's queue, acknowledges, handles and verifies it, prints the
// timeline as JSON, and exits 1 with the service's error when refused.
TEST_F(DispatchProcessTest, GridctlDrivesTheWorkflow) {
  std::string id = Report(true, "E0101", 40);
  WaitFor(id, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  const std::string target = dispatch_->target();
  std::string out, err;
  ASSERT_EQ(Gridctl(target, kSanitation,
                    {"queue", "department", "--owner=sanitation"}, &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr(id));
  EXPECT_THAT(out, HasSubstr("HANDLE"));
  // A live watch of the case, from gridctl, sees the next two events.
  ASSERT_OK_AND_ASSIGN(auto dir, ::gridcase::testing::TempDir::Create());
  ASSERT_OK_AND_ASSIGN(
      auto watch,
      ::gridcase::testing::Subprocess::Spawn(
          {.argv = {GRIDCASE_GRIDCTL_BIN, "case", "watch",
                    absl::StrCat("--case=", id), "--count=2",
                    absl::StrCat("--target=", intake_->target()),
                    absl::StrCat("--token=",
                                 ::gridcase::testing::TokenFor(kChief))},
           .stdout_path = dir.File("out"),
           .stderr_path = dir.File("err")}));
  absl::Time until = absl::Now() + absl::Seconds(10);
  while (::gridcase::testing::ReadFile(dir.File("err")).find("live") ==
             std::string::npos &&
         absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(Gridctl(target, kSanitation, {"dispatch", "ack", id}, &out, &err),
            0)
      << err;
  EXPECT_THAT(out,
              HasSubstr(absl::StrCat(id, "  IN_PROGRESS  v4  ACKNOWLEDGED")));
  ASSERT_EQ(Gridctl(target, kSanitation,
                    {"dispatch", "handle", id, "--note=已清运",
                     "--photo=https://oss.example.cn/after.jpg"},
                    &out, &err),
            0)
      << err;
  ASSERT_OK_AND_ASSIGN(int watch_status, watch->Wait(absl::Seconds(10)));
  EXPECT_TRUE(WIFEXITED(watch_status) && WEXITSTATUS(watch_status) == 0);
  std::string watched = ::gridcase::testing::ReadFile(dir.File("out"));
  EXPECT_THAT(watched, ::testing::ContainsRegex(
                           "ACKNOWLEDGED +IN_PROGRESS\n.*HANDLED +HANDLED"));
  EXPECT_EQ(Gridctl(target, kInspector, {"dispatch", "verify", id}, &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("--pass or --fail"));
  ASSERT_EQ(Gridctl(target, kInspector,
                    {"dispatch", "verify", id, "--pass", "--note=核查通过"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr("CLOSED"));
  EXPECT_EQ(Gridctl(target, kSanitation, {"dispatch", "ack", id}, &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("error: FAILED_PRECONDITION"));
  ASSERT_EQ(Gridctl(target, kChief, {"dispatch", "timeline", id, "--json"},
                    &out, &err),
            0)
      << err;
  v1::GetTimelineResponse timeline;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &timeline).ok())
      << out;
  ASSERT_EQ(timeline.events_size(), 6);
  // The registry's lists.
  const std::string registry = registry_->target();
  ASSERT_EQ(Gridctl(registry, kChief, {"registry", "departments"}, &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr("sanitation"));
  EXPECT_THAT(out, HasSubstr("works"));
  ASSERT_EQ(Gridctl(registry, kChief, {"registry", "regions", "--level=town"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr("330483101        town       濮院镇"));
  ASSERT_EQ(
      Gridctl(registry, kChief,
              {"registry", "rules", "--category=E0101", "--json"}, &out, &err),
      0)
      << err;
  v1::ListRulesResponse rules;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &rules).ok());
  ASSERT_EQ(rules.rules_size(), 1);
  EXPECT_EQ(rules.rules(0).id(), "puyuan-E0101");
  EXPECT_EQ(timeline.events(5).type(), v1::CASE_EVENT_TYPE_VERIFIED);
  EXPECT_EQ(timeline.events(4).attachments(0).uri(),
            "https://oss.example.cn/after.jpg");
}

// gridctl routing get|set against the real dispatch service: the change
// takes effect for the next report, and refusals print the code.
TEST_F(DispatchProcessTest, GridctlSetsTheRoutingPolicy) {
  const std::string target = dispatch_->target();
  std::string out, err;
  ASSERT_EQ(Gridctl(target, kChief, {"routing", "get"}, &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("default   manual\n"));
  EXPECT_THAT(out, HasSubstr("source    grid_patrol             auto\n"));

  // A WeChat report waits for the centre under the default policy.
  std::string before = Report(false, "E0101", 44);
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(StateOf(before), v1::CASE_STATE_REPORTED);

  EXPECT_EQ(Gridctl(target, kCitizen,
                    {"routing", "set", "--source=wechat=auto"}, &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("error: PERMISSION_DENIED"));
  EXPECT_EQ(
      Gridctl(target, kChief, {"routing", "set", "--default=fast"}, &out, &err),
      1);
  EXPECT_THAT(err, HasSubstr("INVALID_ARGUMENT: --default: mode 'fast'"));
  EXPECT_EQ(Gridctl(target, kChief, {"routing", "set"}, &out, &err), 1);
  EXPECT_THAT(err, HasSubstr("name at least one of --default"));
  EXPECT_EQ(Gridctl(target, kChief,
                    {"routing", "set", "--source=hotline=auto",
                     "--expected-version=999"},
                    &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("error: ABORTED"));

  ASSERT_EQ(Gridctl(target, kChief,
                    {"routing", "set", "--source=wechat=auto",
                     "--category=E01:hotline=manual"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr("source    wechat                  auto\n"));
  EXPECT_THAT(out, HasSubstr("category  E01 hotline             manual\n"));
  EXPECT_THAT(out, ::testing::ContainsRegex("version   [0-9]+, changed .* by "
                                            "chief-1"));

  // The next WeChat report is registered and dispatched by the rules.
  std::string after = Report(false, "E0101", 45);
  WaitFor(after, Has(v1::CASE_EVENT_TYPE_DISPATCHED));
  EXPECT_EQ(StateOf(before), v1::CASE_STATE_REPORTED) << "not retroactive";

  ASSERT_EQ(
      Gridctl(target, kDispatcher, {"routing", "get", "--json"}, &out, &err), 0)
      << err;
  v1::RoutingPolicy policy;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &policy).ok())
      << out;
  EXPECT_EQ(policy.sources_size(), 2);
  ASSERT_EQ(policy.categories_size(), 1);
  EXPECT_EQ(policy.categories(0).category_code(), "E01");
  EXPECT_EQ(policy.categories(0).source(), v1::SOURCE_HOTLINE);
  EXPECT_EQ(policy.updated_by().subject(), "chief-1");
}

// gridctl health, report and case get|list|nearby against the real stack:
// the table lines, the --json forms and the refusals.
TEST_F(DispatchProcessTest, GridctlReportsAndReadsCases) {
  const std::string intake = intake_->target();
  std::string out, err;
  ASSERT_EQ(Gridctl(intake, kChief, {"health"}, &out, &err), 0) << err;
  EXPECT_EQ(out, "SERVING\n");

  EXPECT_EQ(Gridctl(intake, kCitizen,
                    {"report", "--category=E0101", "--lat=95", "--lng=120.63",
                     "--description=垃圾"},
                    &out, &err),
            1);
  EXPECT_THAT(err, ::testing::ContainsRegex(
                       "error: INVALID_ARGUMENT: .*location.latitude"));
  ASSERT_EQ(Gridctl(intake, kCitizen,
                    {"report", "--category=E0101", "--lat=30.6873",
                     "--lng=120.6313", "--description=河边暴露垃圾",
                     "--source=wechat", "--photo=https://oss.example.cn/a.jpg"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, ::testing::MatchesRegex(
                       "330483-[0-9]{8}-[0-9]{6,12} REPORTED in grid "
                       "330483101002002 \\(暴露垃圾\\), expected by "
                       "[0-9-]{10} [0-9:]{5}.*\n"));
  const std::string id = out.substr(0, out.find(' '));

  ASSERT_EQ(Gridctl(intake, kChief, {"case", "get", id}, &out, &err), 0) << err;
  EXPECT_THAT(out,
              ::testing::MatchesRegex(
                  id + " +REPORTED +E0101 +330483101002002 +河边暴露垃圾\n"));
  ASSERT_EQ(Gridctl(intake, kChief, {"case", "get", id, "--json"}, &out, &err),
            0)
      << err;
  v1::GetCaseResponse got;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &got).ok())
      << out;
  EXPECT_EQ(got.case_().id(), id);
  EXPECT_EQ(got.case_().source(), v1::SOURCE_WECHAT);
  EXPECT_EQ(got.case_().media(0).uri(), "https://oss.example.cn/a.jpg");

  ASSERT_EQ(Gridctl(intake, kChief, {"case", "list", "--region=330483101"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr(id));
  ASSERT_EQ(Gridctl(intake, kChief,
                    {"case", "nearby", "30.6873", "120.6313", "--radius=100"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, ::testing::ContainsRegex(" +[0-9] m  " + id));
  EXPECT_EQ(Gridctl(intake, kChief, {"case", "get", "330483-20990101-000001"},
                    &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("error: NOT_FOUND"));
  EXPECT_EQ(
      Gridctl(intake, kChief, {"case", "list", "--colour=red"}, &out, &err), 1);
  EXPECT_THAT(err, HasSubstr("unknown option --colour"));
}

// A 12345 work order through gridctl: reported once, sent again (EXISTING,
// the same case) and read back by its reference.
TEST_F(DispatchProcessTest, GridctlTakesAWorkOrderByItsExternalReference) {
  const std::string intake = intake_->target();
  const std::vector<std::string> order = {
      "report",
      "--category=E0101",
      "--lat=30.6873",
      "--lng=120.6313",
      "--source=hotline",
      "--description=河边暴露垃圾",
      "--external-ref=12345:GD-20261205-0042"};
  std::string out, err;
  ASSERT_EQ(Gridctl(intake, kAcceptor, order, &out, &err), 0) << err;
  const std::string id = out.substr(0, out.find(' '));
  ASSERT_EQ(Gridctl(intake, kAcceptor, order, &out, &err), 0) << err;
  EXPECT_EQ(out, id + " REPORTED: the case of 12345 reference "
                      "GD-20261205-0042, reported before\n");
  ASSERT_EQ(Gridctl(intake, kChief,
                    {"case", "get", "--external-ref=12345:GD-20261205-0042"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, ::testing::StartsWith(id + " "));
  EXPECT_EQ(Gridctl(intake, kChief, {"case", "get", "--external-ref=GD-1"},
                    &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("--external-ref: give SYSTEM:ID"));
}

// Who changed reference data and the routing policy: the registry's
// audit record, read through the RPC and gridctl, admins only.
// A case stored before the timestamps were checked at the edge may hold one
// JSON cannot carry: gridctl --json then fails with a reason, and prints no
// cut-off JSON.
TEST_F(DispatchProcessTest, GridctlJsonFailsCleanlyOnAnUnprintableCase) {
  std::string id = Report(/*patrol=*/false, "E0101", 3, "-json");
  ASSERT_OK_AND_ASSIGN(store::CaseId parsed, store::ParseCaseId(id, 16));
  ASSERT_OK_AND_ASSIGN(
      auto redis, redis::RedisPool::Create({.address = redis_->address()}));
  std::string key = store::CaseKey(parsed.shard, id);
  ASSERT_OK_AND_ASSIGN(redis::Reply pb, redis->Command({"HGET", key, "pb"}));
  v1::Case c;
  ASSERT_TRUE(c.ParseFromString(pb.str()));
  c.mutable_occurred_at()->set_nanos(2000000000);
  ASSERT_OK(redis->Command({"HSET", key, "pb", c.SerializeAsString()}));
  std::string out, err;
  EXPECT_EQ(Gridctl(intake_->target(), kChief, {"case", "get", id, "--json"},
                    &out, &err),
            1);
  EXPECT_EQ(out, "");
  EXPECT_THAT(err, HasSubstr("cannot be printed as JSON"));
}

TEST_F(DispatchProcessTest, RoutingAndRuleChangesAreAudited) {
  std::string out, err;
  ASSERT_EQ(Gridctl(dispatch_->target(), kChief,
                    {"routing", "set", "--source=wechat=auto"}, &out, &err),
            0)
      << err;
  v1::UpsertRuleRequest rule;
  rule.mutable_rule()->set_id("audit-rule");
  rule.mutable_rule()->set_category_code("E0102");
  rule.mutable_rule()->set_scope_code("330483102");
  rule.mutable_rule()->set_department_id("works");
  Registry(&v1::RegistryService::Stub::UpsertRule, rule);

  ASSERT_EQ(Gridctl(registry_->target(), kAdmin,
                    {"registry", "audit", "--limit=5", "--json"}, &out, &err),
            0)
      << err;
  v1::ListAuditRecordsResponse listed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &listed).ok())
      << out;
  ASSERT_GE(listed.records_size(), 2);
  // Newest first: the rule (registry stream), then the routing policy.
  EXPECT_EQ(listed.records(0).action(), "UpsertRule");
  EXPECT_EQ(listed.records(0).object_id(), "audit-rule");
  EXPECT_EQ(listed.records(0).actor().subject(), "m-admin");
  EXPECT_EQ(listed.records(1).action(), "UpdateRoutingPolicy");
  EXPECT_EQ(listed.records(1).stream(), "routing");
  EXPECT_EQ(listed.records(1).actor().subject(), "chief-1");
  EXPECT_THAT(listed.records(1).changed_fields(),
              ::testing::Contains(::testing::StartsWith("sources")));

  ASSERT_EQ(Gridctl(registry_->target(), kAdmin,
                    {"registry", "audit", "--kind=routing_policy"}, &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr("chief-1"));
  EXPECT_THAT(out, HasSubstr("UpdateRoutingPolicy"));
  EXPECT_EQ(
      Gridctl(registry_->target(), kChief, {"registry", "audit"}, &out, &err),
      1);
  EXPECT_THAT(err, HasSubstr("PERMISSION_DENIED"));
}

}  // namespace
}  // namespace gridcase
