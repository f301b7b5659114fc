#include "common/testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

extern char** environ;

namespace gridcase::testing {

namespace {

// Finds `name` in PATH (or takes it as is when it has a slash), so that the
// child needs no allocation between fork and exec.
std::string ResolveBinary(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  for (absl::string_view dir :
       absl::StrSplit(path != nullptr ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = absl::StrCat(dir, "/", name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return name;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Spawn(
    SpawnOptions options) {
  if (options.argv.empty()) {
    return absl::InvalidArgumentError("spawn: argv must not be empty");
  }
  std::string binary = ResolveBinary(options.argv[0]);
  std::vector<char*> argv;
  for (std::string& a : options.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  for (std::string& e : options.env) env_storage.push_back(e);
  std::vector<char*> envp;
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string out =
      options.stdout_path.empty() ? "/dev/null" : options.stdout_path;
  const std::string& err = options.stderr_path;
  pid_t parent = getpid();
  const int max_open_files = options.max_open_files;

  pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here to exec. The child is
    // killed if the test process dies, even by SIGKILL or a ctest timeout,
    // so no test leaves processes behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int in_fd = open("/dev/null", O_RDONLY);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0) _exit(127);
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    if (!err.empty()) {
      int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err_fd < 0) _exit(127);
      dup2(err_fd, STDERR_FILENO);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    if (max_open_files > 0) {
      rlimit limit{static_cast<rlim_t>(max_open_files),
                   static_cast<rlim_t>(max_open_files)};
      if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(127);
    }
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return std::unique_ptr<Subprocess>(new Subprocess(pid));
}

Subprocess::~Subprocess() {
  if (running()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

bool Subprocess::running() {
  if (wait_status_.has_value()) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    wait_status_ = status;
    return false;
  }
  return r == 0;
}

absl::Status Subprocess::Signal(int signal) {
  if (!running()) {
    return absl::FailedPreconditionError(
        absl::StrCat("process ", pid_, " has already ended"));
  }
  if (kill(pid_, signal) != 0) {
    return absl::InternalError(
        absl::StrCat("kill ", pid_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Subprocess::Wait(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (running()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid_, " still running after ",
                       absl::FormatDuration(timeout)));
    }
    absl::SleepFor(absl::Milliseconds(5));  // polling an exit, not passing time
  }
  return *wait_status_;
}

absl::StatusOr<int> Subprocess::Stop(absl::Duration grace) {
  if (running()) kill(pid_, SIGTERM);
  absl::StatusOr<int> status = Wait(grace);
  if (status.ok()) return status;
  kill(pid_, SIGKILL);
  return Wait(absl::Seconds(10));
}

}  // namespace gridcase::testing
