// WorkflowLoad: the people who move cases on while faults happen. A
// sanitation department thread acknowledges and handles the cases in its
// queue (ListQueue DEPARTMENT sanitation, AcknowledgeCase, SubmitHandling),
// and an inspector of the 濮院社区 grids verifies the handled cases there
// (ListQueue VERIFICATION, VerifyCase), sending one in five back for rework
// the first time. Every call states the version it saw and an idempotency
// key; ABORTED and FAILED_PRECONDITION (somebody acted first, or the case
// moved on) and UNAVAILABLE / DEADLINE_EXCEEDED (a fault) are expected and
// the case is simply looked at again in the next round.
#ifndef GRIDCASE_TESTS_FAULT_WORKFLOW_LOAD_H_
#define GRIDCASE_TESTS_FAULT_WORKFLOW_LOAD_H_

#include <grpcpp/support/status.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gridcase::fault {

class WorkflowLoad final {
 public:
  struct Options {
    std::string dispatch_target;  // "127.0.0.1:<port>"
    absl::Duration round_pause = absl::Milliseconds(150);
    absl::Duration call_timeout = absl::Seconds(3);
  };

  explicit WorkflowLoad(Options options);
  ~WorkflowLoad();  // stops and joins
  WorkflowLoad(const WorkflowLoad&) = delete;
  WorkflowLoad& operator=(const WorkflowLoad&) = delete;

  void Start();
  void Stop();

  // Outcomes by "<rpc> <code>", e.g. {"AcknowledgeCase OK", 512}.
  std::map<std::string, int> outcomes() const;

 private:
  void Department();
  void Inspector();
  // Counts the outcome of one call.
  void Note(const std::string& rpc, const grpc::Status& status);

  const Options options_;
  std::atomic<bool> running_{false};
  std::vector<std::thread> threads_;
  mutable absl::Mutex mu_;
  std::map<std::string, int> outcomes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gridcase::fault

#endif  // GRIDCASE_TESTS_FAULT_WORKFLOW_LOAD_H_
