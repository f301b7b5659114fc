// One GeoJSON (RFC 7946) geometry object ↔ MultiPolygon, with the checks
// ImportGrids applies to every grid polygon. A failed check is reported as
// the FeatureRejectionReason of registry.proto plus an English detail that
// names the polygon, ring and position by their 0-based index in the
// GeoJSON arrays, e.g.
//   UNCLOSED_RING "polygon 0 ring 1: first position [120.55, 30.62] differs
//                  from last [120.56, 30.62]"
// ("polygon 0" is the Polygon itself, or the first member of a
// MultiPolygon; ring 0 is the exterior, ring 1.. the holes.)
//
// Checks, in order; the first failure is reported:
//   UNSUPPORTED_GEOMETRY      not an object with "type" Polygon or
//                             MultiPolygon.
//   INVALID_GEOMETRY          "coordinates" (or a polygon or ring in it) is
//                             not an array.
//   TOO_FEW_POINTS            a Polygon with no ring, a MultiPolygon with no
//                             polygon.
//   then ring by ring:
//   COORDINATE_OUT_OF_RANGE   a position is not [longitude, latitude]
//                             numbers, is not finite, or is out of
//                             -180..180 / -90..90. Values after the second
//                             (elevation) are ignored.
//   TOO_FEW_POINTS            fewer than 4 positions, or fewer than 3
//                             distinct corners.
//   UNCLOSED_RING             first and last positions differ.
//   then, after orienting rings with bg::correct (either orientation is
//   accepted, since GIS exports vary), bg::is_valid polygon by polygon:
//   SELF_INTERSECTION         a ring crosses or overlaps itself or another
//                             ring of the same polygon (including a
//                             zero-area "bow tie").
//   INVALID_GEOMETRY          any other OGC failure: a hole outside its
//                             shell, nested holes, a disconnected interior,
//                             spikes, a zero-area ring;
//   and finally the MultiPolygon as a whole:
//   INVALID_GEOMETRY          two of its polygons overlap or share an edge
//                             (touching at a point is allowed).
#ifndef GRIDCASE_COMMON_GEO_GEOJSON_GEOMETRY_H_
#define GRIDCASE_COMMON_GEO_GEOJSON_GEOMETRY_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/geo/geometry.h"
#include "gridcase/v1/registry.pb.h"
#include "nlohmann/json.hpp"

namespace gridcase::geo {

// Why a geometry was rejected.
struct GeometryRejection {
  v1::FeatureRejectionReason reason = v1::FEATURE_REJECTION_REASON_UNSPECIFIED;
  // English detail naming the polygon / ring / position.
  std::string message;
};

// Result of ParseGeoJsonGeometry: a valid shape, or the rejection.
struct ParsedGeometry {
  // Valid and oriented (exterior counter-clockwise, holes clockwise); empty
  // when rejected.
  MultiPolygon shape;
  // Set when the geometry was rejected.
  std::optional<GeometryRejection> rejection;

  bool ok() const { return !rejection.has_value(); }
};

// Checks and converts a GeoJSON geometry object (Polygon or MultiPolygon).
ParsedGeometry ParseGeoJsonGeometry(const nlohmann::json& geometry);

// The normalised GeoJSON geometry of a shape: a "Polygon" if it has one
// part, else a "MultiPolygon"; rings oriented as RFC 7946 says; positions
// [longitude, latitude] (no elevation); numbers in their shortest form that
// reads back exactly.
nlohmann::json ToGeoJsonGeometry(const MultiPolygon& shape);

// ToGeoJsonGeometry as compact JSON text (what Region.geometry_geojson
// holds).
std::string ToGeoJsonText(const MultiPolygon& shape);

// Parses GeoJSON geometry text (e.g. a stored Region.geometry_geojson) with
// every check above. INVALID_ARGUMENT "geometry is not valid JSON at byte
// <n>: ..." or "geometry: <REASON>: <detail>" on failure.
absl::StatusOr<MultiPolygon> ParseGeoJsonText(absl::string_view geojson);

// The short name of a reason as used in messages: "UNCLOSED_RING" for
// FEATURE_REJECTION_REASON_UNCLOSED_RING.
std::string ReasonName(v1::FeatureRejectionReason reason);

}  // namespace gridcase::geo

#endif  // GRIDCASE_COMMON_GEO_GEOJSON_GEOMETRY_H_
