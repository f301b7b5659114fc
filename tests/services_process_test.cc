// The four service binaries as real processes on a real redis-server:
// health, UNIMPLEMENTED skeleton RPCs, Redis outages, configuration errors,
// SIGTERM drain and a promtool-clean /metrics.
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/server/health_client.h"
#include "common/server/server.h"
#include "common/status/status_matchers.h"
#include "common/testing/in_process_server.h"
#include "common/testing/redis_cluster.h"
#include "common/testing/redis_server.h"
#include "common/testing/service_process.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_identity.h"
#include "gmock/gmock.h"
#include "gridcase/v1/dispatch.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "gridcase/v1/registry.pb.h"
#include "gridcase/v1/stats.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"

namespace gridcase {
namespace {

using ::gridcase::testing::HttpGet;
using ::gridcase::testing::IsOkAndHolds;
using ::gridcase::testing::RedisServer;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::Subprocess;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::Not;

struct Binary {
  const char* path;
  const char* service;
  // A message of the service's file: using it links the generated code, so
  // the service is in the descriptor pool.
  const google::protobuf::Descriptor* (*anchor)();
  // The methods built so far ("*": all); the others answer UNIMPLEMENTED.
  std::set<std::string> built;
};

const Binary kBinaries[] = {
    {GRIDCASE_REGISTRY_BIN,
     "gridcase.v1.RegistryService",
     &v1::LocateGridRequest::descriptor,
     {"*"}},
    {GRIDCASE_INTAKE_BIN,
     "gridcase.v1.IntakeService",
     &v1::ReportCaseRequest::descriptor,
     {"*"}},
    {GRIDCASE_DISPATCH_BIN,
     "gridcase.v1.DispatchService",
     &v1::RegisterCaseRequest::descriptor,
     {"*"}},
    {GRIDCASE_STATS_BIN,
     "gridcase.v1.StatsService",
     &v1::SummaryRequest::descriptor,
     {"*"}},
};

absl::StatusOr<std::string> HealthOf(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  return server::CheckHealth(channel, {.service = service});
}

// Waits up to 15 s for the server as a whole to report `want`.
absl::StatusOr<std::string> AwaitHealth(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& want) {
  return server::CheckHealth(channel,
                             {.wait = absl::Seconds(15), .want = want});
}

// Calls `method` with an empty message through the generic stub.
grpc::Status CallEmpty(const std::shared_ptr<grpc::Channel>& channel,
                       const std::string& method) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::Slice empty("", 0);
  grpc::ByteBuffer request(&empty, 1);  // an empty message
  grpc::ByteBuffer response;
  grpc::Status result;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   result = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  return result;
}

class ServicesProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start()); }

  absl::StatusOr<std::unique_ptr<ServiceProcess>> Run(
      const Binary& binary, std::vector<std::string> extra = {}) {
    return ServiceProcess::Start({.binary = binary.path,
                                  .redis = redis_->address(),
                                  .extra_args = std::move(extra)});
  }

  std::unique_ptr<RedisServer> redis_;
};

// Every service is SERVING. The RPCs of a service that is built all check
// the caller's identity first (a call without one is UNAUTHENTICATED); those
// of a skeleton answer UNIMPLEMENTED.
TEST_F(ServicesProcessTest, EveryServiceServesHealthAndEveryRpcAnswers) {
  for (const Binary& binary : kBinaries) {
    SCOPED_TRACE(binary.service);
    ASSERT_OK_AND_ASSIGN(auto svc, Run(binary));
    auto channel = svc->NewChannel();
    EXPECT_THAT(AwaitHealth(channel, "SERVING"), IsOkAndHolds("SERVING"))
        << svc->Stderr();
    EXPECT_THAT(HealthOf(channel, binary.service), IsOkAndHolds("SERVING"));
    ASSERT_NE(binary.anchor()->file()->FindServiceByName(std::string(
                  absl::StripPrefix(binary.service, "gridcase.v1."))),
              nullptr);
    std::vector<std::string> methods = server::MethodNames(binary.service);
    ASSERT_FALSE(methods.empty());
    for (const std::string& method : methods) {
      std::string name = method.substr(method.rfind('/') + 1);
      bool built = binary.built.count("*") || binary.built.count(name);
      EXPECT_EQ(CallEmpty(channel, method).error_code(),
                built ? grpc::StatusCode::UNAUTHENTICATED
                      : grpc::StatusCode::UNIMPLEMENTED)
          << method;
    }
  }
}

// --redis_cluster (issue #17): every service starts on a real Redis
// Cluster and is ready; readiness asks every master, so one full master
// makes the service NOT_SERVING. (The workflows on a cluster are the
// cluster process tests' concern.)
TEST(ServicesOnARedisCluster,
     EveryServiceIsServingAndReadinessAsksEveryMaster) {
  ASSERT_OK_AND_ASSIGN(auto cluster, testing::RedisCluster::Start());
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> masters, cluster->Masters());
  // INFO of every master, joined.
  auto info = [&](const std::string& section) {
    std::string all;
    for (const std::string& m : masters) {
      absl::StatusOr<redis::Reply> r =
          (*cluster->Node(m))->Command({"INFO", section});
      absl::StrAppend(&all, r.ok() ? r->str() : "", "\n");
    }
    return all;
  };
  for (const Binary& binary : kBinaries) {
    SCOPED_TRACE(binary.service);
    for (const std::string& m : masters) {
      ASSERT_OK((*cluster->Node(m))->Command({"CONFIG", "RESETSTAT"}).status());
    }
    ASSERT_OK_AND_ASSIGN(
        auto svc,
        ServiceProcess::Start(
            {.binary = binary.path,
             .extra_args = {"--redis_cluster=" + cluster->seeds_flag()}}));
    auto channel = svc->NewChannel();
    EXPECT_THAT(AwaitHealth(channel, "SERVING"), IsOkAndHolds("SERVING"))
        << svc->Stderr();
    if (absl::string_view(binary.service) == "gridcase.v1.DispatchService" ||
        absl::string_view(binary.service) == "gridcase.v1.StatsService") {
      // The consumer reads every master's shard streams (XREADGROUP on
      // each), never one command over all of them (refused CROSSSLOT).
      absl::Time deadline = absl::Now() + absl::Seconds(15);
      auto read_everywhere = [&] {
        for (const std::string& m : masters) {
          absl::StatusOr<redis::Reply> r =
              (*cluster->Node(m))->Command({"INFO", "commandstats"});
          if (!r.ok() ||
              !absl::StrContains(r->str(), "cmdstat_xreadgroup:calls=") ||
              absl::StrContains(r->str(), "cmdstat_xreadgroup:calls=0,")) {
            return false;
          }
        }
        return true;
      };
      while (!read_everywhere() && absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(20));  // waiting for the consumer
      }
      EXPECT_TRUE(read_everywhere())
          << info("commandstats") << info("errorstats") << svc->Stderr();
      EXPECT_THAT(info("errorstats"), ::testing::Not(HasSubstr("CROSSSLOT")));
    }
  }
  ASSERT_OK_AND_ASSIGN(
      auto svc, ServiceProcess::Start({.binary = kBinaries[0].path,
                                       .extra_args = {"--redis_cluster=" +
                                                      cluster->seeds_flag()}}));
  auto channel = svc->NewChannel();
  ASSERT_THAT(AwaitHealth(channel, "SERVING"), IsOkAndHolds("SERVING"));
  ASSERT_OK_AND_ASSIGN(redis::RedisPool * last, cluster->Node(masters.back()));
  ASSERT_OK(last->Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"})
                .status());
  ASSERT_OK(last->Command({"CONFIG", "SET", "maxmemory", "1"}).status());
  EXPECT_THAT(AwaitHealth(channel, "NOT_SERVING"), IsOkAndHolds("NOT_SERVING"))
      << svc->Stderr();
  ASSERT_OK(last->Command({"CONFIG", "SET", "maxmemory", "0"}).status());
  EXPECT_THAT(AwaitHealth(channel, "SERVING"), IsOkAndHolds("SERVING"));
}

TEST_F(ServicesProcessTest, HealthFlipsWhenRedisStopsAndReturns) {
  ASSERT_OK_AND_ASSIGN(auto svc, Run(kBinaries[0]));
  auto channel = svc->NewChannel();
  // Readiness is the first probe's answer; on a loaded machine that probe
  // may time out, and the next one (every health_interval) sets it right.
  ASSERT_THAT(AwaitHealth(channel, "SERVING"), IsOkAndHolds("SERVING"))
      << svc->Stderr();
  ASSERT_OK(redis_->Stop());
  EXPECT_THAT(AwaitHealth(channel, "NOT_SERVING"), IsOkAndHolds("NOT_SERVING"))
      << svc->Stderr();
  EXPECT_THAT(HealthOf(channel, kBinaries[0].service),
              IsOkAndHolds("NOT_SERVING"));
  ASSERT_OK(redis_->Restart());
  EXPECT_THAT(AwaitHealth(channel, "SERVING"), IsOkAndHolds("SERVING"))
      << svc->Stderr();
  EXPECT_THAT(svc->Stderr(), HasSubstr("health: NOT_SERVING"));
}

// Issue #16: with Redis at maxmemory (noeviction) every write fails, yet
// Redis still answers PING; readiness reports the service NOT_SERVING until
// memory is freed.
TEST_F(ServicesProcessTest, HealthIsNotServingWhileRedisIsFull) {
  ASSERT_OK_AND_ASSIGN(auto svc, Run(kBinaries[0]));
  auto channel = svc->NewChannel();
  ASSERT_THAT(AwaitHealth(channel, "SERVING"), IsOkAndHolds("SERVING"));
  ASSERT_OK_AND_ASSIGN(
      auto admin, redis::RedisPool::Create({.address = redis_->address()}));
  ASSERT_OK(admin->Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"})
                .status());
  ASSERT_OK(admin->Command({"CONFIG", "SET", "maxmemory", "1"}).status());
  EXPECT_THAT(AwaitHealth(channel, "NOT_SERVING"), IsOkAndHolds("NOT_SERVING"))
      << svc->Stderr();
  EXPECT_THAT(HealthOf(channel, kBinaries[0].service),
              IsOkAndHolds("NOT_SERVING"));
  // Liveness stays SERVING: a restart would not free Redis' memory.
  EXPECT_THAT(HealthOf(channel, server::kLivenessService),
              IsOkAndHolds("SERVING"));
  ASSERT_OK(admin->Command({"CONFIG", "SET", "maxmemory", "0"}).status());
  EXPECT_THAT(AwaitHealth(channel, "SERVING"), IsOkAndHolds("SERVING"))
      << svc->Stderr();
  EXPECT_THAT(svc->Stderr(), HasSubstr("storage is full"));
}

TEST_F(ServicesProcessTest, SigtermDrainsWithinTheDeadlineAndExitsZero) {
  constexpr absl::Duration kDrain = absl::Seconds(2);
  ASSERT_OK_AND_ASSIGN(auto svc, Run(kBinaries[1], {"--drain_timeout=2s"}));
  auto channel = svc->NewChannel();
  ASSERT_THAT(HealthOf(channel, ""), IsOkAndHolds("SERVING"));

  // A long-lived call (a health Watch stream) is in flight during the drain.
  auto stub = Health::NewStub(channel);
  grpc::ClientContext watch_context;
  HealthCheckRequest request;
  auto watch = stub->Watch(&watch_context, request);
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::SERVING);

  absl::Time start = absl::Now();
  ASSERT_OK(svc->process().Signal(SIGTERM));
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  ASSERT_OK_AND_ASSIGN(int status, svc->process().Wait(absl::Seconds(15)));
  absl::Duration took = absl::Now() - start;
  EXPECT_TRUE(WIFEXITED(status)) << svc->Stderr();
  EXPECT_EQ(WEXITSTATUS(status), 0) << svc->Stderr();
  // The stream was cancelled at the drain deadline, not left to hang.
  EXPECT_LT(took, kDrain + absl::Seconds(5));
  EXPECT_THAT(svc->Stderr(), HasSubstr("shutting down: NOT_SERVING"));
  EXPECT_THAT(svc->Stderr(), HasSubstr("server stopped"));
}

// Every service's live scrape is clean for promtool, including the
// service's own metrics after a call has touched them.
TEST_F(ServicesProcessTest, MetricsScrapesPassPromtool) {
  for (const Binary& binary : kBinaries) {
    SCOPED_TRACE(binary.service);
    ASSERT_OK_AND_ASSIGN(auto svc, Run(binary));
    auto channel = svc->NewChannel();
    ASSERT_THAT(HealthOf(channel, ""), IsOkAndHolds("SERVING"));
    for (const std::string& method : server::MethodNames(binary.service)) {
      CallEmpty(channel, method);
    }
    ASSERT_OK_AND_ASSIGN(std::string text,
                         HttpGet(svc->admin_port(), "/metrics"));
    EXPECT_THAT(text, HasSubstr("grpc_server_handled_total"));
    EXPECT_THAT(text, HasSubstr("gridcase_health_serving 1"));

    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Create());
    {
      std::ofstream out(dir.File("metrics.txt"));
      out << text;
    }
    ASSERT_OK_AND_ASSIGN(
        auto promtool,
        Subprocess::Spawn(
            {.argv = {"sh", "-c",
                      absl::StrCat("promtool check metrics < ",
                                   dir.File("metrics.txt"), " > ",
                                   dir.File("promtool.txt"), " 2>&1")}}));
    ASSERT_OK_AND_ASSIGN(int status, promtool->Wait(absl::Seconds(30)));
    std::ifstream report(dir.File("promtool.txt"));
    std::string findings((std::istreambuf_iterator<char>(report)),
                         std::istreambuf_iterator<char>());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << findings;
    EXPECT_EQ(findings, "");
  }
}

TEST_F(ServicesProcessTest, BadConfigurationIsFatalWithAClearMessage) {
  struct BadConfig {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string message;
  };
  const BadConfig cases[] = {
      {{"--grpc_address=8080"}, {}, "--grpc_address: must be host:port"},
      {{}, {"GRIDCASE_REDIS_POOL_SIZE=lots"}, "GRIDCASE_REDIS_POOL_SIZE"},
      {{"--redis=nowhere"}, {}, "--redis: redis address: must be host:port"},
      {{"--redis=10.0.0.1:6379", "--redis_cluster=10.0.0.2:6379"},
       {},
       "--redis and --redis_cluster: set one, not both"},
      {{},
       {"GRIDCASE_REDIS=10.0.0.1:6379", "GRIDCASE_REDIS_CLUSTER=10.0.0.2:6379"},
       "--redis and --redis_cluster: set one, not both"},
      {{"--redis_cluster=unix:///tmp/r.sock"},
       {},
       "--redis_cluster: seeds must be host:port"},
      {{"--log_level=loud"}, {}, "--log_level"},
      {{"--auth_mode=none"}, {}, "--auth_mode: unknown auth mode 'none'"},
      {{}, {}, "--jwt_issuer: is required with --auth_mode=jwt"},
      {{"--jwt_issuer=https://sso.test"},
       {},
       "--jwt_jwks_file: it or --jwt_hs256_secret_file is required"},
      {{"--jwt_issuer=https://sso.test", "--jwt_jwks_file=/nonexistent"},
       {},
       "--auth_mode=jwt: jwt options: jwks_file"},
      {{"--auth_mode=insecure-dev", "--tls_cert_file=/x.pem"},
       {},
       "--tls_key_file: is required with --tls_cert_file"},
      {{"--auth_mode=insecure-dev", "--tls_cert_file=/x.pem",
        "--tls_key_file=/x.key"},
       {},
       "--tls_cert_file: cannot read '/x.pem'"},
      // Stats calls the registry: in jwt mode it needs its own token.
      {{"--jwt_issuer=https://sso.test",
        absl::StrCat("--jwt_hs256_secret_file=", testing::TestSecretFile())},
       {},
       "--service_token_file: is required with --auth_mode=jwt"},
  };
  for (const BadConfig& c : cases) {
    SCOPED_TRACE(c.message);
    ASSERT_OK_AND_ASSIGN(auto dir, testing::TempDir::Create());
    std::vector<std::string> argv = {
        GRIDCASE_STATS_BIN, "--grpc_address=127.0.0.1:0", "--admin_address="};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    ASSERT_OK_AND_ASSIGN(
        auto proc,
        Subprocess::Spawn(
            {.argv = argv, .env = c.env, .stderr_path = dir.File("err")}));
    ASSERT_OK_AND_ASSIGN(int status, proc->Wait(absl::Seconds(15)));
    std::ifstream in(dir.File("err"));
    std::string err((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 2) << err;
    EXPECT_THAT(err, HasSubstr("invalid configuration"));
    EXPECT_THAT(err, HasSubstr(c.message));
  }
}

TEST_F(ServicesProcessTest, EnvironmentConfiguresAndTheCommandLineWins) {
  // Redis only from GRIDCASE_REDIS: serving proves the variable was read.
  ASSERT_OK_AND_ASSIGN(
      auto from_env,
      ServiceProcess::Start(
          {.binary = kBinaries[3].path,
           .env = {absl::StrCat("GRIDCASE_REDIS=", redis_->address())}}));
  EXPECT_THAT(HealthOf(from_env->NewChannel(), ""), IsOkAndHolds("SERVING"));

  // A wrong GRIDCASE_REDIS loses to --redis.
  ASSERT_OK_AND_ASSIGN(
      auto flag_wins,
      ServiceProcess::Start(
          {.binary = kBinaries[3].path,
           .redis = redis_->address(),
           .env = {"GRIDCASE_REDIS=unix:///nonexistent.sock"}}));
  EXPECT_THAT(HealthOf(flag_wins->NewChannel(), ""), IsOkAndHolds("SERVING"));

  // And a wrong GRIDCASE_REDIS alone leaves the service NOT_SERVING.
  ASSERT_OK_AND_ASSIGN(
      auto wrong, ServiceProcess::Start(
                      {.binary = kBinaries[3].path,
                       .env = {"GRIDCASE_REDIS=unix:///nonexistent.sock"}}));
  EXPECT_THAT(HealthOf(wrong->NewChannel(), ""), IsOkAndHolds("NOT_SERVING"));
}

TEST_F(ServicesProcessTest, InsecureDevModeWarnsAtStartAndJwtModeDoesNot) {
  for (const Binary& b : kBinaries) {
    SCOPED_TRACE(b.path);
    ASSERT_OK_AND_ASSIGN(auto insecure,
                         ServiceProcess::Start({.binary = b.path,
                                                .redis = redis_->address(),
                                                .insecure_dev = true}));
    EXPECT_THAT(insecure->Stderr(),
                HasSubstr("INSECURE: --auth_mode=insecure-dev trusts the "
                          "x-gridcase-actor header"));
    ASSERT_OK_AND_ASSIGN(
        auto secure,
        ServiceProcess::Start({.binary = b.path, .redis = redis_->address()}));
    EXPECT_THAT(secure->Stderr(), Not(HasSubstr("INSECURE")));
  }
}

}  // namespace
}  // namespace gridcase
