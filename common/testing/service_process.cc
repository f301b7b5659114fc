#include "common/testing/service_process.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "common/testing/test_identity.h"
#include "nlohmann/json.hpp"

namespace gridcase::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::vector<std::string> LoopbackServiceArgs(const std::string& redis,
                                             const std::string& ready_file,
                                             bool insecure_dev) {
  std::vector<std::string> args = {
      "--grpc_address=127.0.0.1:0", "--admin_address=127.0.0.1:0",
      absl::StrCat("--ready_file=", ready_file), "--health_interval=100ms",
      "--redis_timeout=500ms",
      // Tests act as a handful of subjects at machine speed: rate limits
      // would make them depend on timing. A test of the limits sets its
      // own (a later flag wins).
      "--rate_limit_caller=0", "--rate_limit_staff=0",
      "--rate_limit_channel=0"};
  if (!redis.empty()) args.push_back(absl::StrCat("--redis=", redis));
  if (insecure_dev) {
    args.push_back("--auth_mode=insecure-dev");
  } else {
    const std::vector<std::string>& jwt = JwtServiceArgs();
    args.insert(args.end(), jwt.begin(), jwt.end());
  }
  return args;
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(
    Options options) {
  ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("gridcase-svc"));
  std::unique_ptr<ServiceProcess> self(new ServiceProcess(std::move(dir)));
  std::string ready = self->dir_.File("ready.json");
  SpawnOptions spawn;
  spawn.argv = {options.binary};
  for (std::string& a :
       LoopbackServiceArgs(options.redis, ready, options.insecure_dev)) {
    spawn.argv.push_back(std::move(a));
  }
  spawn.argv.insert(spawn.argv.end(), options.extra_args.begin(),
                    options.extra_args.end());
  spawn.env = options.env;
  spawn.max_open_files = options.max_open_files;
  spawn.stderr_path = self->stderr_path();
  ASSIGN_OR_RETURN(self->process_, Subprocess::Spawn(std::move(spawn)));

  absl::Time deadline = absl::Now() + options.ready_timeout;
  while (absl::Now() < deadline) {
    if (!self->process_->running()) {
      return absl::InternalError(
          absl::StrCat(options.binary, " exited before it was ready; stderr:\n",
                       self->Stderr()));
    }
    std::string text = ReadFile(ready);
    if (!text.empty()) {
      nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
      if (!j.is_discarded()) {
        self->grpc_port_ = j.value("grpc_port", 0);
        self->admin_port_ = j.value("admin_port", 0);
        return self;
      }
    }
    absl::SleepFor(absl::Milliseconds(20));  // waiting for readiness
  }
  return absl::DeadlineExceededError(
      absl::StrCat(options.binary, " not ready after ",
                   absl::FormatDuration(options.ready_timeout), "; stderr:\n",
                   self->Stderr()));
}

std::string ServiceProcess::target() const {
  return absl::StrCat("127.0.0.1:", grpc_port_);
}

std::shared_ptr<grpc::Channel> ServiceProcess::NewChannel() const {
  return grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
}

std::string ServiceProcess::Stderr() const { return ReadFile(stderr_path()); }

}  // namespace gridcase::testing
