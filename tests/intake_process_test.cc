// gridcase-intake against real processes: a redis-server, gridcase-registry
// loaded with the shipped catalogue and the Tongxiang sample grids, and
// gridcase-intake calling it.
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/support/client_callback.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/server/health_client.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/subprocess.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/sample_registry.h"

namespace gridcase {
namespace {

using ::gridcase::testing::Identify;
using ::gridcase::testing::RedisServer;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kAdmin[] = "subject=m-admin; roles=admin";
constexpr char kCitizen[] = "subject=wx-1; roles=citizen";
// Puyuan (濮院镇), inside grid 330483101002002 of the sample.
constexpr double kLat = 30.6840;
constexpr double kLng = 120.6300;

v1::ReportCaseRequest Good(const std::string& id, double metres_north = 0) {
  v1::ReportCaseRequest r;
  r.set_request_id(id);
  r.set_source(v1::SOURCE_WECHAT);
  r.set_category_code("E0101");  // 暴露垃圾, duplicate radius 50 m
  r.set_description("绿化带旁暴露垃圾");
  r.mutable_location()->set_latitude(kLat + metres_north / 111195.0);
  r.mutable_location()->set_longitude(kLng);
  return r;
}

class IntakeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(registry_,
                         ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                                .redis = redis_->address()}));
    LoadRegistry();
    StartIntake({});
  }

  void StartIntake(std::vector<std::string> extra_args) {
    intake_.reset();
    extra_args.push_back(absl::StrCat("--registry=", registry_->target()));
    extra_args.push_back("--registry_timeout=500ms");
    ASSERT_OK_AND_ASSIGN(intake_,
                         ServiceProcess::Start({.binary = GRIDCASE_INTAKE_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = extra_args}));
    stub_ = v1::IntakeService::NewStub(intake_->NewChannel());
  }

  void LoadRegistry() {
    auto stub = v1::RegistryService::NewStub(registry_->NewChannel());
    ASSERT_OK_AND_ASSIGN(std::vector<v1::Category> categories,
                         testing::CatalogueCategories());
    ASSERT_OK(testing::LoadSampleRegistry(
        *stub, categories,
        [](grpc::ClientContext* context) { Identify(context, kAdmin); }));
  }

  absl::StatusOr<v1::ReportCaseResponse> Report(
      const v1::ReportCaseRequest& r, const std::string& actor = kCitizen) {
    grpc::ClientContext context;
    Identify(&context, actor);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::ReportCaseResponse response;
    RETURN_IF_ERROR(FromGrpcStatus(stub_->ReportCase(&context, r, &response)));
    return response;
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<ServiceProcess> intake_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
};

TEST_F(IntakeProcessTest, ReportGetAndList) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r, Report(Good("r-1")));
  EXPECT_THAT(r.case_().id(), StartsWith("330483-"));
  EXPECT_EQ(r.case_().grid_code(), "330483101002002");
  EXPECT_EQ(r.case_().category_name(), "暴露垃圾");

  grpc::ClientContext get_context;
  Identify(&get_context, kCitizen);
  v1::GetCaseRequest get;
  get.set_case_id(r.case_().id());
  get.set_include_timeline(true);
  v1::GetCaseResponse got;
  ASSERT_TRUE(stub_->GetCase(&get_context, get, &got).ok());
  EXPECT_EQ(got.case_().description(), "绿化带旁暴露垃圾");
  ASSERT_EQ(got.timeline_size(), 1);

  grpc::ClientContext list_context;
  Identify(&list_context, kCitizen);
  v1::ListCasesRequest list;
  list.set_region_code("330483101");
  v1::ListCasesResponse listed;
  ASSERT_TRUE(stub_->ListCases(&list_context, list, &listed).ok());
  ASSERT_EQ(listed.cases_size(), 1);
  EXPECT_EQ(listed.cases(0).id(), r.case_().id());
}

TEST_F(IntakeProcessTest, RetriesAndConcurrentRetriesMakeOneCase) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse first, Report(Good("r-1")));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse retry, Report(Good("r-1")));
  EXPECT_TRUE(retry.replayed());
  EXPECT_EQ(retry.case_().id(), first.case_().id());

  std::vector<std::thread> threads;
  std::vector<std::string> ids(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<v1::ReportCaseResponse> r = Report(Good("same", 500));
      ids[t] = r.ok() ? r->case_().id() : std::string(r.status().message());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u)
      << ids[0] << " / " << ids[1];
}

TEST_F(IntakeProcessTest, DuplicateInsideTheRadiusMergesOutsideDoesNot) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse first, Report(Good("a")));
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse inside,
                       Report(Good("b", 40), "subject=wx-2; roles=citizen"));
  EXPECT_EQ(inside.outcome(), v1::REPORT_OUTCOME_MERGED);
  EXPECT_EQ(inside.merged_into_case_id(), first.case_().id());
  EXPECT_EQ(inside.report_count(), 2);
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse outside,
                       Report(Good("c", 60), "subject=wx-3; roles=citizen"));
  EXPECT_EQ(outside.outcome(), v1::REPORT_OUTCOME_CREATED);
}

struct Bad {
  const char* name;
  std::function<void(v1::ReportCaseRequest&)> change;
  grpc::StatusCode code;
  const char* field;  // the message starts with it
};

TEST_F(IntakeProcessTest, BadRequestsGetTheirCodeAndNameTheField) {
  const Bad cases[] = {
      {"no request id", [](auto& r) { r.clear_request_id(); },
       grpc::StatusCode::INVALID_ARGUMENT, "request_id:"},
      {"bad request id", [](auto& r) { r.set_request_id("has space"); },
       grpc::StatusCode::INVALID_ARGUMENT, "request_id:"},
      {"no source", [](auto& r) { r.set_source(v1::SOURCE_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT, "source:"},
      {"no category", [](auto& r) { r.clear_category_code(); },
       grpc::StatusCode::INVALID_ARGUMENT, "category_code:"},
      {"unknown category", [](auto& r) { r.set_category_code("E0999"); },
       grpc::StatusCode::INVALID_ARGUMENT, "category_code: unknown"},
      {"missing required attribute",
       [](auto& r) { r.set_category_code("C0101"); },
       grpc::StatusCode::INVALID_ARGUMENT, "attributes[cover_state]:"},
      {"wrong attribute value",
       [](auto& r) {
         r.set_category_code("C0101");
         (*r.mutable_attributes())["cover_state"] = "stolen";
       },
       grpc::StatusCode::INVALID_ARGUMENT, "attributes[cover_state]:"},
      {"undefined attribute",
       [](auto& r) { (*r.mutable_attributes())["x"] = "1"; },
       grpc::StatusCode::INVALID_ARGUMENT, "attributes[x]:"},
      {"empty description", [](auto& r) { r.set_description(" "); },
       grpc::StatusCode::INVALID_ARGUMENT, "description:"},
      {"long description",
       [](auto& r) { r.set_description(std::string(4001, 'a')); },
       grpc::StatusCode::INVALID_ARGUMENT, "description:"},
      {"html", [](auto& r) { r.set_description("<img src=x>"); },
       grpc::StatusCode::INVALID_ARGUMENT, "description:"},
      {"long address",
       [](auto& r) {
         r.mutable_location()->set_address(std::string(501, 'x'));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "location.address:"},
      {"no location", [](auto& r) { r.clear_location(); },
       grpc::StatusCode::INVALID_ARGUMENT, "location:"},
      {"latitude", [](auto& r) { r.mutable_location()->set_latitude(95); },
       grpc::StatusCode::INVALID_ARGUMENT, "location.latitude:"},
      {"longitude", [](auto& r) { r.mutable_location()->set_longitude(181); },
       grpc::StatusCode::INVALID_ARGUMENT, "location.longitude:"},
      {"outside every grid",
       [](auto& r) { r.mutable_location()->set_latitude(31.2); },
       grpc::StatusCode::INVALID_ARGUMENT, "location: point"},
      {"ten media",
       [](auto& r) {
         for (int i = 0; i < 10; ++i) {
           v1::Media* m = r.add_media();
           m->set_kind(v1::MEDIA_KIND_PHOTO);
           m->set_uri("a.jpg");
         }
       },
       grpc::StatusCode::INVALID_ARGUMENT, "media:"},
      {"bad media uri",
       [](auto& r) {
         v1::Media* m = r.add_media();
         m->set_kind(v1::MEDIA_KIND_PHOTO);
         m->set_uri("ftp://x/a.jpg");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "media[0].uri:"},
      {"future occurred_at",
       [](auto& r) {
         r.mutable_occurred_at()->set_seconds(
             absl::ToUnixSeconds(absl::Now() + absl::Hours(1)));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "occurred_at:"},
      {"ancient occurred_at",
       [](auto& r) { r.mutable_occurred_at()->set_seconds(1500000000); },
       grpc::StatusCode::INVALID_ARGUMENT, "occurred_at:"},
      {"wrong source for a citizen",
       [](auto& r) { r.set_source(v1::SOURCE_HOTLINE); },
       grpc::StatusCode::PERMISSION_DENIED, "reporting from HOTLINE"},
      {"reporting as someone else",
       [](auto& r) { r.mutable_reporter()->set_id("wx-99"); },
       grpc::StatusCode::PERMISSION_DENIED, "reporter.id:"},
  };
  int n = 0;
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.name);
    v1::ReportCaseRequest r = Good(absl::StrCat("bad-", n++));
    c.change(r);
    absl::StatusOr<v1::ReportCaseResponse> result = Report(r);
    EXPECT_EQ(static_cast<int>(result.status().code()),
              static_cast<int>(c.code))
        << result.status();
    EXPECT_THAT(std::string(result.status().message()), StartsWith(c.field));
  }
  EXPECT_GE(n, 20);
  // Nothing was stored.
  grpc::ClientContext context;
  Identify(&context, "subject=m-d; roles=dispatcher");
  v1::ListCasesResponse listed;
  ASSERT_TRUE(stub_->ListCases(&context, {}, &listed).ok());
  EXPECT_EQ(listed.cases_size(), 0);
}

TEST_F(IntakeProcessTest, WatchSeesEveryEventInOrderAndResumesAfterReconnect) {
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse r, Report(Good("w-1")));
  const std::string id = r.case_().id();
  auto follow_up = [&](const std::string& text) {
    grpc::ClientContext context;
    Identify(&context, kCitizen);
    v1::AddFollowUpRequest f;
    f.set_case_id(id);
    f.set_request_id(text);
    f.set_kind(v1::FOLLOW_UP_KIND_COMMENT);
    f.set_text(text);
    v1::AddFollowUpResponse response;
    return stub_->AddFollowUp(&context, f, &response).ok();
  };
  // Watch the town as a dispatcher would; read the marker and two events.
  v1::WatchCasesRequest request;
  request.set_region_code("330483101");
  std::vector<v1::WatchCasesResponse> first;
  {
    grpc::ClientContext context;
    Identify(&context, "subject=m-d; roles=dispatcher");
    auto reader = stub_->WatchCases(&context, request);
    v1::WatchCasesResponse message;
    ASSERT_TRUE(reader->Read(&message));  // live
    ASSERT_TRUE(follow_up("one"));
    ASSERT_TRUE(follow_up("two"));
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(reader->Read(&message));
      first.push_back(message);
    }
    context.TryCancel();  // the connection drops
    while (reader->Read(&message)) {
    }
  }
  EXPECT_EQ(first[0].event().note(), "one");
  EXPECT_EQ(first[1].event().note(), "two");
  // Events while disconnected are delivered on reconnect, once, in order.
  ASSERT_TRUE(follow_up("three"));
  ASSERT_TRUE(follow_up("four"));
  request.set_resume_token(first[1].resume_token());
  grpc::ClientContext context;
  Identify(&context, "subject=m-d; roles=dispatcher");
  auto reader = stub_->WatchCases(&context, request);
  v1::WatchCasesResponse message;
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_FALSE(message.has_event());
  std::vector<std::string> notes;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(reader->Read(&message));
    notes.push_back(message.event().note());
  }
  EXPECT_EQ(notes, (std::vector<std::string>{"three", "four"}));
  context.TryCancel();
  while (reader->Read(&message)) {
  }
}

// One WatchCases stream read by gRPC's callback API, so that a test can
// hold hundreds open without a thread each.
class WatchStream final
    : public grpc::ClientReadReactor<v1::WatchCasesResponse> {
 public:
  WatchStream(v1::IntakeService::Stub* stub, const std::string& actor,
              const v1::WatchCasesRequest& request) {
    Identify(&context_, actor);
    stub->async()->WatchCases(&context_, &request, this);
    StartRead(&message_);
    StartCall();
  }
  ~WatchStream() override {
    context_.TryCancel();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    {
      absl::MutexLock lock(&mu_);
      ++messages_;
      if (message_.has_event()) events_.push_back(message_.event());
    }
    StartRead(&message_);
  }
  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }
  // Waits up to `timeout` until the stream has `n` messages or ended.
  bool AwaitMessages(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return messages_ >= n || done_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
    return messages_ >= n;
  }
  std::vector<v1::CaseEvent> events() {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  // The final status once the stream has ended within `timeout`.
  std::optional<grpc::Status> Finished(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&done_), timeout);
    if (!done_) return std::nullopt;
    return status_;
  }

 private:
  grpc::ClientContext context_;
  v1::WatchCasesResponse message_;
  absl::Mutex mu_;
  int messages_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<v1::CaseEvent> events_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

// Issue #16: 500 WatchCases streams each held a pooled Redis connection, so
// reports, reads and the health check timed out. Now the streams share one
// reader per shard and everything else answers as usual.
TEST_F(IntakeProcessTest, FiveHundredWatchersLeaveReportsReadsAndHealthAlone) {
  constexpr int kWatchers = 500;
  constexpr int kChannels = 10;  // 50 streams per connection
  std::vector<std::unique_ptr<v1::IntakeService::Stub>> stubs;
  for (int c = 0; c < kChannels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("gridcase.test.channel", c);  // a connection of its own
    stubs.push_back(v1::IntakeService::NewStub(grpc::CreateCustomChannel(
        intake_->target(), grpc::InsecureChannelCredentials(), args)));
  }
  std::vector<std::unique_ptr<WatchStream>> watchers;
  for (int i = 0; i < kWatchers; ++i) {
    std::string subject = absl::StrCat("wx-w", i);
    v1::WatchCasesRequest request;
    request.set_reporter_id(subject);
    watchers.push_back(std::make_unique<WatchStream>(
        stubs[i % kChannels].get(),
        absl::StrCat("subject=", subject, "; roles=citizen"), request));
  }
  int live = 0;
  std::set<std::string> ended;  // how streams that got nothing ended
  for (auto& w : watchers) {
    if (w->AwaitMessages(1, absl::Seconds(30))) {
      ++live;
    } else if (std::optional<grpc::Status> s = w->Finished(absl::Seconds(1))) {
      ended.insert(absl::StrCat(s->error_code(), " ", s->error_message()));
    }
  }
  EXPECT_EQ(live, kWatchers) << "streams that got their first message; "
                             << absl::StrJoin(ended, " | ");

  // Six reports and six reads, with the watchers open, within the usual
  // deadline (10 s); one report by the first watcher reaches its stream.
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    std::string actor = i == 0 ? "subject=wx-w0; roles=citizen" : kCitizen;
    absl::StatusOr<v1::ReportCaseResponse> r =
        Report(Good(absl::StrCat("busy-", i), 60.0 * i), actor);
    ASSERT_OK(r.status());
    ids.push_back(r->case_().id());
  }
  for (const std::string& id : ids) {
    grpc::ClientContext context;
    Identify(&context, "subject=m-d; roles=dispatcher");
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::GetCaseRequest get;
    get.set_case_id(id);
    v1::GetCaseResponse got;
    grpc::Status s = stub_->GetCase(&context, get, &got);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(server::CheckHealth(intake_->NewChannel(), {}),
                testing::IsOkAndHolds(std::string("SERVING")));
  }
  ASSERT_TRUE(watchers[0]->AwaitMessages(2, absl::Seconds(10)));
  ASSERT_FALSE(watchers[0]->events().empty());
  EXPECT_EQ(watchers[0]->events()[0].case_id(), ids[0]);
  EXPECT_TRUE(watchers[1]->events().empty());
}

TEST_F(IntakeProcessTest, WatchesBeyondTheCallersLimitAreResourceExhausted) {
  StartIntake({"--watch_max_streams_per_caller=2"});
  v1::WatchCasesRequest request;
  request.set_reporter_id("wx-1");
  WatchStream first(stub_.get(), kCitizen, request);
  WatchStream second(stub_.get(), kCitizen, request);
  ASSERT_TRUE(first.AwaitMessages(1, absl::Seconds(10)));
  ASSERT_TRUE(second.AwaitMessages(1, absl::Seconds(10)));
  WatchStream third(stub_.get(), kCitizen, request);
  std::optional<grpc::Status> refused = third.Finished(absl::Seconds(10));
  ASSERT_TRUE(refused.has_value()) << "the third stream is still open";
  EXPECT_EQ(refused->error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused->error_message(),
              HasSubstr("watch_max_streams_per_caller = 2"));
  // Another caller is not affected.
  WatchStream other(stub_.get(), "subject=wx-2; roles=citizen", [] {
    v1::WatchCasesRequest r;
    r.set_reporter_id("wx-2");
    return r;
  }());
  EXPECT_TRUE(other.AwaitMessages(1, absl::Seconds(10)));
}

TEST_F(IntakeProcessTest, WatchesBeyondTheReplicasLimitAreResourceExhausted) {
  StartIntake({"--watch_max_streams=3"});
  auto request = [](const std::string& reporter) {
    v1::WatchCasesRequest r;
    r.set_reporter_id(reporter);
    return r;
  };
  std::vector<std::unique_ptr<WatchStream>> open;
  for (int i = 0; i < 3; ++i) {
    std::string subject = absl::StrCat("wx-", i);
    open.push_back(std::make_unique<WatchStream>(
        stub_.get(), absl::StrCat("subject=", subject, "; roles=citizen"),
        request(subject)));
    ASSERT_TRUE(open.back()->AwaitMessages(1, absl::Seconds(10)));
  }
  WatchStream fourth(stub_.get(), "subject=wx-3; roles=citizen",
                     request("wx-3"));
  std::optional<grpc::Status> refused = fourth.Finished(absl::Seconds(10));
  ASSERT_TRUE(refused.has_value()) << "the fourth stream is still open";
  EXPECT_EQ(refused->error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused->error_message(), HasSubstr("watch_max_streams = 3"));
  // A stream that ends frees its place, once the server notices the
  // cancellation (within a second): a new stream is admitted within 10 s.
  open.pop_back();
  bool admitted = false;
  for (absl::Time until = absl::Now() + absl::Seconds(10);
       !admitted && absl::Now() < until;) {
    WatchStream again(stub_.get(), "subject=wx-3; roles=citizen",
                      request("wx-3"));
    admitted = again.AwaitMessages(1, absl::Seconds(10));
    if (!admitted) absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_TRUE(admitted);
  // Reports and reads still answer.
  ASSERT_OK(Report(Good("with-watchers")));
}

// Readiness pings Redis on a connection of its own: with every pooled
// connection stuck (writes paused in Redis), health stays SERVING.
TEST_F(IntakeProcessTest, HealthDoesNotWaitForAPoolSlot) {
  StartIntake({"--redis_pool_size=1"});
  ASSERT_OK(Report(Good("warm-up")));  // registry data cached
  std::atomic<bool> stop{false};
  std::vector<std::thread> busy;
  for (int t = 0; t < 24; ++t) {
    busy.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        // Fails while writes are paused: holding the pool is the point.
        Report(Good(absl::StrCat("busy-", t, "-", i), 100.0 + t))
            .status()
            .IgnoreError();
        // Spread the callers out, so that some always wait for the pool.
        absl::SleepFor(absl::Milliseconds((t * 37 + i * 53) % 200));
      }
    });
  }
  ASSERT_OK_AND_ASSIGN(auto pause,
                       testing::Subprocess::Spawn(
                           {.argv = {"redis-cli", "-s", redis_->socket_path(),
                                     "CLIENT", "PAUSE", "3000", "WRITE"}}));
  ASSERT_OK(pause->Wait(absl::Seconds(10)).status());
  std::vector<std::string> answers;
  absl::Time until = absl::Now() + absl::Milliseconds(2500);
  while (absl::Now() < until) {
    absl::StatusOr<std::string> h =
        server::CheckHealth(intake_->NewChannel(), {});
    answers.push_back(h.ok() ? *h : h.status().ToString());
    absl::SleepFor(absl::Milliseconds(200));  // probes every 100 ms
  }
  stop = true;
  for (auto& t : busy) t.join();
  EXPECT_THAT(answers, ::testing::Each(std::string("SERVING")));
  EXPECT_GE(answers.size(), 5u);
}

// --grpc_max_concurrent_streams bounds the calls in flight on one
// connection (HTTP/2 MAX_CONCURRENT_STREAMS): with 2, a third WatchCases
// stream on the same connection waits in the client until one of the first
// two ends, instead of taking another server thread.
TEST_F(IntakeProcessTest, StreamsBeyondAConnectionsLimitWaitForOneToEnd) {
  StartIntake({"--grpc_max_concurrent_streams=2"});
  grpc::ChannelArguments args;
  args.SetInt("gridcase.test.channel", 1);  // a connection of its own
  auto stub = v1::IntakeService::NewStub(grpc::CreateCustomChannel(
      intake_->target(), grpc::InsecureChannelCredentials(), args));
  auto watch = [&](const std::string& subject) {
    v1::WatchCasesRequest request;
    request.set_reporter_id(subject);
    return std::make_unique<WatchStream>(
        stub.get(), absl::StrCat("subject=", subject, "; roles=citizen"),
        request);
  };
  std::unique_ptr<WatchStream> first = watch("wx-1");
  std::unique_ptr<WatchStream> second = watch("wx-2");
  ASSERT_TRUE(first->AwaitMessages(1, absl::Seconds(10)));
  ASSERT_TRUE(second->AwaitMessages(1, absl::Seconds(10)));
  std::unique_ptr<WatchStream> third = watch("wx-3");
  // Not sent while two streams are open (a stream that started answers
  // within milliseconds, as the first two did).
  EXPECT_FALSE(third->AwaitMessages(1, absl::Seconds(2)));
  first.reset();  // cancels the first stream
  EXPECT_TRUE(third->AwaitMessages(1, absl::Seconds(10)));
}

// Intake locates reports in its own copy of the registry data (read from
// Redis), so a report makes no registry call: reports go on while every
// registry replica is down.
TEST_F(IntakeProcessTest, ReportsGoOnWhileTheRegistryIsDown) {
  ASSERT_OK(registry_->process().Signal(SIGKILL));
  ASSERT_OK(registry_->process().Wait(absl::Seconds(10)).status());
  ASSERT_OK_AND_ASSIGN(v1::ReportCaseResponse created,
                       Report(Good("while-down", 300)));
  EXPECT_EQ(created.outcome(), v1::REPORT_OUTCOME_CREATED);
  EXPECT_FALSE(created.case_().grid_code().empty());
  EXPECT_THAT(Report(Good("outside", 1e6)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("outside every grid")));
}

// With --registry_replica=false intake asks the registry on every report.
TEST_F(IntakeProcessTest, RegistryDownIsUnavailableQuickly) {
  StartIntake({"--registry_replica=false"});
  ASSERT_OK(Report(Good("warm-up")));  // categories and calendar cached
  ASSERT_OK(registry_->process().Signal(SIGKILL));
  ASSERT_OK(registry_->process().Wait(absl::Seconds(10)).status());
  absl::Time start = absl::Now();
  EXPECT_THAT(Report(Good("r-2", 300)),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("registry unavailable")));
  // --registry_timeout=500ms bounds the wait; allow for a slow machine.
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace gridcase
