// RegistryStore: where the registry's reference data lives. Every replica
// reads the whole (small) data set into memory (RegistrySnapshot) and writes
// through this interface; RedisRegistryStore keeps it in Redis under the
// registry's own hash tag {reg}, InMemoryRegistryStore (a test-only
// library) serves unit tests.
#ifndef GRIDCASE_SERVICES_REGISTRY_REGISTRY_STORE_H_
#define GRIDCASE_SERVICES_REGISTRY_REGISTRY_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/registry.pb.h"

namespace gridcase::registry {

// The versions a replica compares to decide whether to reload.
struct Versions {
  int64_t registry = 0;   // regions and polygons
  int64_t reference = 0;  // members, departments, categories, rules
  int64_t calendar = 0;   // working calendar
  friend bool operator==(const Versions& a, const Versions& b) {
    return a.registry == b.registry && a.reference == b.reference &&
           a.calendar == b.calendar;
  }
  friend bool operator!=(const Versions& a, const Versions& b) {
    return !(a == b);
  }
};

// Everything the registry holds.
struct RegistryData {
  Versions versions;
  absl::Time updated_at = absl::UnixEpoch();
  std::vector<v1::Region> regions;  // with geometry_geojson for grids
  std::vector<v1::Member> members;  // with the write-only phone
  std::vector<v1::Department> departments;
  std::vector<v1::Category> categories;
  std::vector<v1::Rule> rules;
  std::vector<v1::DutyItem> duties;
  std::optional<v1::WorkingCalendar> calendar;  // none stored yet
};

// Which kind of reference record a Put or Delete touches.
enum class RecordKind { kMember, kDepartment, kCategory, kRule, kDuty };

// Every write below takes `audit`: a serialized v1::AuditRecord appended to
// the audit stream `store::kRegistryAuditKey` in the same atomic step as the
// change, or empty to record nothing (a write that changes nothing).

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;

  virtual absl::StatusOr<Versions> GetVersions() = 0;
  virtual absl::StatusOr<RegistryData> LoadAll() = 0;

  // Upserts `regions` (by code) and bumps the registry version, atomically,
  // if the registry version is still `expected_version`; else ABORTED.
  // Returns the new version.
  virtual absl::StatusOr<int64_t> ImportRegions(
      int64_t expected_version, const std::vector<v1::Region>& regions,
      absl::Time now, const std::string& audit) = 0;

  // Stores one reference record (serialized message) under `key` and bumps
  // the reference version. Returns true if the key did not exist before.
  virtual absl::StatusOr<bool> PutRecord(RecordKind kind,
                                         const std::string& key,
                                         const std::string& bytes,
                                         absl::Time now,
                                         const std::string& audit) = 0;
  // Deletes one reference record; NOT_FOUND if absent. Bumps the version.
  virtual absl::Status DeleteRecord(RecordKind kind, const std::string& key,
                                    absl::Time now,
                                    const std::string& audit) = 0;

  // Replaces the calendar if its stored version is `expected_version` (0
  // when none is stored); else ABORTED. Returns the new version.
  virtual absl::StatusOr<int64_t> PutCalendar(int64_t expected_version,
                                              v1::WorkingCalendar calendar,
                                              absl::Time now,
                                              const std::string& audit) = 0;

  // A fresh number for server-assigned rule ids.
  virtual absl::StatusOr<int64_t> NextRuleNumber() = 0;

  // Up to `count` records of the audit stream `stream`, newest first,
  // strictly older than entry id `before_id` (empty: from the newest), each
  // with its id and `stream_name` filled in.
  virtual absl::StatusOr<std::vector<v1::AuditRecord>> ReadAudit(
      const std::string& stream, const std::string& stream_name,
      const std::string& before_id, int count) = 0;
};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_REGISTRY_STORE_H_
