// Server: the one gRPC bootstrap every gridcase service runs on. It gives
// each service:
// - a listening address (port 0 picks a free port; grpc_port() reports it);
// - the standard grpc.health.v1 service, SERVING only while the health probe
//   (a Redis PING) succeeds, re-checked every health_interval; and the name
//   kLivenessService, SERVING from start until shutdown whatever Redis does
//   (for liveness probes, which must not restart pods while Redis is down);
// - server reflection, so grpcurl / buf curl can list and call methods;
// - its own accept loop (listener.h) with a cap on connections, and gRPC's
//   keepalive, idle and age limits and a cap on streams per connection;
// - Prometheus /metrics on a separate admin address, with per-method request
//   counters and a latency histogram recorded by an interceptor;
// - graceful shutdown: NOT_SERVING first, an optional delay for load
//   balancers to notice, then a drain of in-flight calls up to a deadline.
#ifndef GRIDCASE_COMMON_SERVER_SERVER_H_
#define GRIDCASE_COMMON_SERVER_SERVER_H_

#include <grpcpp/impl/codegen/service_type.h>
#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/metrics/grpc_metrics.h"
#include "common/server/listener.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace gridcase::server {

// Health service name that answers SERVING while the process runs.
inline constexpr char kLivenessService[] = "gridcase.liveness";

// Limits of the gRPC port's connections (issue #16). Idle and old
// connections are closed (GOAWAY first), keepalive pings find dead peers,
// and the listener (listener.h) keeps at most max_connections open.
struct TransportOptions {
  absl::Duration keepalive_time = absl::Seconds(60);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration max_connection_idle = absl::Minutes(5);
  absl::Duration max_connection_age = absl::Minutes(30);
  absl::Duration max_connection_age_grace = absl::Minutes(5);
  // A connection must finish its TLS handshake and send HTTP/2 SETTINGS
  // within this time.
  absl::Duration handshake_timeout = absl::Seconds(10);
  int max_concurrent_streams = 256;  // per connection
  int max_connections = 4096;        // per process
  // Server threads kept waiting for the next call once theirs is done
  // (gRPC's sync-server MAX_POLLERS; 2 is gRPC's default). Beyond it a
  // thread exits after its call and a new one is started for the next: for
  // calls that wait on Redis, at 64 in flight, that cost intake about a
  // third of its CPU per GetCase (issue #19). For calls served from memory
  // more threads only lengthen the tail. Threads idle for 10 s exit anyway.
  int max_idle_threads = 2;
};

struct ServerOptions {
  std::string service_name;                    // e.g. "registry", for logs
  std::string grpc_address = "0.0.0.0:8080";   // host:port, port 0 allowed
  std::string admin_address = "0.0.0.0:9090";  // /metrics; empty disables
  absl::Duration drain_timeout = absl::Seconds(20);
  absl::Duration shutdown_delay = absl::ZeroDuration();
  absl::Duration health_interval = absl::Seconds(1);
  // Largest request message accepted; gRPC's default is 4 MiB.
  int max_receive_message_bytes = 4 * 1024 * 1024;
  // Credentials of the gRPC port (server::ServerCredentials from config);
  // null means plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Checks each call's caller before its request is read (auth::CallGate);
  // null: no check before the handler (in-process test servers).
  std::shared_ptr<grpc::AuthMetadataProcessor> call_gate;
  TransportOptions transport;
};

// Checks addresses, durations and limits; the message names the option and
// the rule.
absl::Status ValidateServerOptions(const ServerOptions& options);

// One service to serve, with its full name ("gridcase.v1.IntakeService"),
// used for per-service health and for registering its methods' metrics.
struct ServiceBinding {
  grpc::Service* service;
  std::string full_name;
};

// Returns OK while the service can do its work (e.g. Redis answers PING).
using HealthProbe = std::function<absl::Status()>;

class Server final {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      ServerOptions options, std::vector<ServiceBinding> services,
      HealthProbe probe, std::shared_ptr<prometheus::Registry> registry);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int grpc_port() const { return grpc_port_; }
  int admin_port() const { return admin_port_; }  // 0 when disabled
  bool serving() const;

  // Marks every service NOT_SERVING, waits shutdown_delay, then stops
  // accepting calls and waits for in-flight ones up to drain_timeout, after
  // which they are cancelled. Safe to call more than once and from any thread.
  void Shutdown();
  // Blocks until the server has shut down.
  void Wait();

 private:
  Server(ServerOptions options, std::vector<ServiceBinding> services,
         HealthProbe probe, std::shared_ptr<prometheus::Registry> registry);
  void ProbeOnce();
  void ProbeLoop();

  const ServerOptions options_;
  const std::vector<ServiceBinding> services_;
  const HealthProbe probe_;
  std::shared_ptr<prometheus::Registry> registry_;
  metrics::GrpcServerMetrics grpc_metrics_;
  prometheus::Gauge& serving_gauge_;
  prometheus::Gauge& connections_gauge_;
  prometheus::Counter& refused_limit_;
  prometheus::Counter& accept_failed_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int grpc_port_ = 0;
  int admin_port_ = 0;

  mutable absl::Mutex mu_;
  bool serving_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stop_probe_;
  std::thread probe_thread_;
};

// The full names ("/pkg.Service/Method") of a service's methods, from the
// generated descriptor pool; empty if the service is unknown.
std::vector<std::string> MethodNames(const std::string& service_full_name);

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_SERVER_H_
