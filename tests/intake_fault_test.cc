// Faults under load: gridcase-intake killed with SIGKILL, and redis-server
// restarted, while reports stream in. Clients retry every report that was
// not acknowledged, with its request_id, as the contract says. Afterwards:
// every acknowledged report is stored, no report is stored twice, and every
// stored case has exactly one report event on its shard stream.
//
// And a power loss under appendfsync everysec: Redis comes back from an AOF
// that lacks the last reports it acknowledged. Those are lost, as everysec
// allows, but their case ids are never handed to other reports.
#include <grpcpp/client_context.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
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

constexpr char kAdmin[] = "subject=m-admin; roles=admin";
constexpr int kShards = 16;

class IntakeFaultTest : public ::testing::Test {
 protected:
  // How Redis persists.
  virtual RedisServer::Options RedisOptions() const {
    return {.extra_args = {"--appendonly", "yes", "--appendfsync", "always"}};
  }
  // Intake's own flags.
  virtual std::vector<std::string> IntakeArgs() const { return {}; }

  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start(RedisOptions()));
    ASSERT_OK_AND_ASSIGN(registry_,
                         ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                                .redis = redis_->address()}));
    auto stub = v1::RegistryService::NewStub(registry_->NewChannel());
    ASSERT_OK_AND_ASSIGN(std::vector<v1::Category> categories,
                         testing::CatalogueCategories({"E0101"}));
    ASSERT_OK(testing::LoadSampleRegistry(
        *stub, categories,
        [](grpc::ClientContext* context) { Identify(context, kAdmin); }));
    StartIntake();
  }

  void StartIntake() {
    std::vector<std::string> args = IntakeArgs();
    args.push_back(absl::StrCat("--registry=", registry_->target()));
    // One citizen reports all 300: no daily quota here
    // (limits_process_test has it).
    args.push_back("--report_quota_per_day=0");
    ASSERT_OK_AND_ASSIGN(auto intake,
                         ServiceProcess::Start({.binary = GRIDCASE_INTAKE_BIN,
                                                .redis = redis_->address(),
                                                .extra_args = args}));
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

  // Reports request `n` until it is acknowledged (Redis may be restarting);
  // returns the case id.
  std::string ReportUntilAcked(int n) {
    absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      std::string id = ReportOnce(n);
      if (!id.empty()) return id;
      absl::SleepFor(absl::Milliseconds(50));  // Redis is starting
    }
    ADD_FAILURE() << "report " << n << " was never acknowledged";
    return "";
  }

  // The stored description of case `id`, or "" if there is no such case.
  std::string StoredDescription(redis::RedisClient& redis,
                                const std::string& id) {
    absl::StatusOr<store::CaseId> parsed = store::ParseCaseId(id, kShards);
    EXPECT_OK(parsed.status());
    if (!parsed.ok()) return "";
    absl::StatusOr<redis::Reply> pb =
        redis.Command({"HGET", store::CaseKey(parsed->shard, id), "pb"});
    EXPECT_OK(pb.status());
    v1::Case c;
    if (!pb.ok() || pb->is_nil() || !c.ParseFromString(pb->str())) return "";
    return c.description();
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
                           pool->Command({"XLEN", store::EventsKey(shard)}));
      events += static_cast<int>(n.integer());
    }
    for (const std::string& id : ids) {
      ASSERT_OK_AND_ASSIGN(store::CaseId parsed,
                           store::ParseCaseId(id, kShards));
      ASSERT_OK_AND_ASSIGN(
          redis::Reply exists,
          pool->Command({"EXISTS", store::CaseKey(parsed.shard, id)}));
      EXPECT_EQ(exists.integer(), 1) << id << " was acknowledged but is lost";
      ASSERT_OK_AND_ASSIGN(
          redis::Reply timeline,
          pool->Command({"LLEN", store::TimelineKey(parsed.shard, id)}));
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

// Redis at maxmemory (noeviction): a report is RESOURCE_EXHAUSTED with a
// message that names no Redis detail, reads still answer, and once memory
// is freed the same request is stored.
TEST_F(IntakeFaultTest, RedisFullIsResourceExhaustedAndRecovers) {
  ASSERT_OK_AND_ASSIGN(
      auto pool, redis::RedisPool::Create({.address = redis_->address()}));
  std::string before = ReportOnce(1);
  ASSERT_FALSE(before.empty());
  ASSERT_OK(pool->Command({"CONFIG", "SET", "maxmemory", "1"}));

  auto stub = v1::IntakeService::NewStub(intake_->NewChannel());
  auto report = [&](v1::ReportCaseResponse* response) {
    grpc::ClientContext context;
    Identify(&context, "subject=wx-load; roles=citizen");
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::ReportCaseRequest r;
    r.set_request_id("full-1");
    r.set_source(v1::SOURCE_WECHAT);
    r.set_category_code("E0101");
    r.set_description("report when full");
    r.mutable_location()->set_latitude(30.6840);
    r.mutable_location()->set_longitude(120.6300);
    return stub->ReportCase(&context, r, response);
  };
  v1::ReportCaseResponse response;
  grpc::Status full = report(&response);
  EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << full.error_message();
  EXPECT_THAT(full.error_message(), ::testing::HasSubstr("storage is full"));
  EXPECT_THAT(full.error_message(),
              ::testing::Not(::testing::HasSubstr("maxmemory")));
  {
    grpc::ClientContext context;
    Identify(&context, "subject=wx-load; roles=citizen");
    v1::GetCaseRequest get;
    get.set_case_id(before);
    v1::GetCaseResponse got;
    EXPECT_TRUE(stub->GetCase(&context, get, &got).ok());
  }
  ASSERT_OK(pool->Command({"CONFIG", "SET", "maxmemory", "0"}));
  grpc::Status stored = report(&response);
  EXPECT_TRUE(stored.ok()) << stored.error_message();
  EXPECT_FALSE(response.replayed());
}

class IntakePowerLossTest : public IntakeFaultTest {
 protected:
  RedisServer::Options RedisOptions() const override {
    return {.extra_args = {"--appendonly", "yes", "--appendfsync", "everysec"}};
  }

  // Waits until Redis has written every acknowledged write to its AOF (the
  // kernel may not have it on disk yet: everysec fsyncs once a second).
  void AwaitAofWritten() {
    ASSERT_OK_AND_ASSIGN(
        auto pool, redis::RedisPool::Create({.address = redis_->address()}));
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      ASSERT_OK_AND_ASSIGN(redis::Reply info,
                           pool->Command({"INFO", "persistence"}));
      if (absl::StrContains(info.str(), "aof_buffer_length:0\r\n")) return;
      absl::SleepFor(absl::Milliseconds(5));  // polling Redis' state
    }
    FAIL() << "Redis did not write its AOF buffer";
  }
};

TEST_F(IntakePowerLossTest, IdsLostInARestoreAreNeverHandedToOtherReports) {
  constexpr int kKept = 20;   // acknowledged, then saved in the AOF copy
  constexpr int kLost = 20;   // acknowledged after the copy
  constexpr int kAfter = 40;  // reported after the restore
  std::map<int, std::string> before;  // request n → acknowledged case id
  for (int n = 0; n < kKept; ++n) before[n] = ReportUntilAcked(n);
  AwaitAofWritten();
  // What a power loss leaves of the AOF under everysec: the file as it stood
  // a moment earlier. Redis 7 keeps it as a directory with a manifest.
  namespace fs = std::filesystem;
  const fs::path aof = fs::path(redis_->dir()) / "appendonlydir";
  const fs::path saved = fs::path(redis_->dir()) / "appendonlydir.saved";
  fs::copy(aof, saved, fs::copy_options::recursive);
  for (int n = kKept; n < kKept + kLost; ++n) before[n] = ReportUntilAcked(n);

  ASSERT_OK(redis_->Kill());
  fs::remove_all(aof);
  fs::rename(saved, aof);
  ASSERT_OK(redis_->Restart());
  ASSERT_OK_AND_ASSIGN(
      auto pool, redis::RedisPool::Create({.address = redis_->address()}));
  for (int n = kKept; n < kKept + kLost; ++n) {
    ASSERT_EQ(StoredDescription(*pool, before[n]), "")
        << "report " << n << " was lost with the AOF's last second";
  }

  // New reports, and the lost ones retried with their request ids.
  std::map<int, std::string> after;
  for (int n = kKept + kLost; n < kKept + kLost + kAfter; ++n) {
    after[n] = ReportUntilAcked(n);
  }
  for (int n = kKept; n < kKept + kLost; ++n) after[n] = ReportUntilAcked(n);

  for (int n = 0; n < kKept; ++n) {
    EXPECT_EQ(StoredDescription(*pool, before[n]), absl::StrCat("report ", n))
        << before[n] << " survived the restore intact";
  }
  std::map<std::string, int> owner;  // id acknowledged before the loss → n
  for (const auto& [n, id] : before) owner[id] = n;
  EXPECT_EQ(owner.size(), before.size());
  for (const auto& [n, id] : after) {
    auto it = owner.find(id);
    EXPECT_TRUE(it == owner.end() || it->second == n)
        << "report " << n << " got " << id << ", acknowledged before the "
        << "loss for report " << it->second;
    EXPECT_EQ(StoredDescription(*pool, id), absl::StrCat("report ", n)) << id;
  }
}

// --redis_wait_replicas=1: a report is acknowledged only once a replica
// holds it.
class IntakeReplicaWaitTest : public IntakeFaultTest {
 protected:
  RedisServer::Options RedisOptions() const override { return {.tcp = true}; }
  std::vector<std::string> IntakeArgs() const override {
    return {"--redis_wait_replicas=1", "--redis_wait_timeout=100ms"};
  }
};

TEST_F(IntakeReplicaWaitTest, AReportIsAcknowledgedOnceAReplicaHoldsIt) {
  // No replica yet: stored on the primary, not acknowledged.
  EXPECT_EQ(ReportOnce(0), "");
  ASSERT_OK_AND_ASSIGN(auto replica, RedisServer::StartReplicaOf(*redis_));
  // The retry (same request_id) is acknowledged, with the first attempt's
  // case, which the replica holds.
  std::string id = ReportUntilAcked(0);
  ASSERT_OK_AND_ASSIGN(auto on_replica, redis::RedisPool::Create(
                                            {.address = replica->address()}));
  EXPECT_EQ(StoredDescription(*on_replica, id), "report 0");
  EXPECT_NE(ReportUntilAcked(1), id);
}

}  // namespace
}  // namespace gridcase
