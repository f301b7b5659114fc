// The registry's own Prometheus metrics, declared once and injected (the
// gRPC request metrics come from the common server interceptor):
//   gridcase_registry_locate_seconds{result="found"|"not_found"}  histogram
//   gridcase_registry_grids                                       gauge
//   gridcase_registry_version                                     gauge
//   gridcase_registry_imports_total{outcome}                      counter
//     outcome: imported, unchanged, rejected, validated, failed
//   gridcase_registry_reloads_total{result="ok"|"error"}          counter
#ifndef GRIDCASE_SERVICES_REGISTRY_REGISTRY_METRICS_H_
#define GRIDCASE_SERVICES_REGISTRY_REGISTRY_METRICS_H_

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace gridcase::registry {

struct RegistryMetrics {
  explicit RegistryMetrics(prometheus::Registry& registry);
  RegistryMetrics(const RegistryMetrics&) = delete;
  RegistryMetrics& operator=(const RegistryMetrics&) = delete;

  prometheus::Histogram& locate_found;
  prometheus::Histogram& locate_not_found;
  prometheus::Gauge& grids;
  prometheus::Gauge& version;
  prometheus::Counter& imports_imported;
  prometheus::Counter& imports_unchanged;
  prometheus::Counter& imports_rejected;
  prometheus::Counter& imports_validated;
  prometheus::Counter& imports_failed;
  prometheus::Counter& reloads_ok;
  prometheus::Counter& reloads_error;
};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_REGISTRY_METRICS_H_
