// The common server bootstrap, in-process on 127.0.0.1 port 0.
#include "common/server/server.h"

#include <grpcpp/client_context.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/server/health_client.h"
#include "common/status/status_matchers.h"
#include "common/testing/in_process_server.h"
#include "gmock/gmock.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gtest/gtest.h"

namespace gridcase::server {
namespace {

using ::gridcase::testing::InProcessServer;
using ::gridcase::testing::IsOkAndHolds;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

// LocateGrid answers NOT_FOUND at latitude 0, waits for `release_` at
// latitude 99 (a slow call for drain tests), and OK otherwise.
class TestRegistry final : public v1::RegistryService::Service {
 public:
  grpc::Status LocateGrid(grpc::ServerContext*,
                          const v1::LocateGridRequest* request,
                          v1::LocateGridResponse* response) override {
    if (request->latitude() == 0) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "outside every grid");
    }
    if (request->latitude() == 99) {
      started_.Notify();
      release_.WaitForNotificationWithTimeout(absl::Seconds(10));
    }
    response->mutable_grid()->set_code("330483101001001");
    return grpc::Status::OK;
  }
  absl::Notification started_;
  absl::Notification release_;
};

grpc::Status Locate(const std::shared_ptr<grpc::Channel>& channel,
                    double latitude) {
  auto stub = v1::RegistryService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::LocateGridRequest request;
  request.set_latitude(latitude);
  v1::LocateGridResponse response;
  return stub->LocateGrid(&context, request, &response);
}

absl::StatusOr<std::string> Health(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  return CheckHealth(channel, {.service = service});
}

// Waits until health equals `want` (the probe runs every 50ms).
absl::StatusOr<std::string> AwaitHealth(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
    const std::string& want) {
  return CheckHealth(
      channel, {.service = service, .wait = absl::Seconds(10), .want = want});
}

constexpr char kRegistry[] = "gridcase.v1.RegistryService";

TEST(Server, InterceptorCountsCallsByMethodAndCode) {
  TestRegistry registry;
  ASSERT_OK_AND_ASSIGN(
      auto server,
      InProcessServer::Start({.services = {{&registry, kRegistry}}}));
  auto channel = server->NewChannel();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Locate(channel, 30.6).ok());
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Locate(channel, 0).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {  // not implemented by TestRegistry
    auto stub = v1::RegistryService::NewStub(channel);
    grpc::ClientContext context;
    v1::GetRegionResponse response;
    EXPECT_EQ(stub->GetRegion(&context, {}, &response).error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }

  ASSERT_OK_AND_ASSIGN(std::string text, server->ScrapeMetrics());
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\","
                              "grpc_method=\"LocateGrid\",grpc_service="
                              "\"gridcase.v1.RegistryService\"} 3"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\"NOT_"
                              "FOUND\",grpc_method=\"LocateGrid\",grpc_"
                              "service=\"gridcase.v1.RegistryService\"} 2"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code=\""
                              "UNIMPLEMENTED\",grpc_method=\"GetRegion\","
                              "grpc_service=\"gridcase.v1.RegistryService\"} "
                              "1"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handling_seconds_count{grpc_"
                              "method=\"LocateGrid\",grpc_service=\"gridcase."
                              "v1.RegistryService\"} 5"));
  EXPECT_THAT(text, HasSubstr("gridcase_health_serving 1"));
}

TEST(Server, HealthFollowsTheProbe) {
  TestRegistry registry;
  std::atomic<bool> redis_up{true};
  ASSERT_OK_AND_ASSIGN(auto server,
                       InProcessServer::Start(
                           {.services = {{&registry, kRegistry}}, .probe = [&] {
                              return redis_up
                                         ? absl::OkStatus()
                                         : absl::UnavailableError("redis down");
                            }}));
  auto channel = server->NewChannel();
  EXPECT_THAT(Health(channel, ""), IsOkAndHolds("SERVING"));
  EXPECT_THAT(Health(channel, kRegistry), IsOkAndHolds("SERVING"));
  EXPECT_THAT(Health(channel, "no.such.Service"),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));

  EXPECT_THAT(Health(channel, kLivenessService), IsOkAndHolds("SERVING"));

  redis_up = false;
  EXPECT_THAT(AwaitHealth(channel, "", "NOT_SERVING"),
              IsOkAndHolds("NOT_SERVING"));
  EXPECT_THAT(Health(channel, kRegistry), IsOkAndHolds("NOT_SERVING"));
  // Liveness ignores Redis: a pod must not be restarted for Redis' outage.
  EXPECT_THAT(Health(channel, kLivenessService), IsOkAndHolds("SERVING"));
  EXPECT_FALSE(server->server().serving());
  redis_up = true;
  EXPECT_THAT(AwaitHealth(channel, kRegistry, "SERVING"),
              IsOkAndHolds("SERVING"));
}

TEST(Server, ShutdownStopsServingButDrainsCallsInFlight) {
  TestRegistry registry;
  ASSERT_OK_AND_ASSIGN(
      auto server,
      InProcessServer::Start({.services = {{&registry, kRegistry}}}));
  auto channel = server->NewChannel();
  grpc::Status slow_status;
  std::thread slow([&] { slow_status = Locate(channel, 99); });
  ASSERT_TRUE(
      registry.started_.WaitForNotificationWithTimeout(absl::Seconds(10)));

  std::thread stopper([&] { server->server().Shutdown(); });
  // New calls are refused while the slow one is still running.
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  grpc::Status fresh;
  do {
    fresh = Locate(server->NewChannel(), 30.6);
  } while (fresh.ok() && absl::Now() < deadline);
  EXPECT_FALSE(fresh.ok());
  registry.release_.Notify();
  slow.join();
  stopper.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
  EXPECT_FALSE(server->server().serving());
}

// Blocks each LocateGrid until `calls` of them are running at once.
class GatheringRegistry final : public v1::RegistryService::Service {
 public:
  explicit GatheringRegistry(int calls) : calls_(calls) {}
  grpc::Status LocateGrid(grpc::ServerContext*, const v1::LocateGridRequest*,
                          v1::LocateGridResponse*) override {
    absl::MutexLock lock(&mu_);
    ++running_;
    auto all_in = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return running_ >= calls_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&all_in), absl::Seconds(10));
    return grpc::Status::OK;
  }

 private:
  const int calls_;
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

int ThreadsOfThisProcess() {
  int n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/self/task")) {
    (void)entry;
    ++n;
  }
  return n;
}

// Threads left once `calls` calls that each held a server thread at the same
// time have finished, with `max_idle_threads`.
int ThreadsLeftAfterConcurrentCalls(int calls, int max_idle_threads) {
  GatheringRegistry registry(calls);
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(
          {.services = {{&registry, kRegistry}},
           .transport = {.max_idle_threads = max_idle_threads}});
  EXPECT_OK(server.status());
  if (!server.ok()) return -1;
  auto channel = (*server)->NewChannel();
  std::vector<std::thread> callers;
  std::vector<grpc::Status> results(calls);
  for (int i = 0; i < calls; ++i) {
    callers.emplace_back([&, i] { results[i] = Locate(channel, 30.6); });
  }
  for (std::thread& t : callers) t.join();
  for (const grpc::Status& s : results)
    EXPECT_TRUE(s.ok()) << s.error_message();
  // A thread past the limit exits right after its call; give it time.
  absl::SleepFor(absl::Milliseconds(500));
  return ThreadsOfThisProcess();
}

// gRPC's sync server ends a thread that finishes a call when more than
// max_idle_threads wait already, and starts a new one for the next call:
// with 16 calls at once and the limit at 2, most of the 16 threads go; at
// 64 they stay for the next calls.
TEST(Server, ThreadsThatServedCallsWaitForTheNextUpToTheLimit) {
  constexpr int kCalls = 16;
  int with_two = ThreadsLeftAfterConcurrentCalls(kCalls, 2);
  int with_sixty_four = ThreadsLeftAfterConcurrentCalls(kCalls, 64);
  EXPECT_GE(with_sixty_four - with_two, kCalls / 2)
      << "threads left: " << with_two << " with 2, " << with_sixty_four
      << " with 64";
}

TEST(Server, ReportsThePortsItChose) {
  TestRegistry registry;
  ASSERT_OK_AND_ASSIGN(
      auto server,
      InProcessServer::Start({.services = {{&registry, kRegistry}}}));
  EXPECT_GT(server->server().grpc_port(), 0);
  EXPECT_GT(server->server().admin_port(), 0);
  EXPECT_NE(server->server().grpc_port(), server->server().admin_port());
}

TEST(ValidateServerOptions, NamesTheBadOption) {
  ServerOptions good{.service_name = "x"};
  EXPECT_OK(ValidateServerOptions(good));
  auto with = [&](auto change) {
    ServerOptions o = good;
    change(o);
    return ValidateServerOptions(o);
  };
  EXPECT_THAT(with([](ServerOptions& o) { o.grpc_address = "8080"; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grpc_address: must be host:port")));
  EXPECT_THAT(
      with([](ServerOptions& o) { o.admin_address = "x:70000"; }),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("admin_address")));
  EXPECT_OK(with([](ServerOptions& o) { o.admin_address = ""; }));
  EXPECT_THAT(
      with([](ServerOptions& o) { o.drain_timeout = absl::ZeroDuration(); }),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("drain_timeout")));
  EXPECT_THAT(
      with([](ServerOptions& o) { o.health_interval = absl::Milliseconds(1); }),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("health_interval")));
  EXPECT_THAT(with([](ServerOptions& o) { o.transport.max_idle_threads = 0; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grpc_max_idle_threads: must be 1-4096")));
}

TEST(MethodNames, ComeFromTheDescriptorPool) {
  std::vector<std::string> names = MethodNames(kRegistry);
  EXPECT_THAT(names,
              ::testing::Contains("/gridcase.v1.RegistryService/LocateGrid"));
  EXPECT_TRUE(MethodNames("no.such.Service").empty());
}

}  // namespace
}  // namespace gridcase::server
