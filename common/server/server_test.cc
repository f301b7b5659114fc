// The common server bootstrap, in-process on 127.0.0.1 port 0.
#include "common/server/server.h"

#include <grpcpp/client_context.h>

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
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
}

TEST(MethodNames, ComeFromTheDescriptorPool) {
  std::vector<std::string> names = MethodNames(kRegistry);
  EXPECT_THAT(names,
              ::testing::Contains("/gridcase.v1.RegistryService/LocateGrid"));
  EXPECT_TRUE(MethodNames("no.such.Service").empty());
}

}  // namespace
}  // namespace gridcase::server
