// The routed scenario: how long until a report is visible to the
// department. Grid managers report in their grids (SOURCE_GRID_PATROL,
// which the default routing policy routes automatically: dispatch
// registers the case and dispatches it by the responsibility rule after
// --self_handle_grace). One IntakeService.WatchCases stream per town,
// opened before the run, carries the "case.dispatched" events; a call ends
// when its case's event arrives (matched by case id, whether the event
// comes before or after the ReportCase response), or fails NOT_ROUTED
// --deadline after the report was sent.
#include <grpcpp/support/client_callback.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "tools/loadgen/scenarios.h"
#include "tools/loadgen/unary_scenario.h"

namespace gridcase::loadgen {
namespace {

using Intake = v1::IntakeService;

// Receives the events of one town until cancelled.
class TownWatch final : public grpc::ClientReadReactor<v1::WatchCasesResponse> {
 public:
  using OnEvent = std::function<void(const std::string& case_id, TimePoint)>;

  TownWatch(Intake::Stub* stub, const std::string& town, OnEvent on_event)
      : town_(town), on_event_(std::move(on_event)), stub_(stub) {
    request_.set_region_code(town);
    request_.add_types(v1::CASE_EVENT_TYPE_DISPATCHED);
  }

  absl::Status Open(auth::ClientIdentity* identity, const v1::Actor& as) {
    if (absl::Status s = identity->Attach(&context_, as); !s.ok()) return s;
    stub_->async()->WatchCases(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
    return absl::OkStatus();
  }

  // Waits for the first marker (subscription live) or the end.
  absl::Status WaitLive(absl::Duration timeout) {
    if (!live_.WaitForNotificationWithTimeout(timeout)) {
      return absl::DeadlineExceededError(
          absl::StrCat("WatchCases ", town_, ": not live in time"));
    }
    absl::MutexLock lock(&mu_);
    if (ended_) {
      return absl::Status(
          static_cast<absl::StatusCode>(status_.error_code()),
          absl::StrCat("WatchCases ", town_, ": ", status_.error_message()));
    }
    return absl::OkStatus();
  }

  void Cancel() { context_.TryCancel(); }
  void WaitEnded() {
    absl::MutexLock lock(&mu_);
    while (!ended_) ended_cv_.Wait(&mu_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    if (response_.has_event()) {
      on_event_(response_.event().case_id(), Clock::now());
    } else if (!live_.HasBeenNotified()) {
      live_.Notify();
    }
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& s) override {
    absl::MutexLock lock(&mu_);
    status_ = s;
    ended_ = true;
    ended_cv_.SignalAll();
    if (!live_.HasBeenNotified()) live_.Notify();
  }

 private:
  const std::string town_;
  OnEvent on_event_;
  Intake::Stub* stub_;
  grpc::ClientContext context_;
  v1::WatchCasesRequest request_;
  v1::WatchCasesResponse response_;
  absl::Notification live_;
  absl::Mutex mu_;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  absl::CondVar ended_cv_;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

class RoutedScenario final : public Scenario {
 public:
  RoutedScenario(const ScenarioContext& context, std::vector<int> usable,
                 std::map<int, v1::Actor> manager_of)
      : context_(context),
        planner_(context.grids, std::move(usable),
                 CategoriesOf(*context.world, /*chain=*/true),
                 /*duplicate_share=*/0, context.seed),
        manager_of_(std::move(manager_of)),
        stubs_(StubsFor<Intake>(context.target)) {}

  ~RoutedScenario() override { Stop(); }

  absl::Status OpenWatches(const std::set<std::string>& towns) {
    int i = 0;
    for (const std::string& town : towns) {
      auto watch = std::make_unique<TownWatch>(
          stubs_[i++ % stubs_.size()].get(), town,
          [this](const std::string& id, TimePoint at) { Arrived(id, at); });
      absl::Status s =
          watch->Open(context_.calls->identity(), context_.world->dispatcher);
      if (!s.ok()) return s;
      watches_.push_back(std::move(watch));
    }
    for (auto& w : watches_) {
      if (absl::Status s = w->WaitLive(absl::Seconds(10)); !s.ok()) return s;
    }
    sweeper_ = std::thread([this] { Sweep(); });
    return absl::OkStatus();
  }

  void Start(int64_t n, int channel, Done done) override {
    PlannedReport plan = planner_.Next();
    auto call = std::make_unique<
        Unary<v1::ReportCaseRequest, v1::ReportCaseResponse>>();
    FillReport(plan, context_.run, n, v1::SOURCE_GRID_PATROL, &call->request);
    const v1::Actor& manager = manager_of_.at(plan.grid);
    if (absl::Status s = context_.calls->Prepare(&call->context, &manager);
        !s.ok()) {
      done(Outcome::Of("ReportCase", s));
      return;
    }
    const TimePoint give_up =
        Clock::now() + Nanos(absl::ToInt64Nanoseconds(context_.deadline));
    Intake::Stub* stub = stubs_[channel].get();
    Launch(
        std::move(call),
        [stub](auto* c, auto* q, auto* p, auto cb) {
          stub->async()->ReportCase(c, q, p, std::move(cb));
        },
        [this, give_up, done = std::move(done)](
            const grpc::Status& s, v1::ReportCaseResponse& resp) mutable {
          if (!s.ok()) {
            done(Outcome::Of("ReportCase", s));
          } else if (resp.outcome() != v1::REPORT_OUTCOME_CREATED) {
            done(Outcome::Failed(
                "ReportCase", "MERGED",
                absl::StrCat("merged into ", resp.merged_into_case_id(),
                             ": never routed on its own")));
          } else {
            Reported(resp.case_().id(), give_up, std::move(done));
          }
        });
  }

  void Stop() override {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    if (sweeper_.joinable()) sweeper_.join();
    for (auto& w : watches_) w->Cancel();
    for (auto& w : watches_) w->WaitEnded();
  }

 private:
  struct Waiting {
    Done done;
    TimePoint give_up;
  };

  void Reported(const std::string& id, TimePoint give_up, Done done) {
    std::optional<TimePoint> arrived;
    {
      absl::MutexLock lock(&mu_);
      auto it = arrivals_.find(id);
      if (it == arrivals_.end()) {
        waiting_[id] = {std::move(done), give_up};
        return;
      }
      arrived = it->second;
      arrivals_.erase(it);
    }
    Outcome ok;
    ok.finished_at = arrived;
    done(std::move(ok));
  }

  void Arrived(const std::string& id, TimePoint at) {
    Done done;
    {
      absl::MutexLock lock(&mu_);
      auto it = waiting_.find(id);
      if (it == waiting_.end()) {
        // Its response is on the way, or not one of ours.
        arrivals_.emplace(id, at);
        return;
      }
      done = std::move(it->second.done);
      waiting_.erase(it);
    }
    Outcome ok;
    ok.finished_at = at;
    done(std::move(ok));
  }

  // Fails the reports whose event is late, and forgets events nobody
  // waits for, every 20 ms until Stop.
  void Sweep() {
    const Nanos keep = 2 * Nanos(absl::ToInt64Nanoseconds(context_.deadline));
    while (true) {
      std::vector<Done> late;
      const TimePoint now = Clock::now();
      {
        absl::MutexLock lock(&mu_);
        if (stopping_ && waiting_.empty()) return;
        for (auto it = waiting_.begin(); it != waiting_.end();) {
          if (it->second.give_up > now) {
            ++it;
            continue;
          }
          late.push_back(std::move(it->second.done));
          it = waiting_.erase(it);
        }
        for (auto it = arrivals_.begin(); it != arrivals_.end();) {
          it = now - it->second > keep ? arrivals_.erase(it) : std::next(it);
        }
      }
      for (Done& d : late) {
        d(Outcome::Failed("Watch", "NOT_ROUTED",
                          "no case.dispatched event within --deadline"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  const ScenarioContext context_;
  ReportPlanner planner_;
  const std::map<int, v1::Actor> manager_of_;  // grid index -> its manager
  std::vector<std::unique_ptr<Intake::Stub>> stubs_;
  std::vector<std::unique_ptr<TownWatch>> watches_;
  std::thread sweeper_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, Waiting> waiting_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, TimePoint> arrivals_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<Scenario>> MakeRoutedScenario(
    const ScenarioContext& context) {
  const sim::World& w = *context.world;
  std::map<std::string, const v1::Actor*> manager_by_grid;
  for (const sim::Grid& g : w.grids) {
    auto m = w.grid_managers.find(g.manager);
    if (m != w.grid_managers.end()) manager_by_grid[g.code] = &m->second;
  }
  std::vector<int> usable;
  std::map<int, v1::Actor> manager_of;
  std::set<std::string> towns;
  for (size_t i = 0; i < context.grids->size(); ++i) {
    const GridShape& g = (*context.grids)[i];
    auto it = manager_by_grid.find(g.code);
    if (it == manager_by_grid.end()) continue;
    usable.push_back(static_cast<int>(i));
    manager_of[static_cast<int>(i)] = *it->second;
    towns.insert(g.town);
  }
  if (usable.empty()) {
    return absl::FailedPreconditionError(
        "routed: no grid of --grids has a grid manager in the registry");
  }
  auto scenario = std::make_unique<RoutedScenario>(context, std::move(usable),
                                                   std::move(manager_of));
  if (absl::Status s = scenario->OpenWatches(towns); !s.ok()) return s;
  return scenario;
}

}  // namespace gridcase::loadgen
