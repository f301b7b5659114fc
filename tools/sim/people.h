// The simulated people of a day, each working through the public gRPC API as
// the real ones would: reporters send reports; the dispatcher works the
// review queue; each department works its own queue; the duty chief decides
// extensions and supervises overdue cases; inspectors verify in their grids.
// Each Work* call is one pass over a queue: it acts on every case whose
// moment has come and leaves the rest for the next pass.
#ifndef GRIDCASE_TOOLS_SIM_PEOPLE_H_
#define GRIDCASE_TOOLS_SIM_PEOPLE_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "tools/sim/ledger.h"
#include "tools/sim/plan.h"
#include "tools/sim/world.h"

namespace gridcase::sim {

struct Channels {
  std::shared_ptr<grpc::Channel> registry;
  std::shared_ptr<grpc::Channel> intake;
  std::shared_ptr<grpc::Channel> dispatch;
};

class People {
 public:
  People(const World& world, const std::vector<Report>& plan,
         const Channels& channels, Ledger& ledger, uint64_t seed);

  void SendReport(int index);
  void WorkReview();
  void WorkDepartment(const std::string& department);
  void WorkApprovals();
  void WorkSupervision();
  void WorkVerification();
  // The duty chief's UNSATISFIED queue: reopen the case or keep it closed.
  void WorkUnsatisfied();
  // The inspectors' CHECK queue: report what they find on site (核实).
  void WorkChecks();
  // The dispatcher, looking at the map, merges each report of a problem
  // already reported under another category into the first report's case
  // (合并), whatever state the two are in while both are open.
  void WorkMisfiled();

 private:
  template <typename Stub, typename Req, typename Resp>
  absl::Status Call(Stub& stub,
                    grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&,
                                              Resp*),
                    const v1::Actor& as, const Req& req, Resp* resp,
                    const std::string& what);
  std::vector<v1::QueueItem> Queue(v1::Queue queue, const std::string& owner,
                                   const v1::Actor& as);
  // True when the case's `step` is due: the first time the case's `step` is
  // asked about, it becomes due at `when` (later `when`s are ignored).
  // `track` gets a copy of the track.
  bool Due(const std::string& case_id, const std::string& step, absl::Time when,
           Track* track);
  absl::Duration Think(double low_s, double high_s);
  double Draw(double low, double high);
  v1::Location Where(const Report& r);
  std::string DepartmentFor(const v1::Case& c, const Track& t);
  void Dispatch(const v1::Case& c, const std::string& department);
  // Before registering: asks the grid's manager to check a doubtful report
  // on site (the invalid ones, and some others); true if it asked.
  bool AskForCheck(const v1::Case& c, const Track& t);
  // The dispatcher merges `id` into `into` (合并).
  void Merge(const std::string& id, const std::string& into);
  // The reporter rates the case just closed (citizens), or an acceptor
  // calls them back (hotline); some do not.
  void Rate(const v1::Case& c, const Track& t);

  const World& world_;
  const std::vector<Report>& plan_;
  Ledger& ledger_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  const std::string run_;  // makes request ids unique per run
  absl::Mutex mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> responsible_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::sim

#endif  // GRIDCASE_TOOLS_SIM_PEOPLE_H_
