// Where loadgen's reports are made: the grid polygons of a GeoJSON file
// (tools/sample-data/tongxiang/grids.geojson by default, the features of
// level "grid"), and points drawn uniformly inside them, or within a few
// metres of an earlier point (a duplicate report).
#ifndef GRIDCASE_TOOLS_LOADGEN_WORLD_H_
#define GRIDCASE_TOOLS_LOADGEN_WORLD_H_

#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/geo/geometry.h"
#include "nlohmann/json.hpp"

namespace gridcase::loadgen {

struct LatLng {
  double lat = 0;
  double lng = 0;
};

struct GridShape {
  std::string code;  // 15-digit grid code
  std::string town;  // its first 9 digits
  geo::MultiPolygon shape;
  geo::Box box;  // bounding box
};

// The grid features of a GeoJSON FeatureCollection (properties.level
// "grid", a Polygon or MultiPolygon geometry, properties.code). Other
// features are skipped. INVALID_ARGUMENT naming the feature if a grid's
// geometry is invalid, or if there is no grid at all.
absl::StatusOr<std::vector<GridShape>> ParseGridShapes(
    const nlohmann::json& collection);
// ParseGridShapes of a file; NOT_FOUND or INVALID_ARGUMENT naming it.
absl::StatusOr<std::vector<GridShape>> LoadGridShapes(const std::string& path);

// `relative` (e.g. "tools/sample-data/tongxiang/grids.geojson") found from
// the working directory or from the directory of the running binary and
// its parents (a build tree inside the checkout); `relative` itself if
// neither has it.
std::string FindRepoFile(absl::string_view relative);

// A point drawn uniformly inside `grid` (rejection sampling in its
// bounding box; its centroid after 1000 misses, which only a degenerate
// shape causes).
LatLng SamplePointIn(const GridShape& grid, std::mt19937_64& rng);

// A point drawn uniformly within `radius_m` metres of `at`.
LatLng PointNear(const LatLng& at, double radius_m, std::mt19937_64& rng);

// Great-circle distance in metres (haversine).
double DistanceMeters(const LatLng& a, const LatLng& b);

// Whether `p` lies inside `grid` (its border included).
bool Contains(const GridShape& grid, const LatLng& p);

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_WORLD_H_
