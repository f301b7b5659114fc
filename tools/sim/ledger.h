// The simulation's book of its own cases: the fate planned for each, the
// state it was last seen in, and what happened to it (returned, reworked,
// extended, late). Every desk thread reads and writes it; one mutex guards it.
#ifndef GRIDCASE_TOOLS_SIM_LEDGER_H_
#define GRIDCASE_TOOLS_SIM_LEDGER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"
#include "tools/sim/plan.h"

namespace gridcase::sim {

struct Track {
  int report = -1;  // index into the plan
  Fate fate = Fate::kNormal;
  v1::CaseState state = v1::CASE_STATE_REPORTED;
  std::string returned_by;  // department that returned it, if one did
  bool returned = false;
  bool reworked = false;
  bool extension_asked = false;
  bool extended = false;
  bool supervised = false;
  bool red = false;                 // was seen overdue at some stage
  int ratings = 0;                  // ratings given (满意度, callbacks)
  int unsatisfied = 0;              // of which UNSATISFIED
  bool complaint_reopened = false;  // the duty chief reopened it on a rating
  bool check_asked = false;   // the centre asked for an on-site check (核实)
  bool staff_merged = false;  // the dispatcher merged it into another (合并)
  int64_t version = 0;        // of the newest view recorded
  // Desk bookkeeping: when the simulated person takes each step ("ack 2",
  // "verify 1", ...), drawn the first time the step is seen.
  std::map<std::string, absl::Time> due;
};

// What the ledger holds now.
struct Tally {
  std::map<v1::CaseState, int> states;  // by state last seen
  int reports = 0;                      // reports sent
  int returned = 0;
  int reworked = 0;
  int extended = 0;
  int red = 0;
  int supervised = 0;
  int ratings = 0;
  int unsatisfied = 0;
  int complaint_reopened = 0;
  int checks = 0;        // on-site checks asked for (核实)
  int staff_merges = 0;  // misfiled reports merged by the dispatcher (合并)
  int open = 0;          // not CLOSED, VOIDED or MERGED
  int64_t calls = 0;
  int64_t conflicts = 0;  // lost races (FAILED_PRECONDITION, ABORTED)
  int64_t errors = 0;     // anything else
  // One case id per path ("reworked", "returned", "extended", "late",
  // "merged"), for the reader to look at.
  std::map<std::string, std::string> examples;
};

class Ledger {
 public:
  void Add(const std::string& case_id, Track track);
  void CountReport();
  // Runs `f` on the case's track under the lock; false if it is not ours.
  bool With(const std::string& case_id, const std::function<void(Track&)>& f);
  // The ids of the cases whose track satisfies `pred`.
  std::vector<std::string> CasesWhere(
      const std::function<bool(const Track&)>& pred) const;
  // The case of the plan's report `index`, if it was reported.
  std::optional<std::string> CaseOfReport(int index) const;
  // Records what a response or a queue shows of one of our cases, unless a
  // newer version was recorded already (desks race on the same case).
  void Observe(const v1::Case& c);
  // Counts a call's outcome; keeps the first few unexpected errors.
  void CountCall(const absl::Status& status, const std::string& what);
  Tally Snapshot() const;
  std::vector<std::string> Errors() const;

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, Track> cases_ ABSL_GUARDED_BY(mu_);
  int reports_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t calls_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t conflicts_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
  int64_t error_count_ ABSL_GUARDED_BY(mu_) = 0;
};

bool IsFinal(v1::CaseState s);

}  // namespace gridcase::sim

#endif  // GRIDCASE_TOOLS_SIM_LEDGER_H_
