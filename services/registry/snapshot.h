// RegistrySnapshot: an immutable, in-memory copy of all reference data, with
// the grid R-tree, built from RegistryData. Handlers read one snapshot per
// call; a reload builds a new one and swaps it in (SnapshotHolder), so reads
// never wait for writes and never see half an update.
#ifndef GRIDCASE_SERVICES_REGISTRY_SNAPSHOT_H_
#define GRIDCASE_SERVICES_REGISTRY_SNAPSHOT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/calendar/calendar.h"
#include "common/geo/grid_index.h"
#include "gridcase/v1/registry.pb.h"
#include "services/registry/registry_store.h"

namespace gridcase::registry {

// `region` without its polygon (geometry_geojson).
v1::Region WithoutGeometry(const v1::Region& region);

// A member as callers see it: the phone only masked.
v1::Member PublicMember(const v1::Member& member);

class RegistrySnapshot final {
 public:
  // Parses the grids' geometry and builds the index. Fails with DATA_LOSS if
  // a stored geometry no longer parses (it was validated on import).
  static absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> Build(
      RegistryData data);

  const Versions& versions() const { return versions_; }
  absl::Time updated_at() const { return updated_at_; }

  // Regions by code (ascending), with geometry for grids and centroids.
  // WithoutGeometry(region) is what callers get unless they ask for it.
  const std::map<std::string, v1::Region>& regions() const { return regions_; }
  const v1::Region* FindRegion(const std::string& code) const;
  int grid_count() const { return grid_count_; }
  // The grid covering the point, by GridIndex's rule (smallest code on
  // shared borders).
  std::optional<std::string> Locate(double latitude, double longitude) const;
  // The LocateGrid answer for the point: its grid, community, town and city
  // (without geometry) and the registry version; nullopt when no grid
  // covers it.
  std::optional<v1::LocateGridResponse> LocateResponse(double latitude,
                                                       double longitude) const;
  // True when the point lies in a hole of some grid's polygon (and no grid
  // covers it), so NOT_FOUND can say so.
  bool InHole(double latitude, double longitude) const;

  const std::map<std::string, v1::Member>& members() const { return members_; }
  const std::map<std::string, v1::Department>& departments() const {
    return departments_;
  }
  const std::map<std::string, v1::Category>& categories() const {
    return categories_;
  }
  const std::map<std::string, v1::Rule>& rules() const { return rules_; }
  const std::map<std::string, v1::DutyItem>& duties() const { return duties_; }
  // Rules of one category, in id order.
  const std::vector<const v1::Rule*>& RulesOf(
      const std::string& category) const;
  // The stored calendar, or the default one when none was stored.
  const v1::WorkingCalendar& calendar() const { return calendar_; }
  // calendar(), parsed once when the snapshot is built; the parse error if
  // the stored calendar does not parse.
  const absl::StatusOr<std::shared_ptr<const calendar::WorkingCalendar>>&
  working_calendar() const {
    return working_calendar_;
  }

 private:
  RegistrySnapshot() = default;

  Versions versions_;
  absl::Time updated_at_;
  std::map<std::string, v1::Region> regions_;
  int grid_count_ = 0;
  geo::GridIndex index_{std::vector<geo::GridShape>()};
  std::map<std::string, v1::Member> members_;
  std::map<std::string, v1::Department> departments_;
  std::map<std::string, v1::Category> categories_;
  std::map<std::string, v1::Rule> rules_;
  std::map<std::string, v1::DutyItem> duties_;
  absl::flat_hash_map<std::string, std::vector<const v1::Rule*>>
      rules_by_category_;
  v1::WorkingCalendar calendar_;
  absl::StatusOr<std::shared_ptr<const calendar::WorkingCalendar>>
      working_calendar_;
};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_SNAPSHOT_H_
