// The scenarios of one read RPC each: health, locate, get, list, summary
// and ranking. Staff reads are spread over --staff_pool copies of the
// registry's dispatcher or duty chief (actors.h).
#include <memory>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/loadgen/actors.h"
#include "tools/loadgen/scenarios.h"
#include "tools/loadgen/unary_scenario.h"

namespace gridcase::loadgen {

std::unique_ptr<Scenario> MakeHealthScenario(const ScenarioContext& context) {
  using Health = grpc::health::v1::Health;
  using Req = grpc::health::v1::HealthCheckRequest;
  using Resp = grpc::health::v1::HealthCheckResponse;
  // No identity: the health service answers anyone, and this is the
  // ceiling of the transport and the server's threads.
  return std::make_unique<UnaryScenario<Health::Stub, Req, Resp>>(
      context.calls, StubsFor<Health>(context.target),
      [](Health::Stub* stub, grpc::ClientContext* c, const Req* q, Resp* p,
         std::function<void(grpc::Status)> cb) {
        stub->async()->Check(c, q, p, std::move(cb));
      },
      [](int64_t, Req* req, v1::Actor*) { req->set_service(""); });
}

std::unique_ptr<Scenario> MakeLocateScenario(const ScenarioContext& context) {
  using Service = v1::RegistryService;
  using Req = v1::LocateGridRequest;
  using Resp = v1::LocateGridResponse;
  auto planner = std::make_shared<ReportPlanner>(
      context.grids, std::vector<int>{},
      std::vector<CategoryChoice>{{"-", 1, {}, {"-"}}}, 0, context.seed);
  const v1::Actor dispatcher = context.world->dispatcher;
  const int pool = context.staff_pool;
  return std::make_unique<UnaryScenario<Service::Stub, Req, Resp>>(
      context.calls, StubsFor<Service>(context.target),
      [](Service::Stub* stub, grpc::ClientContext* c, const Req* q, Resp* p,
         std::function<void(grpc::Status)> cb) {
        stub->async()->LocateGrid(c, q, p, std::move(cb));
      },
      [planner, dispatcher, pool](int64_t n, Req* req, v1::Actor* as) {
        PlannedReport at = planner->Next();
        req->set_latitude(at.at.lat);
        req->set_longitude(at.at.lng);
        *as = PoolCopy(dispatcher, n, pool);
      });
}

absl::StatusOr<std::unique_ptr<Scenario>> MakeGetScenario(
    const ScenarioContext& context) {
  using Service = v1::IntakeService;
  using Req = v1::GetCaseRequest;
  using Resp = v1::GetCaseResponse;
  absl::StatusOr<std::vector<ReportedCase>> cases =
      ReportSetupCases(context, context.setup_cases);
  if (!cases.ok()) return cases.status();
  auto shared =
      std::make_shared<const std::vector<ReportedCase>>(*std::move(cases));
  const v1::Actor dispatcher = context.world->dispatcher;
  const int pool = context.staff_pool;
  const bool as_reporter = context.get_as_reporter;
  return std::make_unique<UnaryScenario<Service::Stub, Req, Resp>>(
      context.calls, StubsFor<Service>(context.target),
      [](Service::Stub* stub, grpc::ClientContext* c, const Req* q, Resp* p,
         std::function<void(grpc::Status)> cb) {
        stub->async()->GetCase(c, q, p, std::move(cb));
      },
      [shared, dispatcher, pool, as_reporter](int64_t n, Req* req,
                                              v1::Actor* as) {
        const ReportedCase& c = (*shared)[n % shared->size()];
        req->set_case_id(c.id);
        *as = as_reporter ? c.reporter : PoolCopy(dispatcher, n, pool);
      });
}

std::unique_ptr<Scenario> MakeListScenario(const ScenarioContext& context) {
  using Service = v1::IntakeService;
  using Req = v1::ListCasesRequest;
  using Resp = v1::ListCasesResponse;
  const v1::Actor dispatcher = context.world->dispatcher;
  const int pool = context.staff_pool;
  const std::string region = context.region;
  return std::make_unique<UnaryScenario<Service::Stub, Req, Resp>>(
      context.calls, StubsFor<Service>(context.target),
      [](Service::Stub* stub, grpc::ClientContext* c, const Req* q, Resp* p,
         std::function<void(grpc::Status)> cb) {
        stub->async()->ListCases(c, q, p, std::move(cb));
      },
      [dispatcher, pool, region](int64_t n, Req* req, v1::Actor* as) {
        req->set_region_code(region);
        req->set_page_size(20);
        *as = PoolCopy(dispatcher, n, pool);
      });
}

std::unique_ptr<Scenario> MakeSummaryScenario(const ScenarioContext& context) {
  using Service = v1::StatsService;
  using Req = v1::SummaryRequest;
  using Resp = v1::SummaryResponse;
  const v1::Actor chief = context.world->duty_chief;
  const int pool = context.staff_pool;
  Req proto;
  proto.mutable_scope()->set_kind(v1::SCOPE_KIND_REGION);
  proto.mutable_scope()->set_code(context.region);
  *proto.mutable_period() = MonthOf(absl::Now());
  return std::make_unique<UnaryScenario<Service::Stub, Req, Resp>>(
      context.calls, StubsFor<Service>(context.target),
      [](Service::Stub* stub, grpc::ClientContext* c, const Req* q, Resp* p,
         std::function<void(grpc::Status)> cb) {
        stub->async()->Summary(c, q, p, std::move(cb));
      },
      [chief, pool, proto](int64_t n, Req* req, v1::Actor* as) {
        *req = proto;
        *as = PoolCopy(chief, n, pool);
      });
}

std::unique_ptr<Scenario> MakeRankingScenario(const ScenarioContext& context) {
  using Service = v1::StatsService;
  using Req = v1::RankingRequest;
  using Resp = v1::RankingResponse;
  const v1::Actor chief = context.world->duty_chief;
  const int pool = context.staff_pool;
  Req proto;
  proto.set_level(v1::RANKING_LEVEL_TOWN);
  proto.set_indicator(v1::INDICATOR_COMPOSITE);
  *proto.mutable_period() = MonthOf(absl::Now());
  return std::make_unique<UnaryScenario<Service::Stub, Req, Resp>>(
      context.calls, StubsFor<Service>(context.target),
      [](Service::Stub* stub, grpc::ClientContext* c, const Req* q, Resp* p,
         std::function<void(grpc::Status)> cb) {
        stub->async()->Ranking(c, q, p, std::move(cb));
      },
      [chief, pool, proto](int64_t n, Req* req, v1::Actor* as) {
        *req = proto;
        *as = PoolCopy(chief, n, pool);
      });
}

}  // namespace gridcase::loadgen
