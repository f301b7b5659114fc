// ReportLoad: client threads that report cases to gridcase-intake through
// faults, as the contract asks of every client: a report that was not
// acknowledged is sent again with the same request_id until it is. Each
// report carries a unique marker (its request_id) in its description, so
// that the stored cases can be matched to the reports afterwards.
//
// The mix: two reports in three are a grid manager's patrol in Puyuan
// (濮院镇; E0101 or E0102, routed automatically to sanitation), one in three
// a citizen's on WeChat (E0103, left for manual review) in one of 11 towns.
// Reports of one category go to points of a lattice farther apart than the
// category's duplicate radius, so that none is merged into another until a
// category has used all its points (868 for each patrol category, 2,046 for
// E0103).
#ifndef GRIDCASE_TESTS_FAULT_REPORT_LOAD_H_
#define GRIDCASE_TESTS_FAULT_REPORT_LOAD_H_

#include <grpcpp/support/status.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tests/fault/census.h"

namespace gridcase::fault {

class ReportLoad final {
 public:
  struct Options {
    std::string intake_target;  // "127.0.0.1:<port>"
    int clients = 4;
    // Pause of each client after an acknowledged report.
    absl::Duration pause = absl::Milliseconds(100);
    // Deadline of one attempt, and the pause before the next one.
    absl::Duration attempt_timeout = absl::Seconds(3);
    absl::Duration retry_pause = absl::Milliseconds(100);
  };

  explicit ReportLoad(Options options);
  ~ReportLoad();  // stops and joins the clients
  ReportLoad(const ReportLoad&) = delete;
  ReportLoad& operator=(const ReportLoad&) = delete;

  void Start();
  // Acknowledgements from now on are recorded with `phase`.
  void SetPhase(int phase) { phase_ = phase; }
  // No new reports; the reports in flight are retried until acknowledged,
  // refused, or `retry_for` has passed. Returns false on timeout.
  bool Finish(absl::Duration retry_for);

  // Every acknowledged report so far (all of them after Finish()).
  std::vector<Acked> acked() const;
  // Reports given up after Finish's `retry_for` (never acknowledged).
  int unacknowledged() const;
  // Request ids of reports refused with a code no retry can change (e.g.
  // INVALID_ARGUMENT): the load itself would be wrong.
  std::vector<std::string> refused() const;
  // Failed attempts by status code name, e.g. {"UNAVAILABLE", 31}.
  std::map<std::string, int> failures() const;

 private:
  void Client(int index);
  // Records a failed attempt; false if the report is not to be sent again
  // (refused, or given up).
  bool RetryAfter(const std::string& request_id, const grpc::Status& status);

  const Options options_;
  std::atomic<int> phase_{0};
  std::atomic<bool> issuing_{true};
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> give_up_at_ms_{0};  // 0: not yet finishing
  std::vector<std::thread> clients_;
  mutable absl::Mutex mu_;
  std::vector<Acked> acked_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> refused_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> failures_ ABSL_GUARDED_BY(mu_);
  int unacknowledged_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gridcase::fault

#endif  // GRIDCASE_TESTS_FAULT_REPORT_LOAD_H_
