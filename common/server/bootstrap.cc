#include "common/server/bootstrap.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/config/env_flags.h"
#include "common/log/log.h"
#include "common/server/rate_limit_flags.h"
#include "common/server/security_flags.h"
#include "common/server/signals.h"
#include "common/status/status_macros.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, grpc_address, "0.0.0.0:8080",
          "Address the gRPC server listens on, host:port; port 0 picks a free "
          "port (see --ready_file).");
ABSL_FLAG(std::string, admin_address, "0.0.0.0:9090",
          "Address of the admin HTTP server with /metrics, host:port; port 0 "
          "picks a free port; empty disables it.");
ABSL_FLAG(std::string, redis, "127.0.0.1:6379",
          "Redis address: host:port, tcp://host:port or unix:///path.");
ABSL_FLAG(std::string, redis_password, "",
          "Redis AUTH password; prefer the GRIDCASE_REDIS_PASSWORD variable "
          "from a Kubernetes Secret.");
ABSL_FLAG(int32_t, redis_pool_size, 16,
          "Most Redis connections this process opens.");
ABSL_FLAG(absl::Duration, redis_connect_timeout, absl::Milliseconds(500),
          "Timeout for opening a Redis connection.");
ABSL_FLAG(absl::Duration, redis_timeout, absl::Seconds(2),
          "Timeout for one Redis reply (and for waiting for a free "
          "connection).");
ABSL_FLAG(
    absl::Duration, drain_timeout, absl::Seconds(20),
    "On SIGTERM, how long in-flight calls may run before they are "
    "cancelled. Keep it below Kubernetes' terminationGracePeriodSeconds.");
ABSL_FLAG(absl::Duration, shutdown_delay, absl::ZeroDuration(),
          "On SIGTERM, how long to report NOT_SERVING while still serving, so "
          "load balancers stop sending new calls before the drain.");
ABSL_FLAG(absl::Duration, health_interval, absl::Seconds(1),
          "How often the health probe pings Redis.");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error, critical or off.");
ABSL_FLAG(std::string, ready_file, "",
          "When set, write the chosen ports to this JSON file once serving.");
namespace gridcase::server {
namespace {

absl::Status BuildFromFlags(absl::string_view service_name,
                            ServerOptions* options, redis::PoolOptions* pool) {
  options->service_name = std::string(service_name);
  options->grpc_address = absl::GetFlag(FLAGS_grpc_address);
  options->admin_address = absl::GetFlag(FLAGS_admin_address);
  options->drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options->shutdown_delay = absl::GetFlag(FLAGS_shutdown_delay);
  options->health_interval = absl::GetFlag(FLAGS_health_interval);
  if (absl::Status s = ValidateServerOptions(*options); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", s.message()));
  }
  pool->address = absl::GetFlag(FLAGS_redis);
  pool->password = absl::GetFlag(FLAGS_redis_password);
  pool->max_connections = absl::GetFlag(FLAGS_redis_pool_size);
  pool->connect_timeout = absl::GetFlag(FLAGS_redis_connect_timeout);
  pool->command_timeout = absl::GetFlag(FLAGS_redis_timeout);
  if (!log::IsValidLevel(absl::GetFlag(FLAGS_log_level))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--log_level: must be trace, debug, info, warn, error, critical or "
        "off, got '",
        absl::GetFlag(FLAGS_log_level), "'"));
  }
  return absl::OkStatus();
}

}  // namespace

Bootstrap Bootstrap::FromFlags(int argc, char** argv,
                               absl::string_view service_name,
                               absl::string_view usage) {
  BlockTerminationSignals();
  config::ParseFlags(argc, argv, usage);
  std::string program = argc > 0 ? argv[0] : std::string(service_name);

  Bootstrap boot;
  redis::PoolOptions pool;
  if (absl::Status s = BuildFromFlags(service_name, &boot.options_, &pool);
      !s.ok()) {
    config::DieWithConfigError(program, s);
  }
  absl::StatusOr<std::unique_ptr<redis::RedisPool>> redis =
      redis::RedisPool::Create(pool);
  if (!redis.ok()) {
    config::DieWithConfigError(
        program, absl::InvalidArgumentError(
                     absl::StrCat("--redis: ", redis.status().message())));
  }
  boot.redis_ = *std::move(redis);
  absl::StatusOr<Security> security = SecurityFromFlags(service_name);
  if (!security.ok()) config::DieWithConfigError(program, security.status());
  boot.authenticator_ = std::move(security->authenticator);
  boot.outbound_ = std::move(security->outbound);
  boot.options_.credentials = std::move(security->server_credentials);
  boot.channel_credentials_ = std::move(security->channel_credentials);
  boot.program_ = program;
  log::Init(absl::StrCat("gridcase-", service_name),
            absl::GetFlag(FLAGS_log_level))
      .IgnoreError();  // validated above
  LogSecurity(*security);
  boot.ready_file_ = absl::GetFlag(FLAGS_ready_file);
  boot.metrics_ = std::make_shared<prometheus::Registry>();
  boot.authenticator_ =
      RateLimitedFromFlags(std::move(boot.authenticator_), boot.redis_.get(),
                           *boot.metrics_, service_name);
  return boot;
}

const auth::OutboundIdentity& Bootstrap::outbound_identity() const {
  if (outbound_ == nullptr) {
    config::DieWithConfigError(
        program_,
        absl::InvalidArgumentError(
            "--service_token_file: is required with --auth_mode=jwt: this "
            "service calls other gridcase services and needs a token to "
            "prove who it is"));
  }
  return *outbound_;
}

std::shared_ptr<grpc::Channel> Bootstrap::NewChannel(
    const std::string& target) const {
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  return grpc::CreateCustomChannel(target, channel_credentials_, args);
}

int Bootstrap::Serve(std::vector<ServiceBinding> services) {
  redis::RedisClient* redis = redis_.get();
  HealthProbe probe = [redis, checks = readiness_checks_] {
    RETURN_IF_ERROR(redis->Command({"PING"}).status());
    for (const HealthProbe& check : checks) RETURN_IF_ERROR(check());
    return absl::OkStatus();
  };
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(options_, std::move(services), std::move(probe), metrics_);
  if (!server.ok()) {
    log::Error("cannot start", {{"error", server.status().ToString()}});
    return 1;
  }
  if (!ready_file_.empty()) {
    if (absl::Status s =
            WriteReadyFile(ready_file_, **server, options_.service_name);
        !s.ok()) {
      log::Error("cannot write ready file", {{"error", s.ToString()}});
      return 1;
    }
  }
  int signal = WaitForTerminationSignal();
  log::Info("termination signal", {{"signal", signal}});
  (*server)->Shutdown();
  (*server)->Wait();
  return 0;
}

absl::Status WriteReadyFile(const std::string& path, const Server& server,
                            absl::string_view service_name) {
  nlohmann::json ready = {{"service", std::string(service_name)},
                          {"pid", static_cast<int>(getpid())},
                          {"grpc_port", server.grpc_port()},
                          {"admin_port", server.admin_port()}};
  std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << ready.dump() << "\n";
    if (!out) {
      return absl::InternalError(absl::StrCat("cannot write ", tmp));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

}  // namespace gridcase::server
