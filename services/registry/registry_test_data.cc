#include "services/registry/registry_test_data.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gridcase::registry::testdata {
namespace {

std::string Square(double west, double south, double east, double north) {
  return absl::StrFormat("[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]", west,
                         south, east, south, east, north, west, north, west,
                         south);
}

std::string Feature(const std::string& code, const std::string& name,
                    const std::string& level, const std::string& parent,
                    const std::string& geometry) {
  return absl::StrCat(
      R"({"type":"Feature","properties":{"code":")", code, R"(","name":")",
      name, R"(","level":")", level, "\"",
      parent.empty() ? "" : absl::StrCat(R"(,"parent":")", parent, "\""),
      R"(},"geometry":)", geometry, "}");
}

std::string Polygon(const std::string& rings) {
  return absl::StrCat(R"({"type":"Polygon","coordinates":[)", rings, "]}");
}

}  // namespace

std::string GridsGeoJson() {
  // The hole of A2 is wound clockwise, the shells counter-clockwise.
  std::string hole =
      "[[120.514,30.604],[120.514,30.606],[120.516,30.606],[120.516,30.604],"
      "[120.514,30.604]]";
  return absl::StrCat(
      R"({"type":"FeatureCollection","features":[)",
      Feature(kCity, "桐乡市", "city", "", "null"), ",",
      Feature(kTown, "测试镇", "town", kCity, "null"), ",",
      Feature(kCommunityA, "甲社区", "community", kTown, "null"), ",",
      Feature(kCommunityB, "乙社区", "community", kTown, "null"), ",",
      Feature(kGridA1, "甲社区第1网格", "grid", kCommunityA,
              Polygon(Square(120.50, 30.60, 120.51, 30.61))),
      ",",
      Feature(kGridA2, "甲社区第2网格", "grid", kCommunityA,
              Polygon(absl::StrCat(Square(120.51, 30.60, 120.52, 30.61), ",",
                                   hole))),
      ",",
      Feature(kGridB1, "乙社区第1网格", "grid", kCommunityB,
              Polygon(Square(120.52, 30.60, 120.53, 30.61))),
      ",",
      Feature(kGridB2, "乙社区第2网格", "grid", kCommunityB,
              Polygon(Square(120.53, 30.60, 120.54, 30.61))),
      "]}");
}

RegistryData BaseData() {
  RegistryData data;
  auto region = [&](const std::string& code, v1::RegionLevel level,
                    const std::string& parent, const std::string& geometry) {
    v1::Region r;
    r.set_code(code);
    r.set_name(absl::StrCat("区域", code));
    r.set_level(level);
    r.set_parent_code(parent);
    r.set_geometry_geojson(geometry);
    data.regions.push_back(r);
  };
  region(kCity, v1::REGION_LEVEL_CITY, "", "");
  region(kTown, v1::REGION_LEVEL_TOWN, kCity, "");
  region(kCommunityA, v1::REGION_LEVEL_COMMUNITY, kTown, "");
  region(kCommunityB, v1::REGION_LEVEL_COMMUNITY, kTown, "");
  region(kGridA1, v1::REGION_LEVEL_GRID, kCommunityA,
         Polygon(Square(120.50, 30.60, 120.51, 30.61)));
  region(kGridA2, v1::REGION_LEVEL_GRID, kCommunityA,
         Polygon(Square(120.51, 30.60, 120.52, 30.61)));
  region(kGridB1, v1::REGION_LEVEL_GRID, kCommunityB,
         Polygon(Square(120.52, 30.60, 120.53, 30.61)));
  region(kGridB2, v1::REGION_LEVEL_GRID, kCommunityB,
         Polygon(Square(120.53, 30.60, 120.54, 30.61)));
  data.departments = {MakeDepartment("sanitation"),
                      MakeDepartment("municipal")};
  data.categories = {MakeCategory("E0101", 5), MakeCategory("C0101", 24)};
  return data;
}

v1::Category MakeCategory(const std::string& code, int hours) {
  v1::Category c;
  c.set_code(code);
  c.set_family(code[0] == 'C' ? v1::CATEGORY_FAMILY_COMPONENT
                              : v1::CATEGORY_FAMILY_EVENT);
  c.set_major_code(code.substr(0, 3));
  c.set_major_name("市容环境");
  c.set_minor_code(code.substr(3));
  c.set_name(absl::StrCat("类别", code));
  c.set_enabled(true);
  v1::StageLimit* handle = c.add_limits();
  handle->set_stage(v1::STAGE_HANDLE);
  handle->mutable_limit()->set_amount(hours);
  handle->mutable_limit()->set_unit(v1::TIME_UNIT_WORKING_HOURS);
  return c;
}

v1::Department MakeDepartment(const std::string& id, bool active) {
  v1::Department d;
  d.set_id(id);
  d.set_name(absl::StrCat("部门", id));
  d.set_kind(v1::DEPARTMENT_KIND_DEPARTMENT);
  d.set_active(active);
  return d;
}

v1::Rule MakeRule(const std::string& id, const std::string& category,
                  const std::string& scope, const std::string& department,
                  int priority) {
  v1::Rule r;
  r.set_id(id);
  r.set_category_code(category);
  r.set_scope_code(scope);
  r.set_department_id(department);
  r.set_priority(priority);
  return r;
}

}  // namespace gridcase::registry::testdata
