// IntakeServiceTest: IntakeServiceImpl over a real redis-server
// (RedisCaseStore) and a fake registry, through an in-process gRPC server.
// Shared by intake's service tests.
#ifndef GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_FIXTURE_H_
#define GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_FIXTURE_H_

#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "common/clock/fake_clock.h"
#include "common/redis/pipelined_client.h"
#include "common/redis/redis_pool.h"
#include "common/registry_client/fake_registry_client.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/testing/in_process_server.h"
#include "common/testing/redis_server.h"
#include "gtest/gtest.h"
#include "services/intake/case_store.h"
#include "services/intake/intake_service.h"
#include "services/intake/intake_test_data.h"

namespace gridcase::intake {

inline constexpr char kCitizen[] = "subject=wx-alice; roles=citizen";
inline constexpr char kOtherCitizen[] = "subject=wx-bob; roles=citizen";
inline constexpr char kDispatcher[] = "subject=m-d; roles=dispatcher";
// 2026-06-30 10:00 Asia/Shanghai, a Tuesday.
inline const absl::Time kStart = absl::FromUnixSeconds(1782784800);
// Puyuan grid box: 30.680-30.690 N, 120.625-120.635 E.
inline constexpr double kLat = 30.6840;
inline constexpr double kLng = 120.6300;

inline v1::LocateGridResponse PuyuanGrid() {
  v1::LocateGridResponse r;
  r.mutable_grid()->set_code("330483101002002");
  r.mutable_community()->set_code("330483101002");
  r.mutable_town()->set_code("330483101");
  r.mutable_city()->set_code("330483");
  return r;
}

class IntakeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, ::gridcase::testing::RedisServer::Start());
    // The client the services use by default: shared pipelined
    // connections, so GetCase's reads really complete on another thread.
    ASSERT_OK_AND_ASSIGN(redis_client_,
                         redis::PipelinedClient::Create(
                             {.address = redis_->address()}, /*lanes=*/2));
    store_ = std::make_unique<RedisCaseStore>(redis_client_.get(),
                                              RedisCaseStore::Options{});
    registry_.AddGrid({PuyuanGrid(), 30.680, 120.625, 30.690, 120.635});
    registry_.AddCategory(testdata::GarbageCategory());
    // WatchCases' shard readers, on connections of their own.
    ASSERT_OK_AND_ASSIGN(
        reader_pool_,
        redis::RedisPool::Create({.address = redis_->address(),
                                  .max_connections = 16,
                                  .command_timeout = absl::Seconds(3)}));
    reader_store_ = std::make_unique<RedisCaseStore>(reader_pool_.get(),
                                                     RedisCaseStore::Options{});
    hub_ = std::make_unique<WatchHub>(
        std::vector<CaseStore*>(16, reader_store_.get()), WatchLimits{},
        &metrics_);
    hub_->Start();
    service_ = std::make_unique<IntakeServiceImpl>(
        store_.get(), &registry_, &authenticator_, &clock_, &metrics_,
        hub_.get(), IntakeOptions{});
    ASSERT_OK_AND_ASSIGN(
        server_, ::gridcase::testing::InProcessServer::Start(
                     {.services = {{service_.get(),
                                    v1::IntakeService::service_full_name()}}}));
    stub_ = v1::IntakeService::NewStub(server_->NewChannel());
  }

  absl::StatusOr<v1::ReportCaseResponse> Report(
      const v1::ReportCaseRequest& request,
      const std::string& actor = kCitizen) {
    grpc::ClientContext context;
    context.AddMetadata("x-gridcase-actor", actor);
    v1::ReportCaseResponse response;
    RETURN_IF_ERROR(
        FromGrpcStatus(stub_->ReportCase(&context, request, &response)));
    return response;
  }

  absl::StatusOr<v1::GetCaseResponse> Get(const std::string& id,
                                          const std::string& actor = kCitizen) {
    grpc::ClientContext context;
    context.AddMetadata("x-gridcase-actor", actor);
    v1::GetCaseRequest request;
    request.set_case_id(id);
    request.set_include_timeline(true);
    v1::GetCaseResponse response;
    RETURN_IF_ERROR(
        FromGrpcStatus(stub_->GetCase(&context, request, &response)));
    return response;
  }

  template <typename Req, typename Resp>
  absl::StatusOr<Resp> Call(grpc::Status (v1::IntakeService::Stub::*rpc)(
                                grpc::ClientContext*, const Req&, Resp*),
                            const Req& request,
                            const std::string& actor = kCitizen) {
    grpc::ClientContext context;
    context.AddMetadata("x-gridcase-actor", actor);
    Resp response;
    RETURN_IF_ERROR(
        FromGrpcStatus((stub_.get()->*rpc)(&context, request, &response)));
    return response;
  }

  // A report at `metres_north` of the standard point (1° lat ≈ 111,195 m).
  v1::ReportCaseRequest At(const std::string& request_id, double metres_north) {
    v1::ReportCaseRequest r = testdata::GoodReport(request_id);
    r.mutable_location()->set_latitude(kLat + metres_north / 111195.0);
    return r;
  }

  std::unique_ptr<::gridcase::testing::RedisServer> redis_;
  std::unique_ptr<redis::PipelinedClient> redis_client_;
  std::unique_ptr<RedisCaseStore> store_;
  registry_client::FakeRegistryClient registry_;
  auth::DevHeaderAuthenticator authenticator_;
  FakeClock clock_{kStart};
  prometheus::Registry prometheus_;
  IntakeMetrics metrics_{prometheus_};
  std::unique_ptr<redis::RedisPool> reader_pool_;
  std::unique_ptr<RedisCaseStore> reader_store_;
  std::unique_ptr<WatchHub> hub_;
  std::unique_ptr<IntakeServiceImpl> service_;
  std::unique_ptr<::gridcase::testing::InProcessServer> server_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
};

}  // namespace gridcase::intake

#endif  // GRIDCASE_SERVICES_INTAKE_INTAKE_SERVICE_FIXTURE_H_
