// The shipped sample registry, for process tests: the Tongxiang grids
// (tools/sample-data/tongxiang/grids.geojson) and the categories of the
// catalogue (services/registry/data/catalogue.json), loaded through a real
// gridcase-registry.
#ifndef GRIDCASE_TESTS_SAMPLE_REGISTRY_H_
#define GRIDCASE_TESTS_SAMPLE_REGISTRY_H_

#include <grpcpp/client_context.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gridcase/v1/registry.grpc.pb.h"

namespace gridcase::testing {

// The sample grids as GeoJSON text.
absl::StatusOr<std::string> SampleGridsGeoJson();

// The catalogue's categories whose codes are in `codes` (all when empty), in
// the catalogue's order. NOT_FOUND when a code is not in the catalogue.
absl::StatusOr<std::vector<v1::Category>> CatalogueCategories(
    const std::vector<std::string>& codes = {});

// Imports the sample grids and upserts `categories` through `registry`.
// `prepare` readies each call's context (the caller's identity, a deadline).
absl::Status LoadSampleRegistry(
    v1::RegistryService::Stub& registry,
    const std::vector<v1::Category>& categories,
    const std::function<void(grpc::ClientContext*)>& prepare);

}  // namespace gridcase::testing

#endif  // GRIDCASE_TESTS_SAMPLE_REGISTRY_H_
