#include "common/geo/region_code.h"

#include "absl/strings/ascii.h"

namespace gridcase::geo {

int CodeLength(v1::RegionLevel level) {
  switch (level) {
    case v1::REGION_LEVEL_CITY:
      return 6;
    case v1::REGION_LEVEL_TOWN:
      return 9;
    case v1::REGION_LEVEL_COMMUNITY:
      return 12;
    case v1::REGION_LEVEL_GRID:
      return 15;
    default:
      return 0;
  }
}

std::optional<v1::RegionLevel> LevelOfCode(absl::string_view code) {
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  for (v1::RegionLevel level :
       {v1::REGION_LEVEL_CITY, v1::REGION_LEVEL_TOWN,
        v1::REGION_LEVEL_COMMUNITY, v1::REGION_LEVEL_GRID}) {
    if (static_cast<int>(code.size()) == CodeLength(level)) return level;
  }
  return std::nullopt;
}

v1::RegionLevel ParentLevel(v1::RegionLevel level) {
  switch (level) {
    case v1::REGION_LEVEL_TOWN:
      return v1::REGION_LEVEL_CITY;
    case v1::REGION_LEVEL_COMMUNITY:
      return v1::REGION_LEVEL_TOWN;
    case v1::REGION_LEVEL_GRID:
      return v1::REGION_LEVEL_COMMUNITY;
    default:
      return v1::REGION_LEVEL_UNSPECIFIED;
  }
}

absl::string_view LevelName(v1::RegionLevel level) {
  switch (level) {
    case v1::REGION_LEVEL_CITY:
      return "city";
    case v1::REGION_LEVEL_TOWN:
      return "town";
    case v1::REGION_LEVEL_COMMUNITY:
      return "community";
    case v1::REGION_LEVEL_GRID:
      return "grid";
    default:
      return "unspecified";
  }
}

std::optional<v1::RegionLevel> ParseLevelName(absl::string_view name) {
  for (v1::RegionLevel level :
       {v1::REGION_LEVEL_CITY, v1::REGION_LEVEL_TOWN,
        v1::REGION_LEVEL_COMMUNITY, v1::REGION_LEVEL_GRID}) {
    if (name == LevelName(level)) return level;
  }
  return std::nullopt;
}

}  // namespace gridcase::geo
