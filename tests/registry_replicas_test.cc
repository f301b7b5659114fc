// Two gridcase-registry processes on one real redis-server: an import made
// through one is served by the other within 2 s, and both still locate after
// both restart.
#include <grpcpp/client_context.h>
#include <signal.h>

#include <string>

#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/registry/registry_test_data.h"

namespace gridcase {
namespace {

using ::gridcase::testing::Identify;
using ::gridcase::testing::RedisServer;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<std::string> LocateVia(ServiceProcess& registry, double lat,
                                      double lng) {
  auto stub = v1::RegistryService::NewStub(registry.NewChannel());
  grpc::ClientContext context;
  Identify(&context, "subject=system:test; roles=system");
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  v1::LocateGridRequest request;
  request.set_latitude(lat);
  request.set_longitude(lng);
  v1::LocateGridResponse response;
  grpc::Status status = stub->LocateGrid(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.grid().code();
}

class RegistryReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start());
    StartBoth();
  }
  void StartBoth() {
    for (auto* replica : {&a_, &b_}) {
      ASSERT_OK_AND_ASSIGN(
          *replica, ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                           .redis = redis_->address()}));
    }
  }
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> a_;
  std::unique_ptr<ServiceProcess> b_;
};

TEST_F(RegistryReplicasTest, ImportThroughOneLocateThroughTheOther) {
  // Before the import: nothing to find anywhere.
  EXPECT_THAT(
      LocateVia(*b_, 30.605, 120.525),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("outside every grid")));

  auto stub = v1::RegistryService::NewStub(a_->NewChannel());
  grpc::ClientContext context;
  Identify(&context, "subject=m-admin; roles=admin");
  v1::ImportGridsRequest request;
  request.set_geojson(registry::testdata::GridsGeoJson());
  request.set_source_name("test.geojson");
  v1::ImportGridsResponse response;
  ASSERT_TRUE(stub->ImportGrids(&context, request, &response).ok());
  absl::Time imported = absl::Now();
  EXPECT_EQ(response.grid_count(), 4);

  // Replica B serves the import within 2 s (it polls every 500 ms).
  absl::StatusOr<std::string> found;
  do {
    found = LocateVia(*b_, 30.605, 120.525);
  } while (!found.ok() && absl::Now() - imported < absl::Seconds(2));
  ASSERT_TRUE(found.ok()) << found.status() << " after "
                          << absl::Now() - imported;
  EXPECT_EQ(*found, registry::testdata::kGridB1);

  // Restart both replicas: the registry lives in Redis.
  for (auto* replica : {&a_, &b_}) {
    ASSERT_OK((*replica)->process().Signal(SIGTERM));
    ASSERT_OK((*replica)->process().Wait(absl::Seconds(30)).status());
  }
  StartBoth();
  EXPECT_THAT(LocateVia(*a_, 30.605, 120.505),
              ::gridcase::testing::IsOkAndHolds(registry::testdata::kGridA1));
  EXPECT_THAT(LocateVia(*b_, 30.605, 120.535),
              ::gridcase::testing::IsOkAndHolds(registry::testdata::kGridB2));
}

}  // namespace
}  // namespace gridcase
