// Region codes and levels of the grid hierarchy city → town → community →
// grid: the 6/9/12/15-digit code practice (6 administrative digits, then 3
// each for town, community and grid) and the level names used in GeoJSON
// feature properties ("city", "town", "community", "grid").
#ifndef GRIDCASE_COMMON_GEO_REGION_CODE_H_
#define GRIDCASE_COMMON_GEO_REGION_CODE_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::geo {

// Number of digits of a code at `level`: 6, 9, 12 or 15; 0 for UNSPECIFIED.
int CodeLength(v1::RegionLevel level);

// The level a code belongs to, from its length, if it is 6, 9, 12 or 15 ASCII
// digits; nullopt otherwise.
std::optional<v1::RegionLevel> LevelOfCode(absl::string_view code);

// The level one step up (GRID → COMMUNITY, …); UNSPECIFIED for CITY.
v1::RegionLevel ParentLevel(v1::RegionLevel level);

// "city", "town", "community" or "grid"; "unspecified" for UNSPECIFIED.
absl::string_view LevelName(v1::RegionLevel level);

// The level named "city", "town", "community" or "grid" (exact, lower case);
// nullopt for anything else.
std::optional<v1::RegionLevel> ParseLevelName(absl::string_view name);

}  // namespace gridcase::geo

#endif  // GRIDCASE_COMMON_GEO_REGION_CODE_H_
