#include "common/server/server.h"

#include <google/protobuf/descriptor.h>
#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <exception>
#include <limits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/server/gated_credentials.h"
#include "common/server/request_errors.h"
#include "grpc/health/v1/health.pb.h"

namespace gridcase::server {
namespace {

absl::Status ValidateAddress(absl::string_view option, absl::string_view value,
                             bool allow_empty) {
  if (value.empty() && allow_empty) return absl::OkStatus();
  size_t colon = value.rfind(':');
  int port = -1;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        option, ": must be host:port with a port from 0 to 65535, got '", value,
        "'"));
  }
  return absl::OkStatus();
}

// A duration as gRPC's int milliseconds; inf (or anything longer than
// INT_MAX ms, 24 days) means no limit, which gRPC writes INT_MAX.
int Millis(absl::Duration d) {
  if (d >= absl::Milliseconds(std::numeric_limits<int>::max())) {
    return std::numeric_limits<int>::max();
  }
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

// Methods of services the bootstrap adds itself.
const std::vector<std::string>& BuiltinMethods() {
  static const auto* methods = new std::vector<std::string>{
      "/grpc.health.v1.Health/Check",
      "/grpc.health.v1.Health/Watch",
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
  };
  return *methods;
}

}  // namespace

absl::Status ValidateServerOptions(const ServerOptions& options) {
  if (options.service_name.empty()) {
    return absl::InvalidArgumentError("service_name: must not be empty");
  }
  if (absl::Status s =
          ValidateAddress("grpc_address", options.grpc_address, false);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          ValidateAddress("admin_address", options.admin_address, true);
      !s.ok()) {
    return s;
  }
  if (options.drain_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("drain_timeout: must be positive");
  }
  if (options.shutdown_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("shutdown_delay: must not be negative");
  }
  if (options.health_interval < absl::Milliseconds(10)) {
    return absl::InvalidArgumentError("health_interval: must be at least 10ms");
  }
  const TransportOptions& t = options.transport;
  for (const auto& [name, value] :
       {std::pair<const char*, absl::Duration>{"grpc_keepalive_time",
                                               t.keepalive_time},
        {"grpc_keepalive_timeout", t.keepalive_timeout},
        {"grpc_max_connection_idle", t.max_connection_idle},
        {"grpc_max_connection_age", t.max_connection_age},
        {"grpc_max_connection_age_grace", t.max_connection_age_grace},
        {"grpc_handshake_timeout", t.handshake_timeout}}) {
    if (value < absl::Milliseconds(100)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": must be at least 100ms (inf: no limit)"));
    }
  }
  if (t.max_concurrent_streams < 1) {
    return absl::InvalidArgumentError(
        "grpc_max_concurrent_streams: must be at least 1");
  }
  if (t.max_connections < 1) {
    return absl::InvalidArgumentError(
        "grpc_max_connections: must be at least 1");
  }
  if (t.max_idle_threads < 1 || t.max_idle_threads > 4096) {
    return absl::InvalidArgumentError("grpc_max_idle_threads: must be 1-4096");
  }
  return absl::OkStatus();
}

std::vector<std::string> MethodNames(const std::string& service_full_name) {
  std::vector<std::string> names;
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          service_full_name);
  if (service == nullptr) return names;
  for (int i = 0; i < service->method_count(); ++i) {
    names.push_back(
        absl::StrCat("/", service_full_name, "/", service->method(i)->name()));
  }
  return names;
}

Server::Server(ServerOptions options, std::vector<ServiceBinding> services,
               HealthProbe probe,
               std::shared_ptr<prometheus::Registry> registry)
    : options_(std::move(options)),
      services_(std::move(services)),
      probe_(std::move(probe)),
      registry_(std::move(registry)),
      grpc_metrics_(*registry_),
      serving_gauge_(prometheus::BuildGauge()
                         .Name("gridcase_health_serving")
                         .Help("1 while the service reports SERVING on "
                               "grpc.health.v1 (its Redis answers), else 0.")
                         .Register(*registry_)
                         .Add({})),
      connections_gauge_(prometheus::BuildGauge()
                             .Name("gridcase_grpc_connections")
                             .Help("Connections open on the gRPC port.")
                             .Register(*registry_)
                             .Add({})),
      refused_limit_(prometheus::BuildCounter()
                         .Name("gridcase_grpc_connections_refused_total")
                         .Help("Connections closed on arrival because "
                               "--grpc_max_connections were open.")
                         .Register(*registry_)
                         .Add({{"reason", "limit"}})),
      accept_failed_(prometheus::BuildCounter()
                         .Name("gridcase_grpc_accept_errors_total")
                         .Help("Failed accept() calls on the gRPC port (out "
                               "of file descriptors or memory); the "
                               "listener retries after 100 ms.")
                         .Register(*registry_)
                         .Add({})) {}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    ServerOptions options, std::vector<ServiceBinding> services,
    HealthProbe probe, std::shared_ptr<prometheus::Registry> registry) {
  if (absl::Status s = ValidateServerOptions(options); !s.ok()) return s;
  if (registry == nullptr) registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<Server> self(new Server(std::move(options),
                                          std::move(services), std::move(probe),
                                          std::move(registry)));

  std::vector<std::string> methods = BuiltinMethods();
  for (const ServiceBinding& binding : self->services_) {
    std::vector<std::string> own = MethodNames(binding.full_name);
    methods.insert(methods.end(), own.begin(), own.end());
  }
  self->grpc_metrics_.RegisterMethods(methods);

  grpc::EnableDefaultHealthCheckService(true);
  // gRPC's built-in health service carries no protobuf descriptors; linking
  // ours lets reflection clients (grpcurl, buf curl) describe and call it.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  const TransportOptions& transport = self->options_.transport;
  absl::StatusOr<std::unique_ptr<Listener>> listener =
      Listener::Bind(self->options_.grpc_address, transport.max_connections,
                     {.open = &self->connections_gauge_,
                      .refused_limit = &self->refused_limit_,
                      .accept_failed = &self->accept_failed_});
  if (!listener.ok()) return listener.status();
  self->listener_ = *std::move(listener);
  self->grpc_port_ = self->listener_->port();

  grpc::ServerBuilder builder;
  // Connections come from the listener, not from a port gRPC opens.
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor =
      builder.experimental().AddExternalConnectionAcceptor(
          grpc::ServerBuilder::experimental_type::ExternalConnectionType::
              FROM_FD,
          GatedCredentials(self->options_.credentials,
                           self->options_.call_gate));
  for (const ServiceBinding& binding : self->services_) {
    builder.RegisterService(binding.service);
  }
  builder.SetMaxReceiveMessageSize(self->options_.max_receive_message_bytes);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
      transport.max_idle_threads);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             Millis(transport.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             Millis(transport.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             Millis(transport.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             Millis(transport.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             Millis(transport.max_connection_age_grace));
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             Millis(transport.handshake_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             transport.max_concurrent_streams);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(RequestErrorsInterceptorFactory());
  interceptors.push_back(self->grpc_metrics_.InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  self->server_ = builder.BuildAndStart();
  if (self->server_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("grpc_address: cannot serve on ",
                                               self->options_.grpc_address));
  }
  self->listener_->Start(std::move(acceptor));

  if (!self->options_.admin_address.empty()) {
    try {
      self->exposer_ =
          std::make_unique<prometheus::Exposer>(self->options_.admin_address);
    } catch (const std::exception& e) {
      self->server_->Shutdown();
      return absl::UnavailableError(
          absl::StrCat("admin_address: cannot listen on ",
                       self->options_.admin_address, ": ", e.what()));
    }
    self->exposer_->RegisterCollectable(self->registry_);
    std::vector<int> ports = self->exposer_->GetListeningPorts();
    self->admin_port_ = ports.empty() ? 0 : ports.front();
  }

  self->server_->GetHealthCheckService()->SetServingStatus(kLivenessService,
                                                           true);
  self->ProbeOnce();
  self->probe_thread_ = std::thread([s = self.get()] { s->ProbeLoop(); });
  log::Info("server started", {{"grpc_port", self->grpc_port_},
                               {"admin_port", self->admin_port_},
                               {"serving", self->serving()}});
  return self;
}

Server::~Server() {
  Shutdown();
  Wait();
}

bool Server::serving() const {
  absl::MutexLock lock(&mu_);
  return serving_;
}

void Server::ProbeOnce() {
  absl::Status status = probe_ ? probe_() : absl::OkStatus();
  bool serving = status.ok();
  bool changed;
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    changed = serving != serving_;
    serving_ = serving;
    grpc::HealthCheckServiceInterface* health =
        server_->GetHealthCheckService();
    // By name: the overload without one would also set kLivenessService.
    health->SetServingStatus("", serving);
    for (const ServiceBinding& binding : services_) {
      health->SetServingStatus(binding.full_name, serving);
    }
  }
  serving_gauge_.Set(serving ? 1 : 0);
  if (changed) {
    if (serving) {
      log::Info("health: SERVING");
    } else {
      log::Warn("health: NOT_SERVING",
                {{"reason", std::string(status.message())}});
    }
  }
}

void Server::ProbeLoop() {
  while (
      !stop_probe_.WaitForNotificationWithTimeout(options_.health_interval)) {
    ProbeOnce();
  }
}

void Server::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
    serving_ = false;
  }
  stop_probe_.Notify();
  if (probe_thread_.joinable()) probe_thread_.join();
  if (server_ == nullptr) return;  // Start failed before gRPC started
  // NOT_SERVING for every service; later status updates are ignored.
  server_->GetHealthCheckService()->Shutdown();
  serving_gauge_.Set(0);
  log::Info("shutting down: NOT_SERVING, draining",
            {{"shutdown_delay_ms",
              absl::ToInt64Milliseconds(options_.shutdown_delay)},
             {"drain_timeout_ms",
              absl::ToInt64Milliseconds(options_.drain_timeout)}});
  if (options_.shutdown_delay > absl::ZeroDuration()) {
    absl::SleepFor(options_.shutdown_delay);  // let load balancers notice
  }
  listener_->StopAccepting();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.drain_timeout));
  log::Info("server stopped");
}

void Server::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace gridcase::server
