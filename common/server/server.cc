#include "common/server/server.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <exception>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
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
  grpc::ServerBuilder builder;
  builder.AddListeningPort(self->options_.grpc_address,
                           self->options_.credentials != nullptr
                               ? self->options_.credentials
                               : grpc::InsecureServerCredentials(),
                           &self->grpc_port_);
  for (const ServiceBinding& binding : self->services_) {
    builder.RegisterService(binding.service);
  }
  builder.SetMaxReceiveMessageSize(self->options_.max_receive_message_bytes);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(RequestErrorsInterceptorFactory());
  interceptors.push_back(self->grpc_metrics_.InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  self->server_ = builder.BuildAndStart();
  if (self->server_ == nullptr || self->grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "grpc_address: cannot listen on ", self->options_.grpc_address));
  }

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
  server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.drain_timeout));
  log::Info("server stopped");
}

void Server::Wait() { server_->Wait(); }

}  // namespace gridcase::server
