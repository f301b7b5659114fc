// The report scenario (IntakeService.ReportCase by WeChat citizens over
// every grid) and the set-up reports of the get scenario.
#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status/grpc_status.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "tools/loadgen/actors.h"
#include "tools/loadgen/scenarios.h"
#include "tools/loadgen/unary_scenario.h"

namespace gridcase::loadgen {

std::unique_ptr<Scenario> MakeReportScenario(const ScenarioContext& context) {
  using Service = v1::IntakeService;
  using Req = v1::ReportCaseRequest;
  using Resp = v1::ReportCaseResponse;
  auto planner = std::make_shared<ReportPlanner>(
      context.grids, std::vector<int>{}, CategoriesOf(*context.world),
      context.duplicate_share, context.seed);
  const std::string run = context.run;
  const bool header = context.header_mode;
  return std::make_unique<UnaryScenario<Service::Stub, Req, Resp>>(
      context.calls, StubsFor<Service>(context.target),
      [](Service::Stub* stub, grpc::ClientContext* c, const Req* q, Resp* p,
         std::function<void(grpc::Status)> cb) {
        stub->async()->ReportCase(c, q, p, std::move(cb));
      },
      [planner, run, header](int64_t n, Req* req, v1::Actor* as) {
        FillReport(planner->Next(), run, n, v1::SOURCE_WECHAT, req);
        *as = WeChatCitizen(run, n, header);
      });
}

absl::StatusOr<std::vector<ReportedCase>> ReportSetupCases(
    const ScenarioContext& context, int count) {
  ReportPlanner planner(context.grids, {}, CategoriesOf(*context.world),
                        /*duplicate_share=*/0, context.seed + 1);
  auto stub = v1::IntakeService::NewStub(context.target.at(0));
  std::vector<ReportedCase> cases(std::max(count, 0));
  std::atomic<int> next{0};
  absl::Mutex mu;
  absl::Status first_error;
  const std::string run = absl::StrCat(context.run, "-setup");
  auto work = [&] {
    for (int i = next++; i < count; i = next++) {
      grpc::ClientContext call;
      v1::Actor as = WeChatCitizen(run, i, context.header_mode);
      absl::Status s = context.calls->Prepare(&call, &as);
      v1::ReportCaseRequest req;
      FillReport(planner.Next(), run, i, v1::SOURCE_WECHAT, &req);
      v1::ReportCaseResponse resp;
      if (s.ok()) s = FromGrpcStatus(stub->ReportCase(&call, req, &resp));
      absl::MutexLock lock(&mu);
      if (!s.ok()) {
        if (first_error.ok()) first_error = s;
        next = count;  // stop every worker
        return;
      }
      cases[i] = {resp.case_().id(), as};
    }
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) workers.emplace_back(work);
  for (std::thread& t : workers) t.join();
  if (!first_error.ok()) {
    return absl::Status(
        first_error.code(),
        absl::StrCat("set-up ReportCase: ", first_error.message()));
  }
  if (cases.empty()) {
    return absl::InvalidArgumentError("--setup_cases: must be at least 1");
  }
  return cases;
}

}  // namespace gridcase::loadgen
