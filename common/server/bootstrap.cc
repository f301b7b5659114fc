#include "common/server/bootstrap.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/call_gate.h"
#include "common/config/env_flags.h"
#include "common/log/log.h"
#include "common/redis/memory.h"
#include "common/server/rate_limit_flags.h"
#include "common/server/redis_flags.h"
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
ABSL_FLAG(
    absl::Duration, drain_timeout, absl::Seconds(20),
    "On SIGTERM, how long in-flight calls may run before they are "
    "cancelled. Keep it below Kubernetes' terminationGracePeriodSeconds.");
ABSL_FLAG(absl::Duration, shutdown_delay, absl::ZeroDuration(),
          "On SIGTERM, how long to report NOT_SERVING while still serving, so "
          "load balancers stop sending new calls before the drain.");
ABSL_FLAG(absl::Duration, health_interval, absl::Seconds(1),
          "How often the health probe pings Redis.");
ABSL_FLAG(int32_t, grpc_max_connections, 4096,
          "Most connections open on the gRPC port; further ones are closed "
          "on arrival. Each takes two file descriptors: the descriptor limit "
          "(ulimit -n) must allow 2 x this + 256.");
ABSL_FLAG(int32_t, grpc_max_concurrent_streams, 256,
          "Most calls in flight on one connection (HTTP/2 "
          "MAX_CONCURRENT_STREAMS); clients queue the rest.");
ABSL_FLAG(int32_t, grpc_max_idle_threads, 0,
          "Server threads kept waiting for the next call once theirs is done "
          "(1-4096); beyond it a thread exits after its call and a new one "
          "starts for the next. 0: the service's default, 128 for intake and "
          "dispatch (calls wait on Redis), 2 for the others (calls served "
          "from memory). Threads idle for 10 s exit anyway.");
ABSL_FLAG(absl::Duration, grpc_keepalive_time, absl::Seconds(60),
          "How long a connection may be silent before the server pings it.");
ABSL_FLAG(absl::Duration, grpc_keepalive_timeout, absl::Seconds(20),
          "How long the server waits for a ping's answer before it closes "
          "the connection.");
ABSL_FLAG(absl::Duration, grpc_max_connection_idle, absl::Minutes(5),
          "A connection without calls for this long is closed (GOAWAY); "
          "clients reconnect on their next call.");
ABSL_FLAG(absl::Duration, grpc_max_connection_age, absl::Minutes(30),
          "A connection older than this is asked to go away (GOAWAY), so "
          "that clients spread over new replicas; inf: never.");
ABSL_FLAG(absl::Duration, grpc_max_connection_age_grace, absl::Minutes(5),
          "How long calls on a connection past its age may still run "
          "(WatchCases streams end then and resume elsewhere).");
ABSL_FLAG(absl::Duration, grpc_handshake_timeout, absl::Seconds(10),
          "A new connection must finish its TLS handshake and HTTP/2 "
          "preface within this time, else it is closed.");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error, critical or off.");
ABSL_FLAG(std::string, ready_file, "",
          "When set, write the chosen ports to this JSON file once serving.");
namespace gridcase::server {
namespace {

absl::Status BuildFromFlags(absl::string_view service_name,
                            const BootstrapDefaults& defaults,
                            ServerOptions* options) {
  options->service_name = std::string(service_name);
  options->grpc_address = absl::GetFlag(FLAGS_grpc_address);
  options->admin_address = absl::GetFlag(FLAGS_admin_address);
  options->drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options->shutdown_delay = absl::GetFlag(FLAGS_shutdown_delay);
  options->health_interval = absl::GetFlag(FLAGS_health_interval);
  TransportOptions& t = options->transport;
  t.max_connections = absl::GetFlag(FLAGS_grpc_max_connections);
  t.max_concurrent_streams = absl::GetFlag(FLAGS_grpc_max_concurrent_streams);
  t.max_idle_threads = absl::GetFlag(FLAGS_grpc_max_idle_threads);
  if (t.max_idle_threads == 0) t.max_idle_threads = defaults.max_idle_threads;
  t.keepalive_time = absl::GetFlag(FLAGS_grpc_keepalive_time);
  t.keepalive_timeout = absl::GetFlag(FLAGS_grpc_keepalive_timeout);
  t.max_connection_idle = absl::GetFlag(FLAGS_grpc_max_connection_idle);
  t.max_connection_age = absl::GetFlag(FLAGS_grpc_max_connection_age);
  t.max_connection_age_grace =
      absl::GetFlag(FLAGS_grpc_max_connection_age_grace);
  t.handshake_timeout = absl::GetFlag(FLAGS_grpc_handshake_timeout);
  if (absl::Status s = ValidateServerOptions(*options); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", s.message()));
  }
  if (!log::IsValidLevel(absl::GetFlag(FLAGS_log_level))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--log_level: must be trace, debug, info, warn, error, critical or "
        "off, got '",
        absl::GetFlag(FLAGS_log_level), "'"));
  }
  return absl::OkStatus();
}

// Raises the descriptor limit to its hard limit and checks that it allows
// --grpc_max_connections (two descriptors each, listener.h) and the rest of
// the process (Redis, files, gRPC's own): running out would refuse
// connections below the cap and break Redis reconnects.
absl::Status CheckDescriptorLimit(int max_connections) {
  constexpr int64_t kReserve = 256;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return absl::OkStatus();
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) getrlimit(RLIMIT_NOFILE, &limit);
  }
  int64_t needed = 2 * static_cast<int64_t>(max_connections) + kReserve;
  if (limit.rlim_cur != RLIM_INFINITY &&
      static_cast<int64_t>(limit.rlim_cur) < needed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grpc_max_connections: ", max_connections, " connections need ",
        needed, " file descriptors (2 each and ", kReserve,
        " for the rest), but the limit (ulimit -n) is ", limit.rlim_cur,
        "; lower the flag or raise the limit"));
  }
  return absl::OkStatus();
}

}  // namespace

Bootstrap Bootstrap::FromFlags(int argc, char** argv,
                               absl::string_view service_name,
                               absl::string_view usage,
                               BootstrapDefaults defaults) {
  BlockTerminationSignals();
  config::ParseFlags(argc, argv, usage);
  // Debian's Abseil is built without NDEBUG, so every Mutex would keep
  // deadlock-detection graphs (GraphCycles showed in the ReportCase
  // profile, docs/benchmarks.md). Tests and sanitizer builds keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string program = argc > 0 ? argv[0] : std::string(service_name);

  Bootstrap boot;
  if (absl::Status s = BuildFromFlags(service_name, defaults, &boot.options_);
      !s.ok()) {
    config::DieWithConfigError(program, s);
  }
  if (absl::Status s =
          CheckDescriptorLimit(boot.options_.transport.max_connections);
      !s.ok()) {
    config::DieWithConfigError(program, s);
  }
  absl::StatusOr<RedisConfig> redis_config = RedisConfigFromFlags();
  if (!redis_config.ok()) {
    config::DieWithConfigError(program, redis_config.status());
  }
  absl::StatusOr<std::unique_ptr<redis::RedisClient>> redis =
      NewRedisClient(*redis_config);
  if (!redis.ok()) config::DieWithConfigError(program, redis.status());
  boot.redis_ = *std::move(redis);
  boot.redis_config_ = *std::move(redis_config);
  absl::StatusOr<Security> security = SecurityFromFlags(service_name);
  if (!security.ok()) config::DieWithConfigError(program, security.status());
  boot.authenticator_ = std::move(security->authenticator);
  // Callers are checked before their requests are read (issue #16). The
  // gate uses the authenticator before the rate-limit wrapper below (which
  // then owns it), so a call is charged once, by its handler's ServeAs.
  boot.options_.call_gate =
      std::make_shared<auth::CallGate>(boot.authenticator_.get());
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

std::unique_ptr<redis::RedisClient> Bootstrap::DedicatedRedis(
    absl::Duration reply_timeout) const {
  RedisConfig config = redis_config_;
  config.pool.max_connections = 1;
  config.pool.command_timeout = reply_timeout;
  config.pipelined_connections = 0;  // its one connection is its own
  absl::StatusOr<std::unique_ptr<redis::RedisClient>> client =
      NewRedisClient(config);
  if (!client.ok()) {  // the same options as the main client, which passed
    config::DieWithConfigError(program_, client.status());
  }
  return *std::move(client);
}

std::shared_ptr<grpc::Channel> Bootstrap::NewChannel(
    const std::string& target) const {
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  return grpc::CreateCustomChannel(target, channel_credentials_, args);
}

int Bootstrap::Serve(std::vector<ServiceBinding> services) {
  // Readiness pings Redis on a connection of its own: waiting for a pool
  // slot under load would report a healthy process NOT_SERVING (issue #16).
  std::shared_ptr<redis::RedisClient> health_redis =
      DedicatedRedis(redis_config_.pool.command_timeout);
  // A full Redis (OOM under noeviction; any master of a cluster) refuses
  // writes: not ready.
  HealthProbe probe = [health_redis, checks = readiness_checks_] {
    RETURN_IF_ERROR(redis::CheckNotFull(*health_redis));
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
