// Subprocess: a child process a test started and owns. It is killed and
// reaped when the object goes away, and killed by the kernel if the thread
// that started it dies (PR_SET_PDEATHSIG), so not even a crashed or
// timed-out test leaves processes behind. Start children from the test's
// main thread.
#ifndef GRIDCASE_COMMON_TESTING_SUBPROCESS_H_
#define GRIDCASE_COMMON_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::testing {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  std::vector<std::string> env;   // extra "NAME=value" entries
  std::string stdout_path;        // empty: /dev/null
  std::string stderr_path;        // empty: inherit
  // When > 0, the child's soft and hard RLIMIT_NOFILE (`ulimit -n`).
  int max_open_files = 0;
};

class Subprocess final {
 public:
  static absl::StatusOr<std::unique_ptr<Subprocess>> Spawn(
      SpawnOptions options);
  ~Subprocess();  // SIGKILL and reap if still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  absl::Status Signal(int signal);

  // Waits up to `timeout` for the process to end. Returns its wait status
  // (use WIFEXITED/WEXITSTATUS); DEADLINE_EXCEEDED if it is still running.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the wait status.
  absl::StatusOr<int> Stop(absl::Duration grace);

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::optional<int> wait_status_;
};

}  // namespace gridcase::testing

#endif  // GRIDCASE_COMMON_TESTING_SUBPROCESS_H_
