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
#include "common/auth/jwt_authenticator.h"
#include "common/clock/clock.h"
#include "common/config/env_flags.h"
#include "common/log/log.h"
#include "common/server/signals.h"
#include "common/server/tls.h"
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
ABSL_FLAG(std::string, auth_mode, "jwt",
          "How callers are identified. jwt: a signed JWT in 'authorization: "
          "Bearer' (see --jwt_*). insecure-dev: the x-gridcase-actor header "
          "is trusted as the caller writes it; for debugging only, never "
          "where anyone else can connect.");
ABSL_FLAG(std::string, jwt_issuer, "",
          "jwt mode: the iss every token must carry, e.g. "
          "https://sso.example.gov.cn. Required in jwt mode.");
ABSL_FLAG(std::string, jwt_audience, "gridcase",
          "jwt mode: a value every token's aud must contain.");
ABSL_FLAG(std::string, jwt_jwks_file, "",
          "jwt mode: JWKS file of the RS256/ES256 public keys, chosen by "
          "kid; re-read when it changes, so keys rotate without a restart.");
ABSL_FLAG(std::string, jwt_hs256_secret_file, "",
          "jwt mode: file holding an HS256 shared secret (at least 32 bytes), "
          "for tests and small sites. At least one of --jwt_jwks_file and "
          "this is required in jwt mode.");
ABSL_FLAG(absl::Duration, jwt_leeway, absl::Seconds(60),
          "jwt mode: clock skew allowed on exp and nbf.");
ABSL_FLAG(std::string, service_token_file, "",
          "jwt mode: file holding this service's own token (roles: system), "
          "sent when it calls another gridcase service; re-read when it "
          "changes. Required in jwt mode for intake, dispatch and stats.");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain of the gRPC port; with --tls_key_file it "
          "turns TLS on. Empty: plaintext.");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file.");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA bundle; when set, callers must present a client "
          "certificate signed by it (mutual TLS).");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA bundle trusted for calls to other gridcase services; when "
          "set those calls use TLS.");
ABSL_FLAG(std::string, tls_client_cert_file, "",
          "PEM client certificate presented on calls to other gridcase "
          "services (for servers with --tls_client_ca_file).");
ABSL_FLAG(std::string, tls_client_key_file, "",
          "PEM private key of --tls_client_cert_file.");

namespace gridcase::server {
namespace {

TlsOptions TlsFromFlags() {
  return {.cert_file = absl::GetFlag(FLAGS_tls_cert_file),
          .key_file = absl::GetFlag(FLAGS_tls_key_file),
          .client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file),
          .ca_file = absl::GetFlag(FLAGS_tls_ca_file),
          .client_cert_file = absl::GetFlag(FLAGS_tls_client_cert_file),
          .client_key_file = absl::GetFlag(FLAGS_tls_client_key_file)};
}

// The authenticator and this service's own identity for --auth_mode.
absl::Status BuildIdentity(absl::string_view service_name,
                           std::unique_ptr<auth::Authenticator>* authenticator,
                           std::unique_ptr<auth::OutboundIdentity>* outbound) {
  std::string mode = absl::GetFlag(FLAGS_auth_mode);
  if (mode == "insecure-dev") {
    *authenticator = std::make_unique<auth::DevHeaderAuthenticator>();
    *outbound = std::make_unique<auth::DevHeaderIdentity>(
        absl::StrCat("system:", service_name));
    return absl::OkStatus();
  }
  if (mode != "jwt") {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth_mode: unknown auth mode '", mode,
                     "' (known: jwt, insecure-dev)"));
  }
  auth::JwtOptions jwt;
  jwt.issuer = absl::GetFlag(FLAGS_jwt_issuer);
  jwt.audience = absl::GetFlag(FLAGS_jwt_audience);
  jwt.leeway = absl::GetFlag(FLAGS_jwt_leeway);
  jwt.jwks_file = absl::GetFlag(FLAGS_jwt_jwks_file);
  jwt.hs256_secret_file = absl::GetFlag(FLAGS_jwt_hs256_secret_file);
  if (jwt.issuer.empty()) {
    return absl::InvalidArgumentError(
        "--jwt_issuer: is required with --auth_mode=jwt (the iss of the "
        "identity provider's tokens)");
  }
  if (jwt.jwks_file.empty() && jwt.hs256_secret_file.empty()) {
    return absl::InvalidArgumentError(
        "--jwt_jwks_file: it or --jwt_hs256_secret_file is required with "
        "--auth_mode=jwt");
  }
  absl::StatusOr<std::unique_ptr<auth::JwtAuthenticator>> made =
      auth::JwtAuthenticator::Create(jwt, RealClock::Get());
  if (!made.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth_mode=jwt: ", made.status().message()));
  }
  *authenticator = *std::move(made);
  std::string token_file = absl::GetFlag(FLAGS_service_token_file);
  if (!token_file.empty()) {
    absl::StatusOr<std::unique_ptr<auth::TokenFileIdentity>> identity =
        auth::TokenFileIdentity::Create(token_file);
    if (!identity.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--service_token_file: ", identity.status().message()));
    }
    *outbound = *std::move(identity);
  }
  return absl::OkStatus();
}

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
  if (absl::Status s =
          BuildIdentity(service_name, &boot.authenticator_, &boot.outbound_);
      !s.ok()) {
    config::DieWithConfigError(program, s);
  }
  TlsOptions tls = TlsFromFlags();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> server_tls =
      ServerCredentials(tls);
  if (!server_tls.ok())
    config::DieWithConfigError(program, server_tls.status());
  boot.options_.credentials = *std::move(server_tls);
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> client_tls =
      ChannelCredentials(tls);
  if (!client_tls.ok())
    config::DieWithConfigError(program, client_tls.status());
  boot.channel_credentials_ = *std::move(client_tls);
  boot.program_ = program;
  log::Init(absl::StrCat("gridcase-", service_name),
            absl::GetFlag(FLAGS_log_level))
      .IgnoreError();  // validated above
  if (absl::GetFlag(FLAGS_auth_mode) == "insecure-dev") {
    log::Warn(
        "INSECURE: --auth_mode=insecure-dev trusts the x-gridcase-actor "
        "header as callers write it; anyone who can connect can act as "
        "anyone. For debugging only.",
        {{"auth_mode", "insecure-dev"}});
  }
  if (!tls.server_enabled()) {
    log::Info("gRPC port is plaintext (no --tls_cert_file)");
  }
  boot.ready_file_ = absl::GetFlag(FLAGS_ready_file);
  boot.metrics_ = std::make_shared<prometheus::Registry>();
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
