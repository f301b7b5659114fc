#include "services/registry/registry_metrics.h"

namespace gridcase::registry {
namespace {

prometheus::Family<prometheus::Histogram>& LocateFamily(
    prometheus::Registry& r) {
  return prometheus::BuildHistogram()
      .Name("gridcase_registry_locate_seconds")
      .Help("Time to locate a point's grid in the in-memory index, seconds.")
      .Register(r);
}

prometheus::Family<prometheus::Counter>& ImportsFamily(
    prometheus::Registry& r) {
  return prometheus::BuildCounter()
      .Name("gridcase_registry_imports_total")
      .Help(
          "ImportGrids calls by outcome: imported, unchanged (no-op "
          "re-import), rejected (invalid features), validated "
          "(validate_only), failed (storage error).")
      .Register(r);
}

prometheus::Family<prometheus::Counter>& ReloadsFamily(
    prometheus::Registry& r) {
  return prometheus::BuildCounter()
      .Name("gridcase_registry_reloads_total")
      .Help("Reloads of the in-memory registry snapshot from Redis.")
      .Register(r);
}

const prometheus::Histogram::BucketBoundaries& LocateBuckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3};
  return *b;
}

}  // namespace

RegistryMetrics::RegistryMetrics(prometheus::Registry& r)
    : locate_found(LocateFamily(r).Add({{"result", "found"}}, LocateBuckets())),
      locate_not_found(
          LocateFamily(r).Add({{"result", "not_found"}}, LocateBuckets())),
      grids(prometheus::BuildGauge()
                .Name("gridcase_registry_grids")
                .Help("Grids in the registry snapshot this replica serves.")
                .Register(r)
                .Add({})),
      version(prometheus::BuildGauge()
                  .Name("gridcase_registry_version")
                  .Help("Registry version this replica serves.")
                  .Register(r)
                  .Add({})),
      imports_imported(ImportsFamily(r).Add({{"outcome", "imported"}})),
      imports_unchanged(ImportsFamily(r).Add({{"outcome", "unchanged"}})),
      imports_rejected(ImportsFamily(r).Add({{"outcome", "rejected"}})),
      imports_validated(ImportsFamily(r).Add({{"outcome", "validated"}})),
      imports_failed(ImportsFamily(r).Add({{"outcome", "failed"}})),
      reloads_ok(ReloadsFamily(r).Add({{"result", "ok"}})),
      reloads_error(ReloadsFamily(r).Add({{"result", "error"}})) {}

}  // namespace gridcase::registry
