// Small, hand-made registry data for the registry's unit tests: one city,
// one town, two communities and four square grids (one with a hole), a few
// departments, categories and rules.
#ifndef GRIDCASE_SERVICES_REGISTRY_REGISTRY_TEST_DATA_H_
#define GRIDCASE_SERVICES_REGISTRY_REGISTRY_TEST_DATA_H_

#include <string>

#include "gridcase/v1/registry.pb.h"
#include "services/registry/registry_store.h"

namespace gridcase::registry::testdata {

inline constexpr char kCity[] = "330483";
inline constexpr char kTown[] = "330483101";
inline constexpr char kCommunityA[] = "330483101001";
inline constexpr char kCommunityB[] = "330483101002";
// Grids are 0.01° squares from lng 120.50 (west) eastwards, lat 30.60-30.61:
// A1 [120.50,120.51], A2 [120.51,120.52] (with a hole around 120.515,
// 30.605), B1 [120.52,120.53], B2 [120.53,120.54].
inline constexpr char kGridA1[] = "330483101001001";
inline constexpr char kGridA2[] = "330483101001002";
inline constexpr char kGridB1[] = "330483101002001";
inline constexpr char kGridB2[] = "330483101002002";

// The FeatureCollection with all of the above.
std::string GridsGeoJson();

// The same regions as RegistryData (geometry included), plus departments
// "sanitation" and "municipal", categories E0101 (5 h) and C0101 (24 h) and
// no rules.
RegistryData BaseData();

// A category with a HANDLE limit of `hours` working hours.
v1::Category MakeCategory(const std::string& code, int hours);
v1::Department MakeDepartment(const std::string& id, bool active = true);
v1::Rule MakeRule(const std::string& id, const std::string& category,
                  const std::string& scope, const std::string& department,
                  int priority = 0);

}  // namespace gridcase::registry::testdata

#endif  // GRIDCASE_SERVICES_REGISTRY_REGISTRY_TEST_DATA_H_
