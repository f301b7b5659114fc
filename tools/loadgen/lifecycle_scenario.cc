// The lifecycle scenario: one call is a case's whole life through the
// public APIs, as tools/sim's people live it — a WeChat citizen's report
// (which waits in REVIEW: WeChat is routed by hand), RegisterCase and
// DispatchCase by the dispatcher (the responsibility rule picks the
// department), AcknowledgeCase and SubmitHandling by the department's
// staff, VerifyCase by the grid's manager (else the duty chief), each with
// expected_version from the response before. A failed step ends the chain
// and is counted as "<Step>:<CODE>".
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "tools/loadgen/actors.h"
#include "tools/loadgen/scenarios.h"
#include "tools/loadgen/unary_scenario.h"

namespace gridcase::loadgen {
namespace {

using Intake = v1::IntakeService;
using Dispatch = v1::DispatchService;

v1::Media Photo(const std::string& name) {
  v1::Media m;
  m.set_kind(v1::MEDIA_KIND_PHOTO);
  m.set_uri(absl::StrCat("loadgen/", name, ".jpg"));
  return m;
}

class LifecycleScenario final : public Scenario {
 public:
  explicit LifecycleScenario(const ScenarioContext& context)
      : context_(context),
        planner_(context.grids, {},
                 CategoriesOf(*context.world, /*chain=*/true),
                 /*duplicate_share=*/0, context.seed),
        intake_(StubsFor<Intake>(context.target)),
        dispatch_(StubsFor<Dispatch>(context.dispatch)) {}

  void Start(int64_t n, int channel, Done done) override {
    auto chain = std::make_shared<Chain>();
    chain->n = n;
    chain->channel = channel;
    chain->done = std::move(done);
    Report(chain);
  }

 private:
  struct Chain {
    int64_t n = 0;
    int channel = 0;
    Done done;
    std::string case_id;
  };
  using ChainPtr = std::shared_ptr<Chain>;

  // Makes one step's RPC as `as`; on success hands the response to `next`,
  // else ends the chain with the step's name.
  template <typename Req, typename Resp, typename InvokeFn, typename Next>
  void Step(const ChainPtr& chain, const char* step, const v1::Actor& as,
            Req request, InvokeFn invoke, Next next) {
    auto call = std::make_unique<Unary<Req, Resp>>();
    call->request = std::move(request);
    if (absl::Status s = context_.calls->Prepare(&call->context, &as);
        !s.ok()) {
      chain->done(Outcome::Of(step, s));
      return;
    }
    Launch(std::move(call), std::move(invoke),
           [chain, step, next = std::move(next)](const grpc::Status& s,
                                                 Resp& response) mutable {
             if (!s.ok()) {
               chain->done(Outcome::Of(step, s));
               return;
             }
             next(response);
           });
  }

  v1::Actor Dispatcher(const ChainPtr& chain) const {
    return PoolCopy(context_.world->dispatcher, chain->n, context_.staff_pool);
  }

  void Report(const ChainPtr& chain) {
    v1::ReportCaseRequest req;
    FillReport(planner_.Next(), context_.run, chain->n, v1::SOURCE_WECHAT,
               &req);
    Intake::Stub* stub = intake_[chain->channel].get();
    Step<v1::ReportCaseRequest, v1::ReportCaseResponse>(
        chain, "ReportCase",
        WeChatCitizen(context_.run, chain->n, context_.header_mode),
        std::move(req),
        [stub](auto* c, auto* q, auto* p, auto cb) {
          stub->async()->ReportCase(c, q, p, std::move(cb));
        },
        [this, chain](v1::ReportCaseResponse& resp) {
          if (resp.outcome() != v1::REPORT_OUTCOME_CREATED) {
            chain->done(Outcome::Failed(
                "ReportCase", "MERGED",
                absl::StrCat("merged into ", resp.merged_into_case_id())));
            return;
          }
          chain->case_id = resp.case_().id();
          Register(chain, resp.case_().version());
        });
  }

  void Register(const ChainPtr& chain, int64_t version) {
    v1::RegisterCaseRequest req;
    req.set_case_id(chain->case_id);
    req.set_expected_version(version);
    Dispatch::Stub* stub = dispatch_[chain->channel].get();
    Step<v1::RegisterCaseRequest, v1::RegisterCaseResponse>(
        chain, "RegisterCase", Dispatcher(chain), std::move(req),
        [stub](auto* c, auto* q, auto* p, auto cb) {
          stub->async()->RegisterCase(c, q, p, std::move(cb));
        },
        [this, chain](v1::RegisterCaseResponse& resp) {
          DispatchIt(chain, resp.case_().version());
        });
  }

  void DispatchIt(const ChainPtr& chain, int64_t version) {
    v1::DispatchCaseRequest req;
    req.set_case_id(chain->case_id);
    req.set_expected_version(version);
    Dispatch::Stub* stub = dispatch_[chain->channel].get();
    Step<v1::DispatchCaseRequest, v1::DispatchCaseResponse>(
        chain, "DispatchCase", Dispatcher(chain), std::move(req),
        [stub](auto* c, auto* q, auto* p, auto cb) {
          stub->async()->DispatchCase(c, q, p, std::move(cb));
        },
        [this, chain](v1::DispatchCaseResponse& resp) {
          const v1::Case& c = resp.case_();
          if (c.state() == v1::CASE_STATE_DISPATCHED) {
            Acknowledge(chain, c);
          } else {
            Handle(chain, c);
          }
        });
  }

  v1::Actor StaffOf(const ChainPtr& chain, const v1::Case& c) const {
    auto it = context_.world->staff.find(c.department_id());
    if (it == context_.world->staff.end()) {
      return DepartmentStaff(c.department_id());
    }
    return PoolCopy(it->second, chain->n, context_.staff_pool);
  }

  void Acknowledge(const ChainPtr& chain, const v1::Case& c) {
    v1::AcknowledgeCaseRequest req;
    req.set_case_id(chain->case_id);
    req.set_expected_version(c.version());
    Dispatch::Stub* stub = dispatch_[chain->channel].get();
    Step<v1::AcknowledgeCaseRequest, v1::AcknowledgeCaseResponse>(
        chain, "AcknowledgeCase", StaffOf(chain, c), std::move(req),
        [stub](auto* q1, auto* q, auto* p, auto cb) {
          stub->async()->AcknowledgeCase(q1, q, p, std::move(cb));
        },
        [this, chain](v1::AcknowledgeCaseResponse& resp) {
          Handle(chain, resp.case_());
        });
  }

  void Handle(const ChainPtr& chain, const v1::Case& c) {
    v1::SubmitHandlingRequest req;
    req.set_case_id(chain->case_id);
    req.set_expected_version(c.version());
    req.set_note("已处置完毕，附处置后照片（loadgen）");
    *req.add_attachments() = Photo(absl::StrCat(chain->case_id, "-after"));
    Dispatch::Stub* stub = dispatch_[chain->channel].get();
    Step<v1::SubmitHandlingRequest, v1::SubmitHandlingResponse>(
        chain, "SubmitHandling", StaffOf(chain, c), std::move(req),
        [stub](auto* q1, auto* q, auto* p, auto cb) {
          stub->async()->SubmitHandling(q1, q, p, std::move(cb));
        },
        [this, chain](v1::SubmitHandlingResponse& resp) {
          Verify(chain, resp.case_());
        });
  }

  void Verify(const ChainPtr& chain, const v1::Case& c) {
    v1::VerifyCaseRequest req;
    req.set_case_id(chain->case_id);
    req.set_expected_version(c.version());
    req.set_passed(true);
    req.set_note("现场复核通过（loadgen）");
    const sim::World& w = *context_.world;
    const sim::Grid* grid = w.FindGrid(c.grid_code());
    const v1::Actor& inspector =
        grid == nullptr ? w.duty_chief : w.Inspector(*grid);
    Dispatch::Stub* stub = dispatch_[chain->channel].get();
    Step<v1::VerifyCaseRequest, v1::VerifyCaseResponse>(
        chain, "VerifyCase", PoolCopy(inspector, chain->n, context_.staff_pool),
        std::move(req),
        [stub](auto* q1, auto* q, auto* p, auto cb) {
          stub->async()->VerifyCase(q1, q, p, std::move(cb));
        },
        [chain](v1::VerifyCaseResponse&) { chain->done(Outcome::Ok()); });
  }

  const ScenarioContext context_;
  ReportPlanner planner_;
  std::vector<std::unique_ptr<Intake::Stub>> intake_;
  std::vector<std::unique_ptr<Dispatch::Stub>> dispatch_;
};

}  // namespace

std::unique_ptr<Scenario> MakeLifecycleScenario(
    const ScenarioContext& context) {
  return std::make_unique<LifecycleScenario>(context);
}

}  // namespace gridcase::loadgen
