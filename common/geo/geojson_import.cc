#include "common/geo/geojson_import.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/geo/geojson_geometry.h"
#include "common/geo/json_text.h"
#include "common/geo/region_code.h"
#include "common/status/status_macros.h"
#include "nlohmann/json.hpp"

namespace gridcase::geo {
namespace {

// "an array", "a number", "null": the JSON type of `value` for a message.
std::string TypeOf(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  const absl::string_view name = value.type_name();
  const bool vowel = name[0] == 'a' || name[0] == 'o';
  return absl::StrCat(vowel ? "an " : "a ", name);
}

// What could be read of one feature.
struct FeatureFields {
  // Set when the feature is not a Feature object (INVALID_FEATURE).
  std::string invalid_feature;
  // Each property: the string value if it is a non-empty string; else
  // `problem` says what is wrong ("is missing", "is a number, not a string").
  struct Property {
    std::optional<std::string> value;
    std::string problem;
  };
  Property code;
  Property name;
  Property level;
  Property parent;
  // Parsed level, if level.value is one of the four names.
  std::optional<v1::RegionLevel> parsed_level;
  // The geometry member, or nullptr when missing or null.
  const nlohmann::json* geometry = nullptr;
};

// `properties` is nullptr when the member is missing; JSON null or a
// non-object reads as every property missing.
FeatureFields::Property ReadProperty(const nlohmann::json* properties,
                                     const char* key) {
  FeatureFields::Property property;
  if (properties == nullptr || !properties->is_object()) {
    property.problem = "is missing";
    return property;
  }
  const auto it = properties->find(key);
  if (it == properties->end()) {
    property.problem = "is missing";
  } else if (it->is_null()) {
    property.problem = "is null";
  } else if (!it->is_string()) {
    property.problem = absl::StrCat("is ", TypeOf(*it), ", not a string");
  } else if (it->get_ref<const std::string&>().empty()) {
    property.problem = "is empty";
  } else {
    property.value = it->get<std::string>();
  }
  return property;
}

FeatureFields ReadFeature(const nlohmann::json& feature) {
  FeatureFields fields;
  if (!feature.is_object()) {
    fields.invalid_feature =
        absl::StrCat("feature is ", TypeOf(feature), ", not an object");
    return fields;
  }
  const auto properties_it = feature.find("properties");
  const nlohmann::json* properties =
      properties_it == feature.end() ? nullptr : &*properties_it;
  // Read the code first, so that even an invalid feature is named.
  fields.code = ReadProperty(properties, "code");

  const auto type = feature.find("type");
  if (type == feature.end()) {
    fields.invalid_feature = "\"type\" is missing, expected \"Feature\"";
    return fields;
  }
  if (!type->is_string() || type->get_ref<const std::string&>() != "Feature") {
    fields.invalid_feature =
        absl::StrCat("\"type\" is ", type->dump(), ", expected \"Feature\"");
    return fields;
  }
  if (properties != nullptr && !properties->is_object() &&
      !properties->is_null()) {
    fields.invalid_feature = absl::StrCat(
        "\"properties\" is ", TypeOf(*properties), ", not an object");
    return fields;
  }
  fields.name = ReadProperty(properties, "name");
  fields.level = ReadProperty(properties, "level");
  fields.parent = ReadProperty(properties, "parent");
  if (fields.level.value) {
    fields.parsed_level = ParseLevelName(*fields.level.value);
  }
  const auto geometry = feature.find("geometry");
  if (geometry != feature.end() && !geometry->is_null()) {
    fields.geometry = &*geometry;
  }
  return fields;
}

bool NeedsParent(const FeatureFields& fields) {
  return fields.parsed_level.has_value() &&
         *fields.parsed_level != v1::REGION_LEVEL_CITY;
}

// Where a parent code was found, and its level if known.
struct ParentLookup {
  bool found = false;
  std::optional<v1::RegionLevel> level;
};

// Collects the rejections of one feature into the plan's list.
class FeatureRejections final {
 public:
  FeatureRejections(int index, std::string code,
                    std::vector<v1::FeatureRejection>& out)
      : index_(index), code_(std::move(code)), out_(out) {}

  void Add(v1::FeatureRejectionReason reason, std::string message) {
    v1::FeatureRejection& rejection = out_.emplace_back();
    rejection.set_feature_index(index_);
    rejection.set_code(code_);
    rejection.set_reason(reason);
    rejection.set_message(std::move(message));
    ++count_;
  }

  bool any() const { return count_ > 0; }

 private:
  const int index_;
  const std::string code_;
  std::vector<v1::FeatureRejection>& out_;
  int count_ = 0;
};

// Checks features one by one against each other and the registry.
class FeatureChecker final {
 public:
  FeatureChecker(const std::vector<FeatureFields>& features,
                 const ExistingRegions& existing)
      : features_(features), existing_(existing) {
    for (std::size_t i = 0; i < features_.size(); ++i) {
      const FeatureFields& fields = features_[i];
      if (!fields.code.value) continue;
      const std::string& code = *fields.code.value;
      indices_by_code_[code].push_back(static_cast<int>(i));
      std::optional<v1::RegionLevel> level = fields.parsed_level;
      if (!level) level = LevelOfCode(code);
      auto [it, inserted] = level_in_file_.try_emplace(code, level);
      if (!inserted && !it->second) it->second = level;
    }
  }

  // Appends the rejections of feature `index` to `out`; returns the accepted
  // region if there were none.
  std::optional<ImportedRegion> Check(int index,
                                      std::vector<v1::FeatureRejection>& out) {
    const FeatureFields& fields = features_[index];
    FeatureRejections rejections(index, fields.code.value.value_or(""), out);
    if (!fields.invalid_feature.empty()) {
      rejections.Add(v1::FEATURE_REJECTION_REASON_INVALID_FEATURE,
                     fields.invalid_feature);
      return std::nullopt;
    }
    CheckProperties(fields, rejections);
    CheckLevelAndCode(fields, rejections);
    CheckDuplicate(index, fields, rejections);
    ParsedGeometry geometry = CheckGeometry(fields, rejections);
    CheckParent(fields, rejections);
    if (rejections.any()) return std::nullopt;

    ImportedRegion region;
    region.feature_index = index;
    region.code = *fields.code.value;
    region.name = *fields.name.value;
    region.level = *fields.parsed_level;
    if (NeedsParent(fields)) region.parent_code = *fields.parent.value;
    if (region.level == v1::REGION_LEVEL_GRID) {
      region.shape = std::move(geometry.shape);
      region.geometry_geojson = ToGeoJsonText(region.shape);
      region.centroid = Centroid(region.shape);
    }
    return region;
  }

 private:
  // MISSING_PROPERTY, naming every property that is wrong.
  static void CheckProperties(const FeatureFields& fields,
                              FeatureRejections& rejections) {
    const std::pair<const char*, const FeatureFields::Property*> required[] = {
        {"code", &fields.code},
        {"name", &fields.name},
        {"level", &fields.level},
        {"parent", NeedsParent(fields) ? &fields.parent : nullptr}};
    std::vector<std::string> problems;
    for (const auto& [key, property] : required) {
      if (property != nullptr && !property->value) {
        problems.push_back(absl::StrCat("\"", key, "\" ", property->problem));
      }
    }
    if (!problems.empty()) {
      rejections.Add(
          v1::FEATURE_REJECTION_REASON_MISSING_PROPERTY,
          absl::StrCat("property ", absl::StrJoin(problems, ", property ")));
    }
  }

  // INVALID_LEVEL; INVALID_CODE (digits for the level, parent's prefix).
  static void CheckLevelAndCode(const FeatureFields& fields,
                                FeatureRejections& rejections) {
    if (fields.level.value && !fields.parsed_level) {
      rejections.Add(v1::FEATURE_REJECTION_REASON_INVALID_LEVEL,
                     absl::StrCat("level \"", *fields.level.value,
                                  "\" is not one of city, town, community, "
                                  "grid"));
    }
    if (!fields.code.value || !fields.parsed_level) return;
    const std::string& code = *fields.code.value;
    const v1::RegionLevel level = *fields.parsed_level;
    if (LevelOfCode(code) != level) {
      rejections.Add(
          v1::FEATURE_REJECTION_REASON_INVALID_CODE,
          absl::StrCat("code \"", code, "\" is not ", CodeLength(level),
                       " digits as a ", LevelName(level), " code must be"));
    } else if (NeedsParent(fields) && fields.parent.value &&
               !absl::StartsWith(code, *fields.parent.value)) {
      rejections.Add(
          v1::FEATURE_REJECTION_REASON_INVALID_CODE,
          absl::StrCat("code ", code, " does not start with its parent's code ",
                       *fields.parent.value));
    }
  }

  // DUPLICATE_CODE, naming the other features with the code.
  void CheckDuplicate(int index, const FeatureFields& fields,
                      FeatureRejections& rejections) const {
    if (!fields.code.value) return;
    const std::vector<int>& same_code = indices_by_code_.at(*fields.code.value);
    if (same_code.size() < 2) return;
    std::vector<std::string> others;
    for (int other : same_code) {
      if (other != index) {
        others.push_back(absl::StrCat("feature[", other, "]"));
      }
    }
    rejections.Add(
        v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE,
        absl::StrCat("code ", *fields.code.value, " is also used by ",
                     absl::StrJoin(others, ", ")));
  }

  // MISSING_GEOMETRY and the geometry reasons, for grids and for features of
  // unknown level that have a geometry. Returns the parsed geometry.
  static ParsedGeometry CheckGeometry(const FeatureFields& fields,
                                      FeatureRejections& rejections) {
    const bool is_grid = fields.parsed_level == v1::REGION_LEVEL_GRID;
    if (is_grid && fields.geometry == nullptr) {
      rejections.Add(v1::FEATURE_REJECTION_REASON_MISSING_GEOMETRY,
                     "a grid needs a Polygon or MultiPolygon geometry; it is "
                     "missing or null");
      return {};
    }
    // The geometry of a city, town or community is ignored.
    const bool level_may_have_polygon = is_grid || !fields.parsed_level;
    if (fields.geometry == nullptr || !level_may_have_polygon) return {};
    ParsedGeometry geometry = ParseGeoJsonGeometry(*fields.geometry);
    if (!geometry.ok()) {
      rejections.Add(geometry.rejection->reason, geometry.rejection->message);
    }
    return geometry;
  }

  // UNKNOWN_PARENT; PARENT_LEVEL_MISMATCH.
  void CheckParent(const FeatureFields& fields,
                   FeatureRejections& rejections) const {
    if (!NeedsParent(fields) || !fields.parent.value) return;
    const std::string& parent = *fields.parent.value;
    const v1::RegionLevel level = *fields.parsed_level;
    const ParentLookup lookup = LookUpParent(parent);
    if (!lookup.found) {
      rejections.Add(v1::FEATURE_REJECTION_REASON_UNKNOWN_PARENT,
                     absl::StrCat("parent ", parent,
                                  " is neither in the file nor in the "
                                  "registry"));
    } else if (lookup.level && *lookup.level != ParentLevel(level)) {
      rejections.Add(
          v1::FEATURE_REJECTION_REASON_PARENT_LEVEL_MISMATCH,
          absl::StrCat("parent ", parent, " is a ", LevelName(*lookup.level),
                       "; the parent of a ", LevelName(level), " must be a ",
                       LevelName(ParentLevel(level))));
    }
  }

  // The file wins over the registry: its regions are about to be upserted.
  ParentLookup LookUpParent(const std::string& parent) const {
    ParentLookup lookup;
    if (const auto it = level_in_file_.find(parent);
        it != level_in_file_.end()) {
      lookup.found = true;
      lookup.level = it->second;
    } else if (existing_) {
      lookup.level = existing_(parent);
      lookup.found = lookup.level.has_value();
    }
    return lookup;
  }

  const std::vector<FeatureFields>& features_;
  const ExistingRegions& existing_;
  // Feature indices by code, for DUPLICATE_CODE.
  std::map<std::string, std::vector<int>> indices_by_code_;
  // Codes in the file and their level (declared, else from the code's
  // length; nullopt if neither is readable).
  std::map<std::string, std::optional<v1::RegionLevel>> level_in_file_;
};

absl::Status NotAFeatureCollection(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("geojson is not a GeoJSON FeatureCollection: ", why));
}

}  // namespace

absl::StatusOr<ImportPlan> ParseFeatureCollection(
    absl::string_view geojson, const ExistingRegions& existing) {
  ASSIGN_OR_RETURN(const nlohmann::json root,
                   ParseJsonText(geojson, "geojson"));
  if (!root.is_object()) {
    return NotAFeatureCollection(absl::StrCat("the top-level value is ",
                                              TypeOf(root), ", not an object"));
  }
  const auto type = root.find("type");
  if (type == root.end() || !type->is_string() ||
      type->get_ref<const std::string&>() != "FeatureCollection") {
    return NotAFeatureCollection(absl::StrCat(
        "\"type\" is ", type == root.end() ? "missing" : type->dump(),
        ", expected \"FeatureCollection\""));
  }
  const auto features = root.find("features");
  if (features == root.end() || !features->is_array()) {
    return NotAFeatureCollection("\"features\" is missing or not an array");
  }

  std::vector<FeatureFields> fields;
  fields.reserve(features->size());
  for (const nlohmann::json& feature : *features) {
    fields.push_back(ReadFeature(feature));
  }
  ImportPlan plan;
  plan.feature_count = static_cast<int>(fields.size());
  FeatureChecker checker(fields, existing);
  for (int i = 0; i < plan.feature_count; ++i) {
    if (std::optional<ImportedRegion> region =
            checker.Check(i, plan.rejections)) {
      plan.regions.push_back(std::move(*region));
    }
  }
  return plan;
}

std::string FormatRejections(
    const std::vector<v1::FeatureRejection>& rejections, int max_listed) {
  std::string text;
  const int listed = std::min<int>(rejections.size(), std::max(max_listed, 0));
  for (int i = 0; i < listed; ++i) {
    const v1::FeatureRejection& rejection = rejections[i];
    absl::StrAppend(&text, i == 0 ? "" : "; ", "feature[",
                    rejection.feature_index(), "]",
                    rejection.code().empty() ? "" : " ", rejection.code(), ": ",
                    ReasonName(rejection.reason()), ": ", rejection.message());
  }
  if (static_cast<int>(rejections.size()) > listed) {
    absl::StrAppend(&text, listed == 0 ? "" : "; ", "... and ",
                    rejections.size() - listed, " more");
  }
  return text;
}

}  // namespace gridcase::geo
