// Validation of a GeoJSON FeatureCollection for RegistryService.ImportGrids:
// turns the uploaded text into the regions to store, or the list of every
// rejected feature with its FeatureRejectionReason (registry.proto). Pure: it
// reads nothing but its arguments; storing the plan is the service's job.
//
// Each feature's "properties" carry "code", "name", "level" (city | town |
// community | grid) and "parent" (below city level). Checks per feature, each
// reported at most once, in this order (a feature may collect several
// rejections, so that one round trip shows an operator everything wrong):
//   INVALID_FEATURE          not an object with "type": "Feature", or
//                            "properties" neither an object nor null. Stops
//                            the checks of that feature.
//   MISSING_PROPERTY         code, name, level, or parent (below city level)
//                            missing, null, empty or not a string (QGIS
//                            exports numeric fields as numbers: quote them).
//                            One rejection names every such property.
//   INVALID_LEVEL            level is not exactly one of the four names.
//   INVALID_CODE             code is not 6/9/12/15 ASCII digits as its level
//                            says, or does not start with the parent's code.
//   DUPLICATE_CODE           another feature of the file has the same code;
//                            every feature with that code is rejected.
//   MISSING_GEOMETRY         a grid whose geometry is missing or null.
//   <geometry reasons>       see geojson_geometry.h. Checked for grids, and
//                            for features whose level is unreadable if they
//                            have a geometry. The geometry of a city, town or
//                            community is ignored (not checked, not stored).
//   UNKNOWN_PARENT           parent is neither the code of a feature of the
//                            file (in any order) nor a region of the
//                            registry (ExistingRegions).
//   PARENT_LEVEL_MISMATCH    the parent is not exactly one level up.
// The parent of a city is not required and, if given, ignored.
//
// A feature whose parent is a feature of the file is not rejected when that
// parent is rejected: the parent is "in the file". This keeps each verdict
// about the feature itself, and nothing is stored under a rejected parent
// anyway, since ImportGrids is all-or-nothing.
#ifndef GRIDCASE_COMMON_GEO_GEOJSON_IMPORT_H_
#define GRIDCASE_COMMON_GEO_GEOJSON_IMPORT_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/geo/geometry.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::geo {

// The level of a region already in the registry, or nullopt if there is no
// region with that code. An empty function means the registry is empty.
using ExistingRegions =
    std::function<std::optional<v1::RegionLevel>(const std::string& code)>;

// One accepted feature.
struct ImportedRegion {
  // 0-based index in the "features" array.
  int feature_index = 0;
  std::string code;
  std::string name;
  v1::RegionLevel level = v1::REGION_LEVEL_UNSPECIFIED;
  // Empty for a city.
  std::string parent_code;
  // Grids only (empty otherwise): the valid, oriented shape.
  MultiPolygon shape;
  // Grids only: the normalised geometry, ToGeoJsonText(shape), for
  // Region.geometry_geojson. Comparing it tells whether a re-import changed
  // the polygon.
  std::string geometry_geojson;
  // Grids only: the area centroid.
  std::optional<v1::GeoPoint> centroid;
};

// The outcome of validating a FeatureCollection.
struct ImportPlan {
  // Number of features in the file.
  int feature_count = 0;
  // Accepted features, in file order.
  std::vector<ImportedRegion> regions;
  // Every rejection, by feature_index ascending (a feature may have several,
  // in the order of the checks above).
  std::vector<v1::FeatureRejection> rejections;

  bool ok() const { return rejections.empty(); }
};

// Validates a GeoJSON FeatureCollection. Fails INVALID_ARGUMENT only if the
// text is not JSON ("geojson is not valid JSON at byte <n>: <error>") or not
// a FeatureCollection object with a "features" array; problems of single
// features are returned in ImportPlan::rejections.
absl::StatusOr<ImportPlan> ParseFeatureCollection(
    absl::string_view geojson, const ExistingRegions& existing);

// The ImportGrids error text: rejections as "feature[<index>] <code>:
// <REASON>: <detail>" (or "feature[<index>]: ..." without a code) joined by
// "; ", at most `max_listed`, then "... and N more".
std::string FormatRejections(
    const std::vector<v1::FeatureRejection>& rejections, int max_listed = 50);

}  // namespace gridcase::geo

#endif  // GRIDCASE_COMMON_GEO_GEOJSON_IMPORT_H_
