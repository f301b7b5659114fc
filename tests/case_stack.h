// CaseStackTest: a fixture running the case stack as real processes —
// redis-server, gridcase-registry (sample grids, the shipped catalogue's
// E0101/E0102/E0103 with test limits of seconds, departments sanitation and
// works, Puyuan rules to sanitation), gridcase-intake and gridcase-dispatch —
// with helpers to report cases and call the workflow as each role. Time passes
// by catalogue limits of seconds, never long sleeps.
#ifndef GRIDCASE_TESTS_CASE_STACK_H_
#define GRIDCASE_TESTS_CASE_STACK_H_

#include <grpcpp/client_context.h>
#include <signal.h>
#include <sys/wait.h>

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
#include "common/testing/redis_cluster.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/sample_registry.h"

namespace gridcase::testing {

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

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline v1::TimeLimit Seconds(int64_t n) {
  v1::TimeLimit l;
  l.set_amount(n);
  l.set_unit(v1::TIME_UNIT_CALENDAR_SECONDS);
  return l;
}

inline void WithActor(grpc::ClientContext* c, const std::string& actor) {
  Identify(c, actor);
  c->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
}

class CaseStackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (on_cluster_) {
      ASSERT_OK_AND_ASSIGN(cluster_, RedisCluster::Start());
    } else {
      ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start(redis_options_));
    }
    ASSERT_OK_AND_ASSIGN(registry_,
                         ServiceProcess::Start(Service(GRIDCASE_REGISTRY_BIN)));
    LoadRegistry();
    std::vector<std::string> intake_args = {
        absl::StrCat("--registry=", registry_->target())};
    intake_args.insert(intake_args.end(), intake_args_.begin(),
                       intake_args_.end());
    ASSERT_OK_AND_ASSIGN(intake_, ServiceProcess::Start(Service(
                                      GRIDCASE_INTAKE_BIN, intake_args)));
    intake_stub_ = v1::IntakeService::NewStub(intake_->NewChannel());
    ASSERT_OK_AND_ASSIGN(dispatch_, StartDispatch("d-1", dispatch_args_));
    stub_ = v1::DispatchService::NewStub(dispatch_->NewChannel());
  }

  // `extra_args` follow the fixture's (a later flag wins).
  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartDispatch(
      const std::string& consumer, std::vector<std::string> extra_args = {}) {
    std::vector<std::string> args = {
        absl::StrCat("--registry=", registry_->target()),
        absl::StrCat("--consumer=", consumer), "--scan_interval=200ms",
        "--claim_idle=1s",
        absl::StrCat("--self_handle_grace=",
                     absl::FormatDuration(self_handle_grace_))};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    return ServiceProcess::Start(
        Service(GRIDCASE_DISPATCH_BIN, std::move(args)));
  }

  // How to start a service of the stack: on the one redis-server, or with
  // --redis_cluster on the cluster.
  ServiceProcess::Options Service(const std::string& binary,
                                  std::vector<std::string> args = {}) const {
    ServiceProcess::Options o{.binary = binary};
    if (on_cluster_) {
      args.insert(args.begin(),
                  absl::StrCat("--redis_cluster=", cluster_->seeds_flag()));
    } else {
      o.redis = redis_->address();
    }
    o.extra_args = std::move(args);
    return o;
  }

#ifdef GRIDCASE_STATS_BIN
  // Runs `gridcase-stats rebuild` on the stack's Redis; its stdout (the
  // result as JSON). Fails the test unless it exits 0.
  std::string StatsRebuild() {
    absl::StatusOr<TempDir> dir = TempDir::Create();
    EXPECT_OK(dir.status());
    if (!dir.ok()) return "";
    std::vector<std::string> argv = {GRIDCASE_STATS_BIN, "rebuild"};
    for (std::string& a : LoopbackServiceArgs(
             on_cluster_ ? "" : redis_->address(), dir->File("ready"))) {
      argv.push_back(std::move(a));
    }
    if (on_cluster_) {
      argv.push_back(absl::StrCat("--redis_cluster=", cluster_->seeds_flag()));
    }
    absl::StatusOr<std::unique_ptr<Subprocess>> rebuild =
        Subprocess::Spawn({.argv = argv,
                           .stdout_path = dir->File("out"),
                           .stderr_path = dir->File("err")});
    EXPECT_OK(rebuild.status());
    if (!rebuild.ok()) return "";
    absl::StatusOr<int> status = (*rebuild)->Wait(absl::Seconds(120));
    EXPECT_TRUE(status.ok() && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << ReadFile(dir->File("err"));
    return ReadFile(dir->File("out"));
  }
#endif

  // Run the stack on a real Redis Cluster (testing::RedisCluster: three
  // masters with a replica each) instead of one redis-server; set in a
  // fixture's constructor.
  bool on_cluster_ = false;
  // More flags for intake; set in a fixture's constructor.
  std::vector<std::string> intake_args_;

  // More flags for the first dispatch replica; set in a fixture's
  // constructor.
  std::vector<std::string> dispatch_args_;
  // Dispatch's --self_handle_grace; set in a fixture's constructor. Zero by
  // default, so that patrol reports are routed at once.
  absl::Duration self_handle_grace_ = absl::ZeroDuration();
  // How redis-server is started, e.g. with an AOF; set in a fixture's
  // constructor. Without persistence by default.
  RedisServer::Options redis_options_;

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
    ASSERT_OK_AND_ASSIGN(std::vector<v1::Category> categories,
                         CatalogueCategories({"E0101", "E0102", "E0103"}));
    auto stub = v1::RegistryService::NewStub(registry_->NewChannel());
    ASSERT_OK(LoadSampleRegistry(*stub, {}, [](grpc::ClientContext* context) {
      WithActor(context, kAdmin);
    }));
    for (v1::Category c : categories) {
      // Test limits: an hour for every stage; E0102 must be handled and
      // E0103 registered in 2 s.
      c.clear_limits();
      for (v1::Stage s : {v1::STAGE_REGISTER, v1::STAGE_DISPATCH,
                          v1::STAGE_HANDLE, v1::STAGE_VERIFY}) {
        v1::StageLimit* l = c.add_limits();
        l->set_stage(s);
        bool short_limit = (c.code() == "E0102" && s == v1::STAGE_HANDLE) ||
                           (c.code() == "E0103" && s == v1::STAGE_REGISTER);
        *l->mutable_limit() = Seconds(short_limit ? 2 : 3600);
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
  std::string Report(bool patrol, const std::string& category, int north,
                     const std::string& tag = "") {
    v1::ReportCaseRequest r;
    r.set_request_id(
        absl::StrCat("r-", category, "-", north, "-", patrol, tag));
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
  GRIDCASE_CALL(SelfCloseCase)
  GRIDCASE_CALL(ReopenCase)
  GRIDCASE_CALL(RateCase)
  GRIDCASE_CALL(ReviewRating)
  GRIDCASE_CALL(RequestCheck)
  GRIDCASE_CALL(SubmitCheck)
  GRIDCASE_CALL(MergeCase)
  GRIDCASE_CALL(UnmergeCase)
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

  std::unique_ptr<RedisServer> redis_;     // one redis-server, or
  std::unique_ptr<RedisCluster> cluster_;  // a cluster (on_cluster_)
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<ServiceProcess> intake_;
  std::unique_ptr<ServiceProcess> dispatch_;
  std::unique_ptr<v1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<v1::DispatchService::Stub> stub_;
};

// Runs gridctl (GRIDCASE_GRIDCTL_BIN) with `args` plus --target and --token
// (a token for `actor`, written in the x-gridcase-actor syntax); returns its
// exit code, with its stdout and stderr in `out` and `err`.
inline int Gridctl(const std::string& target, const std::string& actor,
                   std::vector<std::string> args, std::string* out,
                   std::string* err) {
  auto dir = TempDir::Create();
  if (!dir.ok()) return -1;
  std::vector<std::string> argv = {GRIDCASE_GRIDCTL_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(absl::StrCat("--target=", target));
  argv.push_back(absl::StrCat("--token=", TokenFor(actor)));
  auto p = Subprocess::Spawn({.argv = argv,
                              .stdout_path = dir->File("out"),
                              .stderr_path = dir->File("err")});
  if (!p.ok()) return -1;
  absl::StatusOr<int> status = (*p)->Wait(absl::Seconds(30));
  *out = ReadFile(dir->File("out"));
  *err = ReadFile(dir->File("err"));
  return status.ok() && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

inline auto Has(v1::CaseEventType t) {
  return [t](const std::vector<v1::CaseEvent>& events) {
    for (const auto& e : events) {
      if (e.type() == t) return true;
    }
    return false;
  };
}

}  // namespace gridcase::testing

#endif  // GRIDCASE_TESTS_CASE_STACK_H_
