// Rate limits and the daily report quota against real processes: a
// redis-server, gridcase-registry with the Tongxiang sample grids, and two
// gridcase-intake replicas sharing that Redis, so that a limit a caller
// reaches on one replica holds on the other. Rates are tiny (a call per
// 10 s after a burst of 3), so that a burst of calls made in well under a
// second has a known outcome; outcomes are counted, never timed.
#include <grpcpp/client_context.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/grpc_status.h"
#include "common/status/retry_delay.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/in_process_server.h"
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

using ::gridcase::testing::HttpGet;
using ::gridcase::testing::Identify;
using ::gridcase::testing::RedisServer;
using ::gridcase::testing::ServiceProcess;
using ::gridcase::testing::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kAdmin[] = "subject=m-admin; roles=admin";
constexpr char kPatrol[] =
    "subject=gm-1; roles=grid_manager; grids=330483101002002";
constexpr char kNoSuchCase[] = "330483-20260630-000001";
// Puyuan (濮院镇), in the sample's grids (up to 400 m north of it too);
// reports 80 m apart are not duplicates, and a duplicate (merged) report
// would count as a new report all the same.
constexpr double kLat = 30.6840;
constexpr double kLng = 120.6300;

v1::Actor Citizen(const std::string& subject) {
  v1::Actor a;
  a.set_subject(subject);
  a.add_roles(v1::ROLE_CITIZEN);
  return a;
}

// An end user reached through a channel backend.
v1::Actor ChannelUser(const std::string& subject, v1::Source channel) {
  v1::Actor a = Citizen(subject);
  a.set_channel(channel);
  a.set_via(channel == v1::SOURCE_WECHAT ? "svc:wechat-backend"
                                         : "svc:app-backend");
  return a;
}

v1::ReportCaseRequest Good(const std::string& id, double metres_north) {
  v1::ReportCaseRequest r;
  r.set_request_id(id);
  r.set_source(v1::SOURCE_WECHAT);
  r.set_category_code("E0101");
  r.set_description("绿化带旁暴露垃圾");
  r.mutable_location()->set_latitude(kLat + metres_north / 111195.0);
  r.mutable_location()->set_longitude(kLng);
  return r;
}

// A call's outcome, with the retry pushback trailer ("" when absent).
struct Outcome {
  absl::Status status;
  std::string pushback;
  bool refused() const {
    return status.code() == absl::StatusCode::kResourceExhausted;
  }
};

template <typename Identity>
void Prepare(grpc::ClientContext* context, const Identity& as) {
  Identify(context, as);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
}

Outcome Finish(const grpc::Status& status, grpc::ClientContext& context) {
  Outcome out{FromGrpcStatus(status), ""};
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find(std::string(kRetryPushbackKey));
  if (it != trailers.end()) {
    out.pushback = std::string(it->second.data(), it->second.size());
  }
  return out;
}

// The value of an unlabelled series in a /metrics scrape (-1 if absent).
double MetricValue(const std::string& scrape, absl::string_view series) {
  for (absl::string_view line : absl::StrSplit(scrape, '\n')) {
    if (absl::ConsumePrefix(&line, series) && absl::ConsumePrefix(&line, " ")) {
      double v = -1;
      if (absl::SimpleAtod(line, &v)) return v;
    }
  }
  return -1;
}

class LimitsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(registry_,
                         ServiceProcess::Start({.binary = GRIDCASE_REGISTRY_BIN,
                                                .redis = redis_->address()}));
    LoadRegistry();
  }

  void LoadRegistry() {
    auto stub = v1::RegistryService::NewStub(registry_->NewChannel());
    ASSERT_OK_AND_ASSIGN(std::vector<v1::Category> categories,
                         testing::CatalogueCategories({"E0101"}));
    ASSERT_OK(testing::LoadSampleRegistry(
        *stub, categories,
        [](grpc::ClientContext* context) { Prepare(context, kAdmin); }));
  }

  // Two intake replicas on the one Redis, every limit off but `limits`.
  void StartIntakes(std::vector<std::string> limits) {
    std::vector<std::string> args = {
        absl::StrCat("--registry=", registry_->target()),
        "--rate_limit_caller=0", "--rate_limit_staff=0",
        "--rate_limit_channel=0", "--report_quota_per_day=0"};
    args.insert(args.end(), limits.begin(), limits.end());  // the last wins
    for (int i = 0; i < 2; ++i) {
      ASSERT_OK_AND_ASSIGN(intakes_[i],
                           ServiceProcess::Start({.binary = GRIDCASE_INTAKE_BIN,
                                                  .redis = redis_->address(),
                                                  .extra_args = args}));
      stubs_[i] = v1::IntakeService::NewStub(intakes_[i]->NewChannel());
    }
  }

  // GetCase of a case that does not exist: NOT_FOUND when served.
  template <typename Identity>
  Outcome Get(int replica, const Identity& as) {
    grpc::ClientContext context;
    Prepare(&context, as);
    v1::GetCaseRequest request;
    request.set_case_id(kNoSuchCase);
    v1::GetCaseResponse response;
    return Finish(stubs_[replica]->GetCase(&context, request, &response),
                  context);
  }

  template <typename Identity>
  Outcome Report(int replica, const Identity& as,
                 const v1::ReportCaseRequest& request,
                 v1::ReportCaseResponse* response = nullptr) {
    grpc::ClientContext context;
    Prepare(&context, as);
    v1::ReportCaseResponse ignored;
    return Finish(stubs_[replica]->ReportCase(&context, request,
                                              response ? response : &ignored),
                  context);
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<ServiceProcess> intakes_[2];
  std::unique_ptr<v1::IntakeService::Stub> stubs_[2];
};

TEST_F(LimitsProcessTest, ACallersLimitIsSharedByTheReplicas) {
  StartIntakes({"--rate_limit_caller=0.1/s,burst=3"});
  absl::Time start = absl::Now();
  int served = 0;
  int refused_on[2] = {0, 0};
  for (int i = 0; i < 10; ++i) {
    Outcome out = Get(i % 2, Citizen("wx-1"));
    if (!out.refused()) {
      EXPECT_THAT(out.status, StatusIs(absl::StatusCode::kNotFound, _));
      ++served;
      continue;
    }
    ++refused_on[i % 2];
    EXPECT_THAT(std::string(out.status.message()),
                StartsWith("rate limit: caller wx-1 over 0.1 calls/s; retry "
                           "after "));
    int64_t ms = 0;
    ASSERT_TRUE(absl::SimpleAtoi(out.pushback, &ms)) << out.pushback;
    EXPECT_GT(ms, 0);
    EXPECT_LE(ms, 10000);  // one interval at most
    EXPECT_THAT(std::string(out.status.message()),
                HasSubstr(absl::StrCat("retry after ", ms, " ms")));
  }
  // The burst of 3, plus one call per 10 s that passed. Each replica alone
  // would have allowed 3: the limit is shared.
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  EXPECT_GE(served, 3);
  EXPECT_LE(served, 3 + static_cast<int>(seconds / 10));
  EXPECT_GT(refused_on[0], 0);
  EXPECT_GT(refused_on[1], 0);

  // Another citizen, and staff (whose limit is off), are not affected.
  EXPECT_THAT(Get(0, Citizen("wx-2")).status,
              StatusIs(absl::StatusCode::kNotFound, _));
  EXPECT_THAT(Get(1, "subject=dsp-1; roles=dispatcher").status,
              StatusIs(absl::StatusCode::kNotFound, _));

  ASSERT_OK_AND_ASSIGN(std::string scrape,
                       HttpGet(intakes_[0]->admin_port(), "/metrics"));
  EXPECT_EQ(MetricValue(scrape, "gridcase_rate_limited_total{kind=\"caller\"}"),
            refused_on[0]);
}

TEST_F(LimitsProcessTest, AChannelsLimitCoversAllItsUsersTogether) {
  StartIntakes({"--rate_limit_channel=0.1/s,burst=3"});
  absl::Time start = absl::Now();
  int served = 0;
  for (int i = 0; i < 6; ++i) {
    Outcome out =
        Get(i % 2, ChannelUser(absl::StrCat("wx:u", i), v1::SOURCE_WECHAT));
    if (out.refused()) {
      EXPECT_THAT(std::string(out.status.message()),
                  StartsWith("rate limit: channel wechat over 0.1 calls/s; "
                             "retry after "));
      EXPECT_FALSE(out.pushback.empty());
    } else {
      ++served;
    }
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  EXPECT_GE(served, 3);
  EXPECT_LE(served, 3 + static_cast<int>(seconds / 10));
  // Another channel's users, and citizens outside any channel, go on.
  EXPECT_THAT(Get(0, ChannelUser("app:u1", v1::SOURCE_CITIZEN_APP)).status,
              StatusIs(absl::StatusCode::kNotFound, _));
  EXPECT_THAT(Get(1, Citizen("wx-9")).status,
              StatusIs(absl::StatusCode::kNotFound, _));
}

TEST_F(LimitsProcessTest, AReporterMayMakeNNewReportsADay) {
  StartIntakes({"--report_quota_per_day=3"});
  for (int i = 0; i < 3; ++i) {
    Outcome out =
        Report(i % 2, Citizen("wx-1"), Good(absl::StrCat("r-", i), 80 * i));
    ASSERT_OK(out.status);
    EXPECT_EQ(out.pushback, "");
  }
  Outcome over = Report(1, Citizen("wx-1"), Good("r-3", 240));
  EXPECT_THAT(over.status,
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("report quota: reporter wx-1 has made 3 new "
                                 "reports on ")));
  EXPECT_THAT(std::string(over.status.message()),
              HasSubstr("(Asia/Shanghai); the quota is 3 a day"));
  int64_t ms = 0;
  ASSERT_TRUE(absl::SimpleAtoi(over.pushback, &ms)) << over.pushback;
  EXPECT_GT(ms, 0);
  EXPECT_LE(ms, 24 * 3600 * 1000);  // until the next local midnight

  // The count lives two days, apart from the cases.
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  ASSERT_OK_AND_ASSIGN(
      auto redis, redis::RedisPool::Create({.address = redis_->address()}));
  std::string key = store::ReportQuotaKey(
      "wx-1", absl::FormatTime("%Y%m%d", absl::Now(), shanghai));
  ASSERT_OK_AND_ASSIGN(redis::Reply count, redis->Command({"GET", key}));
  EXPECT_EQ(count.str(), "3");
  ASSERT_OK_AND_ASSIGN(redis::Reply ttl, redis->Command({"TTL", key}));
  EXPECT_GT(ttl.integer(), 47 * 3600);
  EXPECT_LE(ttl.integer(), 48 * 3600);

  // A replay of an acknowledged report is answered, on either replica, and
  // is not a new report.
  v1::ReportCaseResponse replayed;
  ASSERT_OK(Report(0, Citizen("wx-1"), Good("r-1", 80), &replayed).status);
  EXPECT_TRUE(replayed.replayed());
  EXPECT_TRUE(Report(1, Citizen("wx-1"), Good("r-4", 320)).refused());

  // Other reporters are not affected; a grid manager is not counted.
  EXPECT_OK(Report(0, Citizen("wx-2"), Good("r-1", 400)).status);
  for (int i = 0; i < 5; ++i) {
    v1::ReportCaseRequest patrol = Good(absl::StrCat("p-", i), 80 * i);
    patrol.set_source(v1::SOURCE_GRID_PATROL);
    EXPECT_OK(Report(i % 2, kPatrol, patrol).status) << i;
  }
  // Channel users count like any citizen.
  for (int i = 0; i < 3; ++i) {
    EXPECT_OK(Report(i % 2, ChannelUser("wx:u1", v1::SOURCE_WECHAT),
                     Good(absl::StrCat("c-", i), 80 * i))
                  .status);
  }
  EXPECT_TRUE(
      Report(0, ChannelUser("wx:u1", v1::SOURCE_WECHAT), Good("c-3", 240))
          .refused());
}

TEST_F(LimitsProcessTest, CallsAreServedWhenTheLimiterCannotAnswer) {
  StartIntakes({"--rate_limit_caller=0.1/s,burst=1"});
  // Redis refuses every key of the rate limiter ({rl:…}) and serves the
  // rest: the limiter fails, the service must not.
  ASSERT_OK_AND_ASSIGN(
      auto admin, redis::RedisPool::Create({.address = redis_->address()}));
  ASSERT_OK(admin
                ->Command({"ACL", "SETUSER", "default", "resetkeys", "~[^{]*",
                           "~{[^r]*", "~{r[^l]*"})
                .status());
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(Get(i % 2, Citizen("wx-1")).status,
                StatusIs(absl::StatusCode::kNotFound, _))
        << i;
  }
  ASSERT_OK_AND_ASSIGN(std::string scrape,
                       HttpGet(intakes_[0]->admin_port(), "/metrics"));
  EXPECT_EQ(MetricValue(scrape, "gridcase_rate_limit_errors_total"), 3);

  // Once Redis answers again, the limit holds again.
  ASSERT_OK(admin->Command({"ACL", "SETUSER", "default", "allkeys"}).status());
  EXPECT_EQ(Get(0, Citizen("wx-1")).status.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Get(1, Citizen("wx-1")).refused());
}

}  // namespace
}  // namespace gridcase
