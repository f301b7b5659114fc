#include "common/geo/geojson_geometry.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "boost/geometry.hpp"
#include "common/geo/json_text.h"
#include "common/status/status_macros.h"

namespace gridcase::geo {
namespace {

using Ring = Polygon::ring_type;
using Linestring = bg::model::linestring<Point>;

// Shortest decimal form that reads back as the same double: 120.55, 30, 1e-07.
std::string FormatNumber(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::string FormatPosition(const Point& point) {
  return absl::StrCat("[", FormatNumber(point.x()), ", ",
                      FormatNumber(point.y()), "]");
}

// A JSON value for a message, cut short (at a UTF-8 character boundary, as
// proto strings must be valid UTF-8) if long.
std::string Excerpt(const nlohmann::json& value) {
  constexpr std::size_t kMaxLength = 40;
  std::string text = value.dump();
  if (text.size() <= kMaxLength) return text;
  std::size_t cut = kMaxLength;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrCat(text.substr(0, cut), "...");
}

ParsedGeometry Reject(v1::FeatureRejectionReason reason, std::string message) {
  ParsedGeometry result;
  result.rejection = GeometryRejection{reason, std::move(message)};
  return result;
}

// Boost's is_valid message without the turn internals ("; method: ...;
// segment IDs ..."), whose ring numbering differs from GeoJSON's.
template <typename Geometry>
std::string BoostValidityMessage(const Geometry& geometry) {
  std::string message;
  bg::is_valid(geometry, message);
  const std::size_t internals = message.find("; method:");
  if (internals != std::string::npos) message.resize(internals);
  return message;
}

// True if the ring, consecutive duplicates removed, passes through some
// point twice (other than its closing point).
bool RingCrossesItself(const Ring& ring) {
  Linestring line(ring.begin(), ring.end());
  bg::unique(line);
  return !bg::is_simple(line);
}

std::size_t RingCount(const Polygon& polygon) {
  return 1 + polygon.inners().size();
}

const Ring& RingAt(const Polygon& polygon, std::size_t index) {
  return index == 0 ? polygon.outer() : polygon.inners()[index - 1];
}

// Reads one ring (a JSON array of positions) into `ring`; `where` is
// "polygon P ring R".
std::optional<GeometryRejection> ReadRing(const nlohmann::json& positions,
                                          const std::string& where,
                                          Ring& ring) {
  if (!positions.is_array()) {
    return GeometryRejection{
        v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
        absl::StrCat(where,
                     " is not an array of positions: ", Excerpt(positions))};
  }
  ring.clear();
  ring.reserve(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const nlohmann::json& position = positions[i];
    if (!position.is_array() || position.size() < 2 ||
        !position[0].is_number() || !position[1].is_number()) {
      return GeometryRejection{
          v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
          absl::StrCat(
              where, " position ", i,
              " is not [longitude, latitude] numbers: ", Excerpt(position))};
    }
    const double longitude = position[0].get<double>();
    const double latitude = position[1].get<double>();
    if (!std::isfinite(longitude) || !std::isfinite(latitude)) {
      return GeometryRejection{
          v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
          absl::StrCat(where, " position ", i, ": coordinates are not finite")};
    }
    if (longitude < -180 || longitude > 180) {
      return GeometryRejection{
          v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
          absl::StrCat(where, " position ", i, ": longitude ",
                       FormatNumber(longitude), " is outside -180..180")};
    }
    if (latitude < -90 || latitude > 90) {
      return GeometryRejection{
          v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
          absl::StrCat(where, " position ", i, ": latitude ",
                       FormatNumber(latitude),
                       " is outside -90..90 (GeoJSON positions are "
                       "[longitude, latitude])")};
    }
    ring.emplace_back(longitude, latitude);
  }
  if (ring.size() < 4) {
    return GeometryRejection{
        v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
        absl::StrCat(where, " has ", ring.size(),
                     " positions; a ring needs at least 4 (the first "
                     "repeated as the last)")};
  }
  // Exact comparison, as RFC 7946 asks for identical values (bg::equals would
  // allow a tiny difference).
  if (ring.front().x() != ring.back().x() ||
      ring.front().y() != ring.back().y()) {
    return GeometryRejection{
        v1::FEATURE_REJECTION_REASON_UNCLOSED_RING,
        absl::StrCat(where, ": first position ", FormatPosition(ring.front()),
                     " differs from last ", FormatPosition(ring.back()))};
  }
  Ring distinct = ring;
  bg::unique(distinct);
  const std::size_t corners = distinct.size() - 1;
  if (corners < 3) {
    return GeometryRejection{
        v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
        absl::StrCat(where, " has only ", corners,
                     " distinct corners; a ring needs at least 3")};
  }
  return std::nullopt;
}

// Reads one polygon (a JSON array of rings).
std::optional<GeometryRejection> ReadPolygon(const nlohmann::json& rings,
                                             std::size_t polygon_index,
                                             Polygon& polygon) {
  const std::string name = absl::StrCat("polygon ", polygon_index);
  if (!rings.is_array()) {
    return GeometryRejection{
        v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
        absl::StrCat(name, " is not an array of rings: ", Excerpt(rings))};
  }
  if (rings.empty()) {
    return GeometryRejection{v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
                             absl::StrCat(name, " has no ring")};
  }
  polygon.clear();
  polygon.inners().resize(rings.size() - 1);
  for (std::size_t r = 0; r < rings.size(); ++r) {
    Ring& ring = r == 0 ? polygon.outer() : polygon.inners()[r - 1];
    if (auto rejection =
            ReadRing(rings[r], absl::StrCat(name, " ring ", r), ring)) {
      return rejection;
    }
  }
  return std::nullopt;
}

// OGC validity of one oriented polygon.
std::optional<GeometryRejection> CheckPolygonValidity(
    const Polygon& polygon, std::size_t polygon_index) {
  bg::validity_failure_type failure = bg::no_failure;
  if (bg::is_valid(polygon, failure)) return std::nullopt;
  const std::string name = absl::StrCat("polygon ", polygon_index);
  switch (failure) {
    case bg::failure_self_intersections: {
      for (std::size_t r = 0; r < RingCount(polygon); ++r) {
        if (RingCrossesItself(RingAt(polygon, r))) {
          return GeometryRejection{
              v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
              absl::StrCat(name, " ring ", r, " crosses itself (",
                           BoostValidityMessage(polygon), ")")};
        }
      }
      return GeometryRejection{
          v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
          absl::StrCat(name, ": rings cross or overlap each other (",
                       BoostValidityMessage(polygon), ")")};
    }
    case bg::failure_wrong_orientation:
      // bg::correct orients every ring of non-zero area, so this is a ring
      // whose area is zero: a symmetric bow tie, or a ring folded onto
      // itself.
      for (std::size_t r = 0; r < RingCount(polygon); ++r) {
        const Ring& ring = RingAt(polygon, r);
        if (bg::area(ring) != 0) continue;
        if (RingCrossesItself(ring)) {
          return GeometryRejection{
              v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
              absl::StrCat(name, " ring ", r,
                           " crosses itself (its area is zero)")};
        }
        return GeometryRejection{
            v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
            absl::StrCat(name, " ring ", r, " has zero area")};
      }
      break;
    case bg::failure_few_points:
      return GeometryRejection{
          v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
          absl::StrCat(name, ": ", BoostValidityMessage(polygon))};
    default:
      break;
  }
  return GeometryRejection{
      v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
      absl::StrCat(name, ": ", BoostValidityMessage(polygon))};
}

// Validity of the MultiPolygon as a whole, its members being valid: they
// may touch at points but not overlap or share an edge.
std::optional<GeometryRejection> CheckMultiPolygonValidity(
    const MultiPolygon& shape) {
  if (shape.size() < 2 || bg::is_valid(shape)) return std::nullopt;
  std::vector<Box> boxes(shape.size());
  for (std::size_t i = 0; i < shape.size(); ++i) {
    bg::envelope(shape[i], boxes[i]);
  }
  for (std::size_t i = 0; i < shape.size(); ++i) {
    for (std::size_t j = i + 1; j < shape.size(); ++j) {
      if (!bg::intersects(boxes[i], boxes[j])) continue;
      MultiPolygon pair;
      pair.push_back(shape[i]);
      pair.push_back(shape[j]);
      if (bg::is_valid(pair)) continue;
      return GeometryRejection{
          v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
          absl::StrCat("polygons ", i, " and ", j,
                       " of the MultiPolygon overlap or share an edge (",
                       BoostValidityMessage(pair), ")")};
    }
  }
  return GeometryRejection{
      v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
      absl::StrCat("the polygons of the MultiPolygon overlap (",
                   BoostValidityMessage(shape), ")")};
}

nlohmann::json RingToJson(const Ring& ring) {
  nlohmann::json positions = nlohmann::json::array();
  for (const Point& point : ring) {
    positions.push_back(nlohmann::json::array({point.x(), point.y()}));
  }
  return positions;
}

nlohmann::json PolygonToJson(const Polygon& polygon) {
  nlohmann::json rings = nlohmann::json::array();
  rings.push_back(RingToJson(polygon.outer()));
  for (const Ring& hole : polygon.inners()) rings.push_back(RingToJson(hole));
  return rings;
}

}  // namespace

ParsedGeometry ParseGeoJsonGeometry(const nlohmann::json& geometry) {
  if (!geometry.is_object()) {
    return Reject(v1::FEATURE_REJECTION_REASON_UNSUPPORTED_GEOMETRY,
                  absl::StrCat("geometry is not a GeoJSON geometry object: ",
                               Excerpt(geometry)));
  }
  const auto type = geometry.find("type");
  if (type == geometry.end() || !type->is_string()) {
    return Reject(v1::FEATURE_REJECTION_REASON_UNSUPPORTED_GEOMETRY,
                  "geometry has no \"type\" string");
  }
  const std::string& type_name = type->get_ref<const std::string&>();
  const bool is_polygon = type_name == "Polygon";
  if (!is_polygon && type_name != "MultiPolygon") {
    return Reject(v1::FEATURE_REJECTION_REASON_UNSUPPORTED_GEOMETRY,
                  absl::StrCat("geometry type \"", type_name,
                               "\" is not Polygon or MultiPolygon"));
  }
  const auto coordinates = geometry.find("coordinates");
  if (coordinates == geometry.end() || !coordinates->is_array()) {
    return Reject(
        v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
        absl::StrCat(type_name, " \"coordinates\" is missing or not an array"));
  }

  MultiPolygon shape;
  if (is_polygon) {
    shape.resize(1);
    if (auto rejection = ReadPolygon(*coordinates, 0, shape[0])) {
      return Reject(rejection->reason, std::move(rejection->message));
    }
  } else {
    if (coordinates->empty()) {
      return Reject(v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
                    "MultiPolygon has no polygon");
    }
    shape.resize(coordinates->size());
    for (std::size_t p = 0; p < coordinates->size(); ++p) {
      if (auto rejection = ReadPolygon((*coordinates)[p], p, shape[p])) {
        return Reject(rejection->reason, std::move(rejection->message));
      }
    }
  }

  // Either orientation is accepted on input; RFC 7946 orientation from here.
  bg::correct(shape);
  for (std::size_t p = 0; p < shape.size(); ++p) {
    if (auto rejection = CheckPolygonValidity(shape[p], p)) {
      return Reject(rejection->reason, std::move(rejection->message));
    }
  }
  if (auto rejection = CheckMultiPolygonValidity(shape)) {
    return Reject(rejection->reason, std::move(rejection->message));
  }
  ParsedGeometry result;
  result.shape = std::move(shape);
  return result;
}

nlohmann::json ToGeoJsonGeometry(const MultiPolygon& shape) {
  if (shape.size() == 1) {
    return {{"type", "Polygon"}, {"coordinates", PolygonToJson(shape[0])}};
  }
  nlohmann::json polygons = nlohmann::json::array();
  for (const Polygon& polygon : shape) {
    polygons.push_back(PolygonToJson(polygon));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}};
}

std::string ToGeoJsonText(const MultiPolygon& shape) {
  return ToGeoJsonGeometry(shape).dump();
}

absl::StatusOr<MultiPolygon> ParseGeoJsonText(absl::string_view geojson) {
  ASSIGN_OR_RETURN(const nlohmann::json geometry,
                   ParseJsonText(geojson, "geometry"));
  ParsedGeometry parsed = ParseGeoJsonGeometry(geometry);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("geometry: ", ReasonName(parsed.rejection->reason), ": ",
                     parsed.rejection->message));
  }
  return std::move(parsed.shape);
}

std::string ReasonName(v1::FeatureRejectionReason reason) {
  return std::string(absl::StripPrefix(v1::FeatureRejectionReason_Name(reason),
                                       "FEATURE_REJECTION_REASON_"));
}

}  // namespace gridcase::geo
