// Geometry types for grid polygons, on Boost.Geometry.
//
// Coordinates are plain cartesian degrees: x = longitude, y = latitude
// (WGS84). That is exact enough for what gridcase does with them — point in
// polygon and centroids of grids a few hundred metres across, far from the
// poles and the antimeridian — and much faster than geographic strategies.
// Areas computed from these types are in square degrees, not square metres.
//
// Rings follow GeoJSON (RFC 7946): exterior counter-clockwise, holes
// clockwise, first point repeated as the last.
//
// To run Boost.Geometry algorithms on these types, include
// "boost/geometry.hpp": in Boost 1.74 the per-algorithm headers (e.g.
// algorithms/area.hpp) do not bring the cartesian strategies they need.
#ifndef GRIDCASE_COMMON_GEO_GEOMETRY_H_
#define GRIDCASE_COMMON_GEO_GEOMETRY_H_

#include <optional>
#include <vector>

#include "boost/geometry/geometries/box.hpp"
#include "boost/geometry/geometries/multi_polygon.hpp"
#include "boost/geometry/geometries/point_xy.hpp"
#include "boost/geometry/geometries/polygon.hpp"
#include "gridcase/v1/common.pb.h"

namespace gridcase::geo {

namespace bg = ::boost::geometry;

// A position: x() = longitude, y() = latitude, in degrees.
using Point = bg::model::d2::point_xy<double>;
// A polygon with holes; exterior counter-clockwise, closed rings.
using Polygon = bg::model::polygon<Point, /*ClockWise=*/false, /*Closed=*/true>;
// One or more polygons; every grid shape is held as one (a GeoJSON Polygon is
// a MultiPolygon of one part).
using MultiPolygon = bg::model::multi_polygon<Polygon>;
// An axis-aligned bounding box.
using Box = bg::model::box<Point>;

// The area centroid of a non-empty, valid shape, as latitude/longitude.
v1::GeoPoint Centroid(const MultiPolygon& shape);

// The area centroid of several shapes taken together (the area-weighted mean
// of their centroids, which is the centroid of their union when they do not
// overlap), e.g. a community from its grids. Empty or zero-area shapes are
// skipped; nullopt when nothing is left.
std::optional<v1::GeoPoint> CombinedCentroid(
    const std::vector<const MultiPolygon*>& shapes);

}  // namespace gridcase::geo

#endif  // GRIDCASE_COMMON_GEO_GEOMETRY_H_
