// Fuzz target: ImportGrids' GeoJSON validation on arbitrary text. It must
// never crash or hang; a plan or an INVALID_ARGUMENT are both fine.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/geo/geojson_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto existing =
      [](const std::string& code) -> std::optional<gridcase::v1::RegionLevel> {
    if (code == "330483") return gridcase::v1::REGION_LEVEL_CITY;
    return std::nullopt;
  };
  auto plan = gridcase::geo::ParseFeatureCollection(text, existing);
  if (plan.ok()) (void)gridcase::geo::FormatRejections(plan->rejections);
  return 0;
}
