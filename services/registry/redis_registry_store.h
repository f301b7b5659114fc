// RedisRegistryStore: RegistryStore on Redis. Every key carries the hash tag
// {reg}, so every write is one Lua script on one slot:
//   {reg}:regions      hash  code -> Region (serialized, with geometry)
//   {reg}:members      hash  id -> Member
//   {reg}:departments  hash  id -> Department
//   {reg}:categories   hash  code -> Category
//   {reg}:rules        hash  id -> Rule
//   {reg}:calendar     string  WorkingCalendar
//   {reg}:version, {reg}:refversion, {reg}:calversion  integers
//   {reg}:updated_at   integer (Unix ms)
//   {reg}:rule_seq     integer (rule id counter)
#ifndef GRIDCASE_SERVICES_REGISTRY_REDIS_REGISTRY_STORE_H_
#define GRIDCASE_SERVICES_REGISTRY_REDIS_REGISTRY_STORE_H_

#include "common/redis/redis_client.h"
#include "services/registry/registry_store.h"

namespace gridcase::registry {

class RedisRegistryStore final : public RegistryStore {
 public:
  explicit RedisRegistryStore(redis::RedisClient* redis) : redis_(redis) {}

  absl::StatusOr<Versions> GetVersions() override;
  absl::StatusOr<RegistryData> LoadAll() override;
  absl::StatusOr<int64_t> ImportRegions(int64_t expected_version,
                                        const std::vector<v1::Region>& regions,
                                        absl::Time now,
                                        const std::string& audit) override;
  absl::StatusOr<bool> PutRecord(RecordKind kind, const std::string& key,
                                 const std::string& bytes, absl::Time now,
                                 const std::string& audit) override;
  absl::Status DeleteRecord(RecordKind kind, const std::string& key,
                            absl::Time now, const std::string& audit) override;
  absl::StatusOr<int64_t> PutCalendar(int64_t expected_version,
                                      v1::WorkingCalendar calendar,
                                      absl::Time now,
                                      const std::string& audit) override;
  absl::StatusOr<int64_t> NextRuleNumber() override;
  absl::StatusOr<std::vector<v1::AuditRecord>> ReadAudit(
      const std::string& stream, const std::string& stream_name,
      const std::string& before_id, int count) override;

 private:
  redis::RedisClient* redis_;
};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_REDIS_REGISTRY_STORE_H_
