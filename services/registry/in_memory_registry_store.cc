#include "services/registry/in_memory_registry_store.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit_record.h"
#include "common/store/keys.h"

namespace gridcase::registry {
namespace {

template <typename T>
void ParseAll(const std::map<std::string, std::string>& records,
              std::vector<T>* out) {
  for (const auto& [key, bytes] : records) {
    T message;
    message.ParseFromString(bytes);
    out->push_back(std::move(message));
  }
}

}  // namespace

void InMemoryRegistryStore::SetFailure(absl::Status status) {
  absl::MutexLock lock(&mu_);
  failure_ = std::move(status);
}

absl::StatusOr<Versions> InMemoryRegistryStore::GetVersions() {
  absl::MutexLock lock(&mu_);
  if (!failure_.ok()) return failure_;
  return versions_;
}

absl::StatusOr<RegistryData> InMemoryRegistryStore::LoadAll() {
  absl::MutexLock lock(&mu_);
  if (!failure_.ok()) return failure_;
  RegistryData data;
  data.versions = versions_;
  data.updated_at = updated_at_;
  for (const auto& [code, region] : regions_) data.regions.push_back(region);
  ParseAll(records_[RecordKind::kMember], &data.members);
  ParseAll(records_[RecordKind::kDepartment], &data.departments);
  ParseAll(records_[RecordKind::kCategory], &data.categories);
  ParseAll(records_[RecordKind::kRule], &data.rules);
  ParseAll(records_[RecordKind::kDuty], &data.duties);
  data.calendar = calendar_;
  return data;
}

absl::StatusOr<int64_t> InMemoryRegistryStore::ImportRegions(
    int64_t expected_version, const std::vector<v1::Region>& regions,
    absl::Time now, const std::string& audit) {
  absl::MutexLock lock(&mu_);
  if (!failure_.ok()) return failure_;
  if (versions_.registry != expected_version) {
    return absl::AbortedError(absl::StrCat("registry version is ",
                                           versions_.registry, ", expected ",
                                           expected_version));
  }
  for (const v1::Region& region : regions) regions_[region.code()] = region;
  updated_at_ = now;
  AppendAudit(audit);
  return ++versions_.registry;
}

absl::StatusOr<bool> InMemoryRegistryStore::PutRecord(
    RecordKind kind, const std::string& key, const std::string& bytes,
    absl::Time now, const std::string& audit) {
  absl::MutexLock lock(&mu_);
  if (!failure_.ok()) return failure_;
  bool created = records_[kind].insert_or_assign(key, bytes).second;
  ++versions_.reference;
  updated_at_ = now;
  AppendAudit(audit);
  return created;
}

absl::Status InMemoryRegistryStore::DeleteRecord(RecordKind kind,
                                                 const std::string& key,
                                                 absl::Time now,
                                                 const std::string& audit) {
  absl::MutexLock lock(&mu_);
  if (!failure_.ok()) return failure_;
  if (records_[kind].erase(key) == 0) return absl::NotFoundError(key);
  ++versions_.reference;
  updated_at_ = now;
  AppendAudit(audit);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> InMemoryRegistryStore::PutCalendar(
    int64_t expected_version, v1::WorkingCalendar calendar, absl::Time now,
    const std::string& audit) {
  absl::MutexLock lock(&mu_);
  if (!failure_.ok()) return failure_;
  if (versions_.calendar != expected_version) {
    return absl::AbortedError(absl::StrCat("calendar version is ",
                                           versions_.calendar, ", expected ",
                                           expected_version));
  }
  calendar.set_version(expected_version + 1);
  calendar.mutable_updated_at()->set_seconds(absl::ToUnixSeconds(now));
  calendar_ = std::move(calendar);
  updated_at_ = now;
  AppendAudit(audit);
  return ++versions_.calendar;
}

absl::StatusOr<int64_t> InMemoryRegistryStore::NextRuleNumber() {
  absl::MutexLock lock(&mu_);
  if (!failure_.ok()) return failure_;
  return ++rule_seq_;
}

void InMemoryRegistryStore::AppendAudit(const std::string& audit) {
  if (audit.empty()) return;
  audit_[store::kRegistryAuditKey].emplace_back(
      absl::StrCat(++audit_seq_, "-0"), audit);
}

absl::StatusOr<std::vector<v1::AuditRecord>> InMemoryRegistryStore::ReadAudit(
    const std::string& stream, const std::string& stream_name,
    const std::string& before_id, int count) {
  absl::MutexLock lock(&mu_);
  if (!failure_.ok()) return failure_;
  std::vector<v1::AuditRecord> out;
  const auto& entries = audit_[stream];
  for (auto it = entries.rbegin();
       it != entries.rend() && static_cast<int>(out.size()) < count; ++it) {
    int64_t n = 0, before = 0;
    (void)absl::SimpleAtoi(it->first.substr(0, it->first.find('-')), &n);
    if (!before_id.empty() &&
        absl::SimpleAtoi(before_id.substr(0, before_id.find('-')), &before) &&
        n >= before) {
      continue;
    }
    v1::AuditRecord r;
    if (!r.ParseFromString(it->second)) {
      return absl::DataLossError("audit record is corrupt");
    }
    r.set_id(it->first);
    r.set_stream(stream_name);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace gridcase::registry
