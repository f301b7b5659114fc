#include "common/geo/geometry.h"

#include "boost/geometry.hpp"

namespace gridcase::geo {
namespace {

v1::GeoPoint ToGeoPoint(const Point& point) {
  v1::GeoPoint result;
  result.set_latitude(point.y());
  result.set_longitude(point.x());
  return result;
}

}  // namespace

v1::GeoPoint Centroid(const MultiPolygon& shape) {
  Point centroid(0, 0);  // set by bg::centroid (initialized for -O3)
  bg::centroid(shape, centroid);
  return ToGeoPoint(centroid);
}

std::optional<v1::GeoPoint> CombinedCentroid(
    const std::vector<const MultiPolygon*>& shapes) {
  double total_area = 0;
  double x = 0;
  double y = 0;
  for (const MultiPolygon* shape : shapes) {
    if (shape == nullptr || shape->empty()) continue;
    const double area = bg::area(*shape);
    if (!(area > 0)) continue;
    Point centroid(0, 0);
    bg::centroid(*shape, centroid);
    total_area += area;
    x += centroid.x() * area;
    y += centroid.y() * area;
  }
  if (total_area == 0) return std::nullopt;
  return ToGeoPoint(Point(x / total_area, y / total_area));
}

}  // namespace gridcase::geo
