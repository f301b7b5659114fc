// Faults under load: gridcase-intake killed with SIGKILL, and redis-server
// restarted, while reports stream in. Clients retry every report that was
// not acknowledged, with its request_id, as the contract says. Afterwards:
// every acknowledged report is stored, no report is stored twice, and every
// stored case has exactly one report event on its shard stream.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/cases/case_keys.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gtest/gtest.h"

namespace gridcase {
namespace {

using ::gridcase::testing::Identify;
using ::gridcase::testing::RedisServer;
using ::gridcase::testing::ServiceProcess;

constexpr char kAdmin[] = "subject=m-admin; roles=admin";
constexpr int kShards = 16;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class IntakeFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        redis_,
        RedisServer::Start({.extra_args = {"--appendonly", "yes",
                                           "--appendfsync", "always"}}));
    ASSERT_OK_AND_ASSIGN(registry_,
                         ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                                .redis = redis_->address()}));
    auto stub = v1::RegistryService::NewStub(registry_->NewChannel());
    grpc::ClientContext context;
    Identify(&context, kAdmin);
    v1::ImportGridsRequest grids;
    grids.set_geojson(ReadFile(std::string(GRIDCASE_SOURCE_DIR) +
                               "/tools/sample-data/tongxiang/grids.geojson"));
    v1::ImportGridsResponse imported;
    ASSERT_TRUE(stub->ImportGrids(&context, grids, &imported).ok());
    v1::ListCategoriesResponse catalogue;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                    ReadFile(std::string(GRIDCASE_SOURCE_DIR) +
                             "/services/registry/data/catalogue.json"),
                    &catalogue)
                    .ok());
    for (const v1::Category& c : catalogue.categories()) {
      if (c.code() != "E0101") continue;
      grpc::ClientContext upsert_context;
      Identify(&upsert_context, kAdmin);
      v1::UpsertCategoryRequest request;
      *request.mutable_category() = c;
      v1::UpsertCategoryResponse response;
      ASSERT_TRUE(
          stub->UpsertCategory(&upsert_context, request, &response).ok());
    }
    StartIntake();
  }

  void StartIntake() {
    ASSERT_OK_AND_ASSIGN(
        auto intake,
        ServiceProcess::Start(
            {.binary = GRIDCASE_INTAKE_BIN,
             .redis = redis_->address(),
             // One citizen reports all 300: no daily
             // quota here (limits_process_test has it).
             .extra_args = {absl::StrCat("--registry=", registry_->target()),
                            "--report_quota_per_day=0"}}));
    absl::MutexLock lock(&mu_);
    intake_ = std::move(intake);
    channel_ = intake_->NewChannel();
  }

  // Reports request `n` once; returns the case id, or "" if not acknowledged.
  std::string ReportOnce(int n) {
    std::shared_ptr<grpc::Channel> channel;
    {
      absl::MutexLock lock(&mu_);
      channel = channel_;
    }
    auto stub = v1::IntakeService::NewStub(channel);
    grpc::ClientContext context;
    Identify(&context, "subject=wx-load; roles=citizen");
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(3)));
    v1::ReportCaseRequest r;
    r.set_request_id(absl::StrCat("load-", n));
    r.set_source(v1::SOURCE_WECHAT);
    r.set_category_code("E0101");
    r.set_description(absl::StrCat("report ", n));
    // 300 distinct points over Puyuan's sample grids, 66 m x 105 m apart,
    // so that no report is a duplicate of another.
    r.mutable_location()->set_latitude(30.6810 + (n % 10) * 0.0006);
    r.mutable_location()->set_longitude(120.6130 + (n / 10 % 30) * 0.0011);
    v1::ReportCaseResponse response;
    grpc::Status status = stub->ReportCase(&context, r, &response);
    return status.ok() ? response.case_().id() : "";
  }

  // Runs `reports` reports on 4 threads while `fault` happens; then retries
  // every unacknowledged one until it is acknowledged.
  std::map<int, std::string> LoadThrough(int reports,
                                         const std::function<void()>& fault) {
    std::map<int, std::string> acked;
    absl::Mutex acked_mu;
    std::atomic<int> next{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&] {
        for (int n = next++; n < reports; n = next++) {
          std::string id = ReportOnce(n);
          absl::MutexLock lock(&acked_mu);
          if (!id.empty()) {
            acked[n] = id;
          } else {
            ++failed_during_load_;
          }
        }
      });
    }
    while (next < reports / 3) absl::SleepFor(absl::Milliseconds(5));
    fault();
    for (auto& c : clients) c.join();
    absl::Time deadline = absl::Now() + absl::Seconds(60);
    for (int n = 0; n < reports; ++n) {
      while (!acked.count(n) && absl::Now() < deadline) {
        std::string id = ReportOnce(n);
        if (!id.empty()) {
          acked[n] = id;
        } else {
          absl::SleepFor(absl::Milliseconds(50));
        }
      }
    }
    return acked;
  }

  void ExpectConsistent(const std::map<int, std::string>& acked, int reports) {
    ASSERT_EQ(static_cast<int>(acked.size()), reports);
    std::set<std::string> ids;
    for (const auto& [n, id] : acked) ids.insert(id);
    EXPECT_EQ(static_cast<int>(ids.size()), reports)
        << "a report was stored twice";
    ASSERT_OK_AND_ASSIGN(
        auto pool, redis::RedisPool::Create({.address = redis_->address()}));
    int cases = 0;
    int events = 0;
    for (int shard = 0; shard < kShards; ++shard) {
      ASSERT_OK_AND_ASSIGN(redis::Reply n,
                           pool->Command({"XLEN", cases::EventsKey(shard)}));
      events += static_cast<int>(n.integer());
    }
    for (const std::string& id : ids) {
      ASSERT_OK_AND_ASSIGN(cases::CaseId parsed,
                           cases::ParseCaseId(id, kShards));
      ASSERT_OK_AND_ASSIGN(
          redis::Reply exists,
          pool->Command({"EXISTS", cases::CaseKey(parsed.shard, id)}));
      EXPECT_EQ(exists.integer(), 1) << id << " was acknowledged but is lost";
      ASSERT_OK_AND_ASSIGN(
          redis::Reply timeline,
          pool->Command({"LLEN", cases::TimelineKey(parsed.shard, id)}));
      EXPECT_EQ(timeline.integer(), 1) << id;
      ++cases;
    }
    EXPECT_EQ(events, cases) << "every case has exactly one report event";
  }

  // Waits until the load has seen a failed report, so the fault surely hit
  // reports in flight.
  void AwaitAFailure() {
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (failed_during_load_ == 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(1));
    }
  }

  std::atomic<int> failed_during_load_{0};
  absl::Mutex mu_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<ServiceProcess> intake_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<grpc::Channel> channel_ ABSL_GUARDED_BY(mu_);
};

TEST_F(IntakeFaultTest, KillNineMidLoadLosesNothingAndDuplicatesNothing) {
  constexpr int kReports = 300;
  std::map<int, std::string> acked = LoadThrough(kReports, [&] {
    {
      absl::MutexLock lock(&mu_);
      ASSERT_OK(intake_->process().Signal(SIGKILL));
    }
    AwaitAFailure();
    StartIntake();  // a replacement replica, as Kubernetes would start
  });
  EXPECT_GT(failed_during_load_.load(), 0);
  ExpectConsistent(acked, kReports);
}

TEST_F(IntakeFaultTest, RedisRestartMidLoadLosesNothing) {
  constexpr int kReports = 300;
  std::map<int, std::string> acked = LoadThrough(kReports, [&] {
    ASSERT_OK(redis_->Stop());
    AwaitAFailure();
    ASSERT_OK(redis_->Restart());
  });
  EXPECT_GT(failed_during_load_.load(), 0);
  ExpectConsistent(acked, kReports);
}

}  // namespace
}  // namespace gridcase
