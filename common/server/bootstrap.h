// Bootstrap: what every service's main() shares. main() stays pure wiring:
//
//   int main(int argc, char** argv) {
//     auto boot = server::Bootstrap::FromFlags(argc, argv, "registry", kUsage);
//     RegistryServiceImpl service(...boot.redis()...);
//     return boot.Serve({{&service,
//     v1::RegistryService::service_full_name()}});
//   }
//
// FromFlags blocks termination signals, parses flags (GRIDCASE_* environment
// defaults), validates them, sets up logging and the Redis client; a bad
// configuration stops the process with exit status 2 and a clear message.
// Serve runs the server until SIGTERM or SIGINT, drains, and returns 0.
#ifndef GRIDCASE_COMMON_SERVER_BOOTSTRAP_H_
#define GRIDCASE_COMMON_SERVER_BOOTSTRAP_H_

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"
#include "common/auth/outbound.h"
#include "common/redis/redis_client.h"
#include "common/server/redis_flags.h"
#include "common/server/server.h"
#include "prometheus/registry.h"

namespace gridcase::server {

// What a service's flags default to when they are not given.
struct BootstrapDefaults {
  // --grpc_max_idle_threads (TransportOptions::max_idle_threads): high for
  // services whose calls wait on Redis, gRPC's 2 for those served from
  // memory.
  int max_idle_threads = 2;
};

class Bootstrap final {
 public:
  static Bootstrap FromFlags(int argc, char** argv,
                             absl::string_view service_name,
                             absl::string_view usage,
                             BootstrapDefaults defaults = {});

  // One Redis (--redis) or a Redis Cluster (--redis_cluster); see
  // redis_flags.h.
  redis::RedisClient& redis() { return *redis_; }
  // A Redis connection of its own (same Redis or cluster and password as
  // redis(), not from its pool; on a cluster one per master), for a long
  // blocking reader such as a stream's XREAD BLOCK: a reader on the pool
  // would hold a slot that requests need. `reply_timeout` must exceed the
  // longest BLOCK it sends.
  std::unique_ptr<redis::RedisClient> DedicatedRedis(
      absl::Duration reply_timeout) const;
  // Identifies callers (--auth_mode) and charges each call to their rate
  // limits (--rate_limit_*; rate_limit_flags.h).
  const auth::Authenticator& authenticator() const { return *authenticator_; }
  // How this service identifies itself to other gridcase services. In jwt
  // mode it needs --service_token_file: without one, the first call stops
  // the process with a configuration error naming the flag.
  const auth::OutboundIdentity& outbound_identity() const;
  // A channel to another gridcase service: TLS when --tls_ca_file is set,
  // calls balanced round_robin (a headless Service's pods on Kubernetes).
  std::shared_ptr<grpc::Channel> NewChannel(const std::string& target) const;
  // The registry for the service's own metrics struct; /metrics serves it.
  const std::shared_ptr<prometheus::Registry>& metrics() const {
    return metrics_;
  }
  const ServerOptions& options() const { return options_; }
  // For service-specific server settings (e.g. a larger message limit).
  ServerOptions& mutable_options() { return options_; }

  // Adds a condition to readiness: health is SERVING only while Redis
  // answers INFO memory, is not full (redis/memory.h: it would refuse every
  // write), and every such check returns OK (its message is logged). The
  // probe uses a Redis connection of its own, so a busy pool never makes a
  // healthy process report NOT_SERVING.
  void AddReadinessCheck(HealthProbe check) {
    readiness_checks_.push_back(std::move(check));
  }

  // Serves until SIGTERM/SIGINT, then drains; returns the exit status.
  int Serve(std::vector<ServiceBinding> services);

 private:
  Bootstrap() = default;

  ServerOptions options_;
  std::string ready_file_;
  RedisConfig redis_config_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<auth::OutboundIdentity> outbound_;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;
  std::string program_;
  std::shared_ptr<prometheus::Registry> metrics_;
  std::vector<HealthProbe> readiness_checks_;
};

// Writes {"service":..,"pid":..,"grpc_port":..,"admin_port":..} to `path`
// atomically (write and rename), for scripts and tests that start services
// on port 0.
absl::Status WriteReadyFile(const std::string& path, const Server& server,
                            absl::string_view service_name);

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_BOOTSTRAP_H_
