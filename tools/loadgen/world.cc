#include "tools/loadgen/world.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/geometry.hpp"
#include "common/geo/geojson_geometry.h"
#include "common/geo/json_text.h"

namespace gridcase::loadgen {
namespace {

constexpr double kEarthRadiusM = 6371008.8;
constexpr double kPi = 3.14159265358979323846;

double Radians(double degrees) { return degrees * kPi / 180; }

// The shape's bounding box, from its exterior rings (bg::envelope trips
// GCC's -Wmaybe-uninitialized in Boost 1.74).
geo::Box BoundingBox(const geo::MultiPolygon& shape) {
  double min_x = 180, min_y = 90, max_x = -180, max_y = -90;
  for (const geo::Polygon& p : shape) {
    for (const geo::Point& q : p.outer()) {
      min_x = std::min(min_x, q.x());
      min_y = std::min(min_y, q.y());
      max_x = std::max(max_x, q.x());
      max_y = std::max(max_y, q.y());
    }
  }
  return geo::Box(geo::Point(min_x, min_y), geo::Point(max_x, max_y));
}

}  // namespace

absl::StatusOr<std::vector<GridShape>> ParseGridShapes(
    const nlohmann::json& collection) {
  if (!collection.is_object() || !collection.contains("features") ||
      !collection["features"].is_array()) {
    return absl::InvalidArgumentError(
        "grids: not a GeoJSON FeatureCollection (no \"features\" array)");
  }
  std::vector<GridShape> grids;
  for (const nlohmann::json& f : collection["features"]) {
    const nlohmann::json& props = f.value("properties", nlohmann::json());
    if (!props.is_object() || props.value("level", "") != "grid") continue;
    const std::string code = props.value("code", "");
    geo::ParsedGeometry parsed =
        geo::ParseGeoJsonGeometry(f.value("geometry", nlohmann::json()));
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("grids: grid ", code, ": ", parsed.rejection->message));
    }
    GridShape g;
    g.code = code;
    g.town = code.substr(0, 9);
    g.shape = std::move(parsed.shape);
    g.box = BoundingBox(g.shape);
    grids.push_back(std::move(g));
  }
  if (grids.empty()) {
    return absl::InvalidArgumentError(
        "grids: no feature of level \"grid\" with a polygon");
  }
  return grids;
}

absl::StatusOr<std::vector<GridShape>> LoadGridShapes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<nlohmann::json> json = geo::ParseJsonText(text.str(), path);
  if (!json.ok()) return json.status();
  absl::StatusOr<std::vector<GridShape>> grids = ParseGridShapes(*json);
  if (!grids.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", grids.status().message()));
  }
  return grids;
}

std::string FindRepoFile(absl::string_view relative) {
  namespace fs = std::filesystem;
  const fs::path rel{std::string(relative)};
  std::error_code ec;
  if (fs::exists(rel, ec)) return rel.string();
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  while (!ec && !dir.empty()) {
    if (fs::exists(dir / rel, ec)) return (dir / rel).string();
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  return rel.string();
}

bool Contains(const GridShape& grid, const LatLng& p) {
  return geo::bg::covered_by(geo::Point(p.lng, p.lat), grid.shape);
}

LatLng SamplePointIn(const GridShape& grid, std::mt19937_64& rng) {
  const geo::Point& lo = grid.box.min_corner();
  const geo::Point& hi = grid.box.max_corner();
  std::uniform_real_distribution<double> x(lo.x(), hi.x());
  std::uniform_real_distribution<double> y(lo.y(), hi.y());
  for (int attempt = 0; attempt < 1000; ++attempt) {
    LatLng p{y(rng), x(rng)};
    if (geo::bg::within(geo::Point(p.lng, p.lat), grid.shape)) return p;
  }
  v1::GeoPoint c = geo::Centroid(grid.shape);
  return {c.latitude(), c.longitude()};
}

LatLng PointNear(const LatLng& at, double radius_m, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0, 1);
  // Uniform over the disc: radius ~ sqrt(u).
  double r = radius_m * std::sqrt(unit(rng));
  double bearing = 2 * kPi * unit(rng);
  double dlat = r * std::cos(bearing) / kEarthRadiusM;
  double dlng =
      r * std::sin(bearing) / (kEarthRadiusM * std::cos(Radians(at.lat)));
  return {at.lat + dlat * 180 / kPi, at.lng + dlng * 180 / kPi};
}

double DistanceMeters(const LatLng& a, const LatLng& b) {
  double dlat = Radians(b.lat - a.lat);
  double dlng = Radians(b.lng - a.lng);
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(Radians(a.lat)) * std::cos(Radians(b.lat)) *
                 std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace gridcase::loadgen
