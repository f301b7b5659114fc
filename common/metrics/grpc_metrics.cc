#include "common/metrics/grpc_metrics.h"

#include <utility>

#include "absl/time/clock.h"
#include "prometheus/histogram.h"

namespace gridcase::metrics {
namespace {

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *buckets;
}

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcServerMetrics* metrics,
                     GrpcServerMetrics::MethodSeries* series)
      : metrics_(metrics), series_(series), start_(absl::Now()) {
    GrpcServerMetrics::RecordStarted(series_);
  }

  ~MetricsInterceptor() override {
    // A call that ended without sending a status was cancelled by the peer.
    if (!recorded_) {
      metrics_->RecordHandled(series_, grpc::StatusCode::CANCELLED,
                              absl::Now() - start_);
    }
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_->RecordHandled(series_, methods->GetSendStatus().error_code(),
                              absl::Now() - start_);
      recorded_ = true;
    }
    methods->Proceed();
  }

 private:
  GrpcServerMetrics* metrics_;
  GrpcServerMetrics::MethodSeries* series_;
  absl::Time start_;
  bool recorded_ = false;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics* metrics)
      : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, metrics_->Find(info->method()));
  }

 private:
  GrpcServerMetrics* metrics_;
};

}  // namespace

std::pair<std::string, std::string> SplitMethodName(const std::string& full) {
  size_t slash = full.rfind('/');
  if (full.empty() || full[0] != '/' || slash == 0 ||
      slash == std::string::npos) {
    return {"unknown", "unknown"};
  }
  return {full.substr(1, slash - 1), full.substr(slash + 1)};
}

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("gRPC calls started on the server, by method.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("gRPC calls completed on the server, by method and "
                         "status code.")
                   .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("grpc_server_handling_seconds")
                   .Help("Time from the start of a gRPC call to its status, "
                         "in seconds, by method.")
                   .Register(registry)),
      unknown_(nullptr) {
  unknown_.reset(Create("unknown", "unknown"));
}

GrpcServerMetrics::MethodSeries* GrpcServerMetrics::Create(
    const std::string& service, const std::string& method) {
  auto* s = new MethodSeries;
  s->service = service;
  s->method = method;
  std::map<std::string, std::string> labels = {{"grpc_service", service},
                                               {"grpc_method", method}};
  s->started = &started_.Add(labels);
  s->latency = &latency_.Add(labels, LatencyBuckets());
  return s;
}

void GrpcServerMetrics::RegisterMethods(
    const std::vector<std::string>& full_names) {
  absl::MutexLock lock(&mu_);
  for (const std::string& full : full_names) {
    if (methods_.contains(full)) continue;
    auto [service, method] = SplitMethodName(full);
    methods_[full].reset(Create(service, method));
  }
}

GrpcServerMetrics::MethodSeries* GrpcServerMetrics::Find(
    const char* full_name) {
  auto it =
      methods_.find(absl::string_view(full_name == nullptr ? "" : full_name));
  return it == methods_.end() ? unknown_.get() : it->second.get();
}

void GrpcServerMetrics::RecordStarted(MethodSeries* series) {
  series->started->Increment();
}

void GrpcServerMetrics::RecordHandled(MethodSeries* series,
                                      grpc::StatusCode code,
                                      absl::Duration latency) {
  int i = static_cast<int>(code);
  if (i < 0 || i >= 17) i = static_cast<int>(grpc::StatusCode::UNKNOWN);
  prometheus::Counter* counter =
      series->handled[i].load(std::memory_order_acquire);
  if (counter == nullptr) {
    absl::MutexLock lock(&mu_);
    counter = series->handled[i].load(std::memory_order_relaxed);
    if (counter == nullptr) {
      counter = &handled_.Add(
          {{"grpc_service", series->service},
           {"grpc_method", series->method},
           {"grpc_code", CodeName(static_cast<grpc::StatusCode>(i))}});
      series->handled[i].store(counter, std::memory_order_release);
    }
  }
  counter->Increment();
  series->latency->Observe(absl::ToDoubleSeconds(latency));
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::InterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

}  // namespace gridcase::metrics
