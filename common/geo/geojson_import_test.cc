#include "common/geo/geojson_import.h"

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/geo/geojson_geometry.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gridcase::geo {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;

using json = nlohmann::json;

constexpr char kCity[] = "330483";
constexpr char kTown[] = "330483001";
constexpr char kCommunity[] = "330483001001";
constexpr char kGrid[] = "330483001001001";
constexpr char kGrid2[] = "330483001001002";

// A 0.01° square whose south-west corner is (lng, lat).
json Square(double lng, double lat) {
  return {{"type", "Polygon"},
          {"coordinates",
           {{{lng, lat},
             {lng + 0.01, lat},
             {lng + 0.01, lat + 0.01},
             {lng, lat + 0.01},
             {lng, lat}}}}};
}

json Feature(json properties, json geometry = nullptr) {
  return {{"type", "Feature"},
          {"properties", std::move(properties)},
          {"geometry", std::move(geometry)}};
}

json Region(const std::string& code, const std::string& level,
            const std::string& parent, json geometry = nullptr) {
  json properties = {{"code", code}, {"name", "区域" + code}, {"level", level}};
  if (!parent.empty()) properties["parent"] = parent;
  return Feature(std::move(properties), std::move(geometry));
}

json GridFeature(const std::string& code, const std::string& parent,
                 double lng = 120.50) {
  return Region(code, "grid", parent, Square(lng, 30.60));
}

std::string Collection(const std::vector<json>& features) {
  return json{{"type", "FeatureCollection"}, {"features", features}}.dump();
}

ExistingRegions Registry(std::map<std::string, v1::RegionLevel> regions) {
  return [regions = std::move(regions)](
             const std::string& code) -> std::optional<v1::RegionLevel> {
    auto it = regions.find(code);
    if (it == regions.end()) return std::nullopt;
    return it->second;
  };
}

MATCHER_P4(IsRejection, index, code, reason, message_matcher, "") {
  *result_listener << "feature[" << arg.feature_index() << "] " << arg.code()
                   << ": " << ReasonName(arg.reason()) << ": " << arg.message();
  return arg.feature_index() == index && arg.code() == code &&
         arg.reason() == reason &&
         ::testing::ExplainMatchResult(message_matcher, arg.message(),
                                       result_listener);
}

TEST(ParseFeatureCollection, AcceptsHierarchyInAnyOrder) {
  // Children before their parents, as a GIS export may list them.
  ASSERT_OK_AND_ASSIGN(
      const ImportPlan plan,
      ParseFeatureCollection(
          Collection({GridFeature(kGrid, kCommunity),
                      GridFeature(kGrid2, kCommunity, 120.51),
                      Region(kCommunity, "community", kTown),
                      Region(kTown, "town", kCity), Region(kCity, "city", "")}),
          Registry({})));
  EXPECT_TRUE(plan.ok());
  EXPECT_THAT(plan.rejections, IsEmpty());
  EXPECT_EQ(plan.feature_count, 5);
  ASSERT_EQ(plan.regions.size(), 5u);

  const ImportedRegion& grid = plan.regions[0];
  EXPECT_EQ(grid.feature_index, 0);
  EXPECT_EQ(grid.code, kGrid);
  EXPECT_EQ(grid.name, std::string("区域") + kGrid);
  EXPECT_EQ(grid.level, v1::REGION_LEVEL_GRID);
  EXPECT_EQ(grid.parent_code, kCommunity);
  EXPECT_EQ(grid.shape.size(), 1u);
  ASSERT_TRUE(grid.centroid.has_value());
  EXPECT_NEAR(grid.centroid->latitude(), 30.605, 1e-9);
  EXPECT_NEAR(grid.centroid->longitude(), 120.505, 1e-9);
  EXPECT_EQ(json::parse(grid.geometry_geojson), Square(120.50, 30.60));

  const ImportedRegion& town = plan.regions[3];
  EXPECT_EQ(town.feature_index, 3);
  EXPECT_EQ(town.level, v1::REGION_LEVEL_TOWN);
  EXPECT_EQ(town.parent_code, kCity);
  EXPECT_TRUE(town.shape.empty());
  EXPECT_EQ(town.geometry_geojson, "");
  EXPECT_FALSE(town.centroid.has_value());

  const ImportedRegion& city = plan.regions[4];
  EXPECT_EQ(city.level, v1::REGION_LEVEL_CITY);
  EXPECT_EQ(city.parent_code, "");
}

TEST(ParseFeatureCollection, AcceptsParentsFromTheRegistry) {
  ASSERT_OK_AND_ASSIGN(
      const ImportPlan plan,
      ParseFeatureCollection(
          Collection({GridFeature(kGrid, kCommunity)}),
          Registry({{kCommunity, v1::REGION_LEVEL_COMMUNITY}})));
  EXPECT_THAT(plan.rejections, IsEmpty());
  ASSERT_EQ(plan.regions.size(), 1u);
  EXPECT_EQ(plan.regions[0].parent_code, kCommunity);
}

TEST(ParseFeatureCollection, AcceptsClockwiseExteriorAndNormalisesIt) {
  json clockwise = {{"type", "Polygon"},
                    {"coordinates",
                     {{{120.50, 30.60},
                       {120.50, 30.61},
                       {120.51, 30.61},
                       {120.51, 30.60},
                       {120.50, 30.60}}}}};
  ASSERT_OK_AND_ASSIGN(
      const ImportPlan plan,
      ParseFeatureCollection(
          Collection({Region(kGrid, "grid", kCommunity, clockwise)}),
          Registry({{kCommunity, v1::REGION_LEVEL_COMMUNITY}})));
  EXPECT_THAT(plan.rejections, IsEmpty());
  ASSERT_EQ(plan.regions.size(), 1u);
  // The same ring, reversed to counter-clockwise.
  EXPECT_EQ(json::parse(plan.regions[0].geometry_geojson),
            (json{{"type", "Polygon"},
                  {"coordinates",
                   {{{120.50, 30.60},
                     {120.51, 30.60},
                     {120.51, 30.61},
                     {120.50, 30.61},
                     {120.50, 30.60}}}}}));
}

TEST(ParseFeatureCollection, IgnoresGeometryAboveGridLevel) {
  // A town with a broken outline and a community with none: both fine.
  json bow_tie = {{"type", "Polygon"},
                  {"coordinates",
                   {{{120, 30}, {121, 31}, {121, 30}, {120, 31}, {120, 30}}}}};
  ASSERT_OK_AND_ASSIGN(const ImportPlan plan,
                       ParseFeatureCollection(
                           Collection({Region(kTown, "town", kCity, bow_tie),
                                       Region(kCommunity, "community", kTown)}),
                           Registry({{kCity, v1::REGION_LEVEL_CITY}})));
  EXPECT_THAT(plan.rejections, IsEmpty());
  ASSERT_EQ(plan.regions.size(), 2u);
  EXPECT_TRUE(plan.regions[0].shape.empty());
  EXPECT_EQ(plan.regions[0].geometry_geojson, "");
}

TEST(ParseFeatureCollection, KeepsChildOfRejectedParent) {
  // The community is rejected (no name) but is "in the file", so its grid
  // is accepted; nothing is stored anyway while there is a rejection.
  json community = Region(kCommunity, "community", kTown);
  community["properties"].erase("name");
  ASSERT_OK_AND_ASSIGN(
      const ImportPlan plan,
      ParseFeatureCollection(
          Collection({community, GridFeature(kGrid, kCommunity)}),
          Registry({{kTown, v1::REGION_LEVEL_TOWN}})));
  EXPECT_THAT(plan.rejections,
              ElementsAre(IsRejection(
                  0, kCommunity, v1::FEATURE_REJECTION_REASON_MISSING_PROPERTY,
                  HasSubstr(R"("name" is missing)"))));
  ASSERT_EQ(plan.regions.size(), 1u);
  EXPECT_EQ(plan.regions[0].code, kGrid);
}

struct RejectionCase {
  std::string name;
  std::vector<json> features;
  // Expected rejections, in order.
  std::vector<Matcher<const v1::FeatureRejection&>> rejections;
};

class FeatureRejectionTest : public ::testing::TestWithParam<RejectionCase> {};

TEST_P(FeatureRejectionTest, RejectsWithReason) {
  const RejectionCase& test = GetParam();
  // The registry holds the city, a town and a community.
  ASSERT_OK_AND_ASSIGN(
      const ImportPlan plan,
      ParseFeatureCollection(
          Collection(test.features),
          Registry({{kCity, v1::REGION_LEVEL_CITY},
                    {kTown, v1::REGION_LEVEL_TOWN},
                    {kCommunity, v1::REGION_LEVEL_COMMUNITY}})));
  EXPECT_THAT(plan.rejections, ElementsAreArray(test.rejections)) << test.name;
  EXPECT_FALSE(plan.ok());
  EXPECT_EQ(plan.feature_count, static_cast<int>(test.features.size()));
}

json WithProperty(json feature, const std::string& key, json value) {
  feature["properties"][key] = std::move(value);
  return feature;
}

json WithoutProperty(json feature, const std::string& key) {
  feature["properties"].erase(key);
  return feature;
}

json WithType(json feature, const std::string& type) {
  feature["type"] = type;
  return feature;
}

json WithGeometry(json feature, json geometry) {
  feature["geometry"] = std::move(geometry);
  return feature;
}

json ValidGrid() { return GridFeature(kGrid, kCommunity); }

INSTANTIATE_TEST_SUITE_P(
    Reasons, FeatureRejectionTest,
    ::testing::Values(
        RejectionCase{
            "feature is an array",
            {ValidGrid(), json::array({1, 2})},
            {IsRejection(1, "", v1::FEATURE_REJECTION_REASON_INVALID_FEATURE,
                         "feature is an array, not an object")}},
        RejectionCase{
            "feature of the wrong type",
            {WithType(GridFeature(kGrid2, kCommunity), "Polygon")},
            {IsRejection(0, kGrid2,
                         v1::FEATURE_REJECTION_REASON_INVALID_FEATURE,
                         R"("type" is "Polygon", expected "Feature")")}},
        RejectionCase{
            "properties not an object",
            {WithGeometry(Feature(json::array({kGrid})), Square(120.5, 30.6))},
            {IsRejection(0, "", v1::FEATURE_REJECTION_REASON_INVALID_FEATURE,
                         R"("properties" is an array, not an object)")}},
        RejectionCase{
            "missing name",
            {WithoutProperty(ValidGrid(), "name")},
            {IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_MISSING_PROPERTY,
                         R"(property "name" is missing)")}},
        RejectionCase{
            "numeric code and empty name",
            {WithProperty(WithProperty(ValidGrid(), "code", 330483001001001),
                          "name", "")},
            {IsRejection(0, "", v1::FEATURE_REJECTION_REASON_MISSING_PROPERTY,
                         R"(property "code" is a number, not a string, )"
                         R"(property "name" is empty)")}},
        RejectionCase{
            "grid without parent",
            {WithoutProperty(ValidGrid(), "parent")},
            {IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_MISSING_PROPERTY,
                         R"(property "parent" is missing)")}},
        RejectionCase{
            "null level",
            {WithProperty(ValidGrid(), "level", nullptr)},
            {IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_MISSING_PROPERTY,
                         R"(property "level" is null)")}},
        RejectionCase{
            "no properties at all",
            {Feature(nullptr, Square(120.5, 30.6))},
            {IsRejection(0, "", v1::FEATURE_REJECTION_REASON_MISSING_PROPERTY,
                         R"(property "code" is missing, property "name" is )"
                         R"(missing, property "level" is missing)")}},
        RejectionCase{
            "level in capitals",
            {WithProperty(ValidGrid(), "level", "Grid")},
            {IsRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_INVALID_LEVEL,
                         R"(level "Grid" is not one of city, town, )"
                         R"(community, grid)")}},
        RejectionCase{
            "grid code of 14 digits",
            {GridFeature("33048300100101", kCommunity)},
            {IsRejection(0, "33048300100101",
                         v1::FEATURE_REJECTION_REASON_INVALID_CODE,
                         R"(code "33048300100101" is not 15 digits as a grid )"
                         R"(code must be)")}},
        RejectionCase{"town code with a letter",
                      {Region("33048300A", "town", kCity)},
                      {IsRejection(0, "33048300A",
                                   v1::FEATURE_REJECTION_REASON_INVALID_CODE,
                                   HasSubstr("is not 9 digits"))}},
        RejectionCase{
            "code not under its parent",
            {Region("330483002001", "community", kTown)},
            {IsRejection(0, "330483002001",
                         v1::FEATURE_REJECTION_REASON_INVALID_CODE,
                         "code 330483002001 does not start with its parent's "
                         "code 330483001")}},
        RejectionCase{
            "grid without geometry",
            {Region(kGrid, "grid", kCommunity)},
            {IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_MISSING_GEOMETRY,
                         HasSubstr("missing or null"))}},
        RejectionCase{
            "grid with a point",
            {WithGeometry(ValidGrid(),
                          {{"type", "Point"}, {"coordinates", {120.5, 30.6}}})},
            {IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_UNSUPPORTED_GEOMETRY,
                         HasSubstr(R"("Point")"))}},
        RejectionCase{
            "grid with an unclosed ring",
            {WithGeometry(ValidGrid(), {{"type", "Polygon"},
                                        {"coordinates",
                                         {{{120.55, 30.62},
                                           {120.57, 30.62},
                                           {120.57, 30.63},
                                           {120.56, 30.62}}}}})},
            {IsRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_UNCLOSED_RING,
                         "polygon 0 ring 0: first position [120.55, 30.62] "
                         "differs from last [120.56, 30.62]")}},
        RejectionCase{
            "grid with a short ring",
            {WithGeometry(ValidGrid(),
                          {{"type", "Polygon"},
                           {"coordinates",
                            {{{120.5, 30.6}, {120.6, 30.6}, {120.5, 30.6}}}}})},
            {IsRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_TOO_FEW_POINTS,
                         HasSubstr("has 3 positions"))}},
        RejectionCase{
            "grid out of range",
            {WithGeometry(ValidGrid(), Square(180, 30.6))},
            {IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
                         AllOf(HasSubstr("position 1: longitude 180.01"),
                               HasSubstr("is outside -180..180")))}},
        RejectionCase{
            "grid crossing itself",
            {WithGeometry(ValidGrid(), {{"type", "Polygon"},
                                        {"coordinates",
                                         {{{120.50, 30.60},
                                           {120.52, 30.62},
                                           {120.52, 30.60},
                                           {120.50, 30.61},
                                           {120.50, 30.60}}}}})},
            {IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_SELF_INTERSECTION,
                         HasSubstr("polygon 0 ring 0 crosses itself"))}},
        RejectionCase{
            "grid with overlapping parts",
            {WithGeometry(ValidGrid(),
                          {{"type", "MultiPolygon"},
                           {"coordinates",
                            {Square(120.50, 30.60)["coordinates"],
                             Square(120.505, 30.605)["coordinates"]}}})},
            {IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_INVALID_GEOMETRY,
                         HasSubstr("polygons 0 and 1 of the MultiPolygon"))}},
        RejectionCase{
            "unknown parent",
            {GridFeature("330483001009001", "330483001009")},
            {IsRejection(0, "330483001009001",
                         v1::FEATURE_REJECTION_REASON_UNKNOWN_PARENT,
                         "parent 330483001009 is neither in the file nor in "
                         "the registry")}},
        RejectionCase{
            "grid under a town of the registry",
            {GridFeature("330483001001009", kTown)},
            {IsRejection(0, "330483001001009",
                         v1::FEATURE_REJECTION_REASON_PARENT_LEVEL_MISMATCH,
                         "parent 330483001 is a town; the parent of a grid "
                         "must be a community")}},
        RejectionCase{
            "grid under a grid of the file",
            {GridFeature("330483001001009", kGrid),
             GridFeature(kGrid, kCommunity, 120.6)},
            {IsRejection(0, "330483001001009",
                         v1::FEATURE_REJECTION_REASON_INVALID_CODE,
                         "code 330483001001009 does not start with its "
                         "parent's code 330483001001001"),
             IsRejection(0, "330483001001009",
                         v1::FEATURE_REJECTION_REASON_PARENT_LEVEL_MISMATCH,
                         "parent 330483001001001 is a grid; the parent of a "
                         "grid must be a community")}},
        RejectionCase{
            "community under a city defined later in the file",
            {Region("330483009001", "community", kCity),
             Region(kCity, "city", "")},
            {IsRejection(0, "330483009001",
                         v1::FEATURE_REJECTION_REASON_PARENT_LEVEL_MISMATCH,
                         "parent 330483 is a city; the parent of a community "
                         "must be a town")}},
        RejectionCase{
            "duplicate code: both sides",
            {GridFeature(kGrid, kCommunity),
             GridFeature(kGrid2, kCommunity, 120.51),
             GridFeature(kGrid, kCommunity, 120.52)},
            {IsRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE,
                         "code 330483001001001 is also used by feature[2]"),
             IsRejection(2, kGrid, v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE,
                         "code 330483001001001 is also used by feature[0]")}},
        RejectionCase{
            "every problem of the file, by feature index",
            {GridFeature(kGrid, "330483001009"),
             WithGeometry(GridFeature(kGrid2, kCommunity), nullptr),
             ValidGrid(),
             WithProperty(GridFeature("33048300100100X", kCommunity), "level",
                          "cell")},
            {IsRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_INVALID_CODE,
                         HasSubstr("does not start with its parent's code")),
             IsRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE,
                         HasSubstr("feature[2]")),
             IsRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_UNKNOWN_PARENT,
                         HasSubstr("parent 330483001009")),
             IsRejection(1, kGrid2,
                         v1::FEATURE_REJECTION_REASON_MISSING_GEOMETRY,
                         HasSubstr("missing or null")),
             IsRejection(2, kGrid, v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE,
                         HasSubstr("feature[0]")),
             IsRejection(3, "33048300100100X",
                         v1::FEATURE_REJECTION_REASON_INVALID_LEVEL,
                         HasSubstr(R"(level "cell")"))}},
        RejectionCase{
            "unknown level still gets its geometry checked",
            {WithProperty(WithGeometry(ValidGrid(), Square(200, 30.6)), "level",
                          "网格")},
            {IsRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_INVALID_LEVEL,
                         HasSubstr(R"(level "网格")")),
             IsRejection(0, kGrid,
                         v1::FEATURE_REJECTION_REASON_COORDINATE_OUT_OF_RANGE,
                         HasSubstr("longitude 200"))}}),
    [](const ::testing::TestParamInfo<RejectionCase>& info) {
      std::string name;
      for (char c : info.param.name) {
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      }
      return name;
    });

TEST(ParseFeatureCollection, RejectsTextThatIsNotJson) {
  const std::string text = R"({"type": "FeatureCollection", "features": [}])";
  EXPECT_THAT(
      ParseFeatureCollection(text, Registry({})),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          AllOf(HasSubstr(absl::StrCat("geojson is not valid JSON at byte ",
                                       text.find('}'), ": ")),
                HasSubstr("parse error at line 1"))));
}

TEST(ParseFeatureCollection, RejectsJsonThatIsNotAFeatureCollection) {
  EXPECT_THAT(ParseFeatureCollection(ValidGrid().dump(), Registry({})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("geojson is not a GeoJSON FeatureCollection: "
                                 R"("type" is "Feature", expected )"
                                 R"("FeatureCollection")")));
  EXPECT_THAT(
      ParseFeatureCollection(R"({"type": "FeatureCollection"})", Registry({})),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(R"("features" is missing or not an array)")));
  EXPECT_THAT(
      ParseFeatureCollection(R"({"type": "FeatureCollection", "features": {}})",
                             Registry({})),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(R"("features" is missing or not an array)")));
  EXPECT_THAT(
      ParseFeatureCollection("[]", Registry({})),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("the top-level value is an array, not an object")));
}

TEST(ParseFeatureCollection, EmptyRegistryFunctionMeansNoExistingRegions) {
  ASSERT_OK_AND_ASSIGN(
      const ImportPlan plan,
      ParseFeatureCollection(Collection({GridFeature(kGrid, kCommunity)}),
                             ExistingRegions()));
  EXPECT_THAT(plan.rejections,
              ElementsAre(IsRejection(
                  0, kGrid, v1::FEATURE_REJECTION_REASON_UNKNOWN_PARENT,
                  HasSubstr("neither in the file nor in the registry"))));
}

v1::FeatureRejection MakeRejection(int index, const std::string& code,
                                   v1::FeatureRejectionReason reason,
                                   const std::string& message) {
  v1::FeatureRejection rejection;
  rejection.set_feature_index(index);
  rejection.set_code(code);
  rejection.set_reason(reason);
  rejection.set_message(message);
  return rejection;
}

TEST(FormatRejections, JoinsAndTruncates) {
  const std::vector<v1::FeatureRejection> rejections = {
      MakeRejection(0, kGrid, v1::FEATURE_REJECTION_REASON_UNCLOSED_RING,
                    "polygon 0 ring 1: first position [120.55, 30.62] differs "
                    "from last [120.56, 30.62]"),
      MakeRejection(3, "", v1::FEATURE_REJECTION_REASON_INVALID_FEATURE,
                    "feature is a string, not an object"),
      MakeRejection(4, kGrid2, v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE,
                    "x"),
      MakeRejection(5, kGrid2, v1::FEATURE_REJECTION_REASON_DUPLICATE_CODE,
                    "y")};
  EXPECT_EQ(FormatRejections(rejections, 2),
            "feature[0] 330483001001001: UNCLOSED_RING: polygon 0 ring 1: "
            "first position [120.55, 30.62] differs from last [120.56, "
            "30.62]; feature[3]: INVALID_FEATURE: feature is a string, not an "
            "object; ... and 2 more");
  EXPECT_EQ(FormatRejections({rejections[2]}),
            "feature[4] 330483001001002: DUPLICATE_CODE: x");
  EXPECT_EQ(FormatRejections(rejections, 0), "... and 4 more");
  EXPECT_EQ(FormatRejections({}), "");
}

}  // namespace
}  // namespace gridcase::geo
