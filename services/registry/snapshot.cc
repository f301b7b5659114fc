#include "services/registry/snapshot.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/calendar/calendar_proto.h"
#include "common/geo/geojson_geometry.h"
#include "common/geo/geometry.h"
#include "common/privacy/mask.h"

namespace gridcase::registry {

v1::Region WithoutGeometry(const v1::Region& region) {
  v1::Region out = region;
  out.clear_geometry_geojson();
  return out;
}

v1::Member PublicMember(const v1::Member& member) {
  v1::Member out = member;
  out.set_phone_masked(privacy::MaskContact(member.phone()));
  out.clear_phone();
  return out;
}

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> RegistrySnapshot::Build(
    RegistryData data) {
  std::shared_ptr<RegistrySnapshot> s(new RegistrySnapshot());
  s->versions_ = data.versions;
  s->updated_at_ = data.updated_at;

  // Grid shapes, by code, for the indexes and the centroids.
  std::map<std::string, geo::MultiPolygon> shapes;
  for (v1::Region& region : data.regions) {
    if (region.level() == v1::REGION_LEVEL_GRID) {
      absl::StatusOr<geo::MultiPolygon> shape =
          geo::ParseGeoJsonText(region.geometry_geojson());
      if (!shape.ok()) {
        return absl::DataLossError(
            absl::StrCat("registry: stored geometry of grid ", region.code(),
                         " does not parse: ", shape.status().message()));
      }
      *region.mutable_centroid() = geo::Centroid(*shape);
      shapes.emplace(region.code(), *std::move(shape));
    }
    std::string code = region.code();
    s->regions_.emplace(std::move(code), std::move(region));
  }
  s->grid_count_ = static_cast<int>(shapes.size());

  // Centroids of cities, towns and communities from their grids.
  for (auto& [code, region] : s->regions_) {
    if (region.level() == v1::REGION_LEVEL_GRID) continue;
    std::vector<const geo::MultiPolygon*> parts;
    for (auto it = shapes.lower_bound(code);
         it != shapes.end() && it->first.compare(0, code.size(), code) == 0;
         ++it) {
      parts.push_back(&it->second);
    }
    if (std::optional<v1::GeoPoint> c = geo::CombinedCentroid(parts)) {
      *region.mutable_centroid() = *c;
    }
  }

  std::vector<geo::GridShape> grids;
  for (auto& [code, shape] : shapes) {
    grids.push_back({code, std::move(shape)});
  }
  s->index_ = geo::GridIndex(std::move(grids));

  for (v1::Member& m : data.members) {
    std::string id = m.id();
    s->members_.emplace(std::move(id), std::move(m));
  }
  for (v1::Department& d : data.departments) {
    std::string id = d.id();
    s->departments_.emplace(std::move(id), std::move(d));
  }
  for (v1::Category& c : data.categories) {
    std::string code = c.code();
    s->categories_.emplace(std::move(code), std::move(c));
  }
  for (v1::Rule& r : data.rules) {
    std::string id = r.id();
    s->rules_.emplace(std::move(id), std::move(r));
  }
  for (v1::DutyItem& d : data.duties) {
    std::string code = d.code();
    s->duties_.emplace(std::move(code), std::move(d));
  }
  for (const auto& [id, rule] : s->rules_) {
    s->rules_by_category_[rule.category_code()].push_back(&rule);
  }
  s->calendar_ = data.calendar.has_value() ? *std::move(data.calendar)
                                           : calendar::DefaultCalendarProto();
  s->working_calendar_ = calendar::SharedFromProto(s->calendar_);
  return std::shared_ptr<const RegistrySnapshot>(std::move(s));
}

const v1::Region* RegistrySnapshot::FindRegion(const std::string& code) const {
  auto it = regions_.find(code);
  return it == regions_.end() ? nullptr : &it->second;
}

std::optional<std::string> RegistrySnapshot::Locate(double latitude,
                                                    double longitude) const {
  return index_.Locate(latitude, longitude);
}

std::optional<v1::LocateGridResponse> RegistrySnapshot::LocateResponse(
    double latitude, double longitude) const {
  std::optional<std::string> grid = Locate(latitude, longitude);
  if (!grid.has_value()) return std::nullopt;
  v1::LocateGridResponse out;
  v1::Region* slots[] = {out.mutable_city(), out.mutable_town(),
                         out.mutable_community(), out.mutable_grid()};
  size_t lengths[] = {6, 9, 12, 15};
  for (int i = 0; i < 4; ++i) {
    const v1::Region* region = FindRegion(grid->substr(0, lengths[i]));
    if (region != nullptr) *slots[i] = WithoutGeometry(*region);
  }
  out.set_registry_version(versions_.registry);
  return out;
}

bool RegistrySnapshot::InHole(double latitude, double longitude) const {
  return index_.HoleContaining(latitude, longitude).has_value();
}

const std::vector<const v1::Rule*>& RegistrySnapshot::RulesOf(
    const std::string& category) const {
  static const auto* none = new std::vector<const v1::Rule*>();
  auto it = rules_by_category_.find(category);
  return it == rules_by_category_.end() ? *none : it->second;
}

}  // namespace gridcase::registry
