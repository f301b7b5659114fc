// ServiceProcess: one gridcase service binary run as a real process by a
// test, on 127.0.0.1 port 0 for gRPC and for /metrics. Start() waits until
// the process has written its ready file, so grpc_port() and admin_port()
// are known; the process is killed when the object goes away.
#ifndef GRIDCASE_COMMON_TESTING_SERVICE_PROCESS_H_
#define GRIDCASE_COMMON_TESTING_SERVICE_PROCESS_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"

namespace gridcase::testing {

class ServiceProcess final {
 public:
  struct Options {
    std::string binary;  // path to the service executable
    std::string redis;   // --redis address; empty: not passed
    std::vector<std::string> extra_args;
    std::vector<std::string> env;  // extra NAME=value entries
    // Run in --auth_mode=insecure-dev instead of jwt with the test keys
    // (test_identity.h).
    bool insecure_dev = false;
    absl::Duration ready_timeout = absl::Seconds(20);
    // When > 0, the process' descriptor limit (`ulimit -n`).
    int max_open_files = 0;
  };

  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(Options options);

  int grpc_port() const { return grpc_port_; }
  int admin_port() const { return admin_port_; }
  std::string target() const;
  std::shared_ptr<grpc::Channel> NewChannel() const;
  Subprocess& process() { return *process_; }
  std::string stderr_path() const { return dir_.File("stderr.log"); }
  // The process' stderr so far (for failure messages).
  std::string Stderr() const;

 private:
  explicit ServiceProcess(TempDir dir) : dir_(std::move(dir)) {}
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;
  int grpc_port_ = 0;
  int admin_port_ = 0;
};

// The common arguments that put a service on loopback port 0 with fast
// health checks and no rate limits, in jwt mode trusting the test keys
// (JwtServiceArgs) unless `insecure_dev`; exposed for tests that spawn
// binaries themselves.
std::vector<std::string> LoopbackServiceArgs(const std::string& redis,
                                             const std::string& ready_file,
                                             bool insecure_dev = false);

}  // namespace gridcase::testing

#endif  // GRIDCASE_COMMON_TESTING_SERVICE_PROCESS_H_
