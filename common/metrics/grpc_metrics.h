// gRPC server metrics, recorded by a server interceptor for every call:
//
//   grpc_server_started_total{grpc_service, grpc_method}
//   grpc_server_handled_total{grpc_service, grpc_method, grpc_code}
//   grpc_server_handling_seconds{grpc_service, grpc_method}  (histogram)
//
// The names follow the go-grpc-prometheus convention, so existing dashboards
// and alerts understand them. Label values are bounded: every method is
// registered before serving (unknown ones are counted as method "unknown"),
// and codes are the 17 canonical ones. Series are created once, never on
// the hot path (prometheus-cpp's Family::Add is slow).
#ifndef GRIDCASE_COMMON_METRICS_GRPC_METRICS_H_
#define GRIDCASE_COMMON_METRICS_GRPC_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace gridcase::metrics {

class GrpcServerMetrics final {
 public:
  // Creates the metric families in `registry`, which must outlive this.
  explicit GrpcServerMetrics(prometheus::Registry& registry);
  GrpcServerMetrics(const GrpcServerMetrics&) = delete;
  GrpcServerMetrics& operator=(const GrpcServerMetrics&) = delete;

  // Registers methods by their full gRPC name ("/gridcase.v1.IntakeService/
  // ReportCase"). Call before serving; later calls are ignored for lookups.
  void RegisterMethods(const std::vector<std::string>& full_names);

  // The series of one method; never null ("unknown" for unregistered names).
  struct MethodSeries;
  MethodSeries* Find(const char* full_name);

  void RecordHandled(MethodSeries* series, grpc::StatusCode code,
                     absl::Duration latency);
  static void RecordStarted(MethodSeries* series);

  // A factory for the interceptor that feeds these metrics.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  InterceptorFactory();

 private:
  MethodSeries* Create(const std::string& service, const std::string& method);

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& latency_;
  absl::Mutex mu_;  // guards creation of series
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> methods_;
  std::unique_ptr<MethodSeries> unknown_;
};

struct GrpcServerMetrics::MethodSeries {
  std::string service;
  std::string method;
  prometheus::Counter* started = nullptr;
  prometheus::Histogram* latency = nullptr;
  // Filled on the first call that ends with each code.
  std::array<std::atomic<prometheus::Counter*>, 17> handled{};
};

// Splits "/pkg.Service/Method" into ("pkg.Service", "Method").
std::pair<std::string, std::string> SplitMethodName(const std::string& full);

}  // namespace gridcase::metrics

#endif  // GRIDCASE_COMMON_METRICS_GRPC_METRICS_H_
