// InMemoryRegistryStore: a RegistryStore in process memory with the same
// semantics as RedisRegistryStore (versions, compare-and-set). For unit
// tests of the handlers.
#ifndef GRIDCASE_SERVICES_REGISTRY_IN_MEMORY_REGISTRY_STORE_H_
#define GRIDCASE_SERVICES_REGISTRY_IN_MEMORY_REGISTRY_STORE_H_

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/registry/registry_store.h"

namespace gridcase::registry {

class InMemoryRegistryStore final : public RegistryStore {
 public:
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

  // Makes every call fail with `status` until cleared with OkStatus().
  void SetFailure(absl::Status status);

 private:
  absl::Mutex mu_;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  Versions versions_ ABSL_GUARDED_BY(mu_);
  absl::Time updated_at_ ABSL_GUARDED_BY(mu_) = absl::UnixEpoch();
  std::map<std::string, v1::Region> regions_ ABSL_GUARDED_BY(mu_);
  std::map<RecordKind, std::map<std::string, std::string>> records_
      ABSL_GUARDED_BY(mu_);
  std::optional<v1::WorkingCalendar> calendar_ ABSL_GUARDED_BY(mu_);
  int64_t rule_seq_ ABSL_GUARDED_BY(mu_) = 0;
  // Audit streams: entries oldest first, ids "<n>-0".
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> audit_
      ABSL_GUARDED_BY(mu_);
  int64_t audit_seq_ ABSL_GUARDED_BY(mu_) = 0;

  void AppendAudit(const std::string& audit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
};

}  // namespace gridcase::registry

#endif  // GRIDCASE_SERVICES_REGISTRY_IN_MEMORY_REGISTRY_STORE_H_
