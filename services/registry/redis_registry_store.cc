#include "services/registry/redis_registry_store.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit_record.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "services/registry/scripts.h"

namespace gridcase::registry {
namespace {

const char* HashOf(RecordKind kind) {
  switch (kind) {
    case RecordKind::kMember:
      return store::kMembersKey;
    case RecordKind::kDepartment:
      return store::kDepartmentsKey;
    case RecordKind::kCategory:
      return store::kCategoriesKey;
    case RecordKind::kRule:
      return store::kRulesKey;
    case RecordKind::kDuty:
      return store::kDutiesKey;
  }
  return store::kMembersKey;
}

std::string Millis(absl::Time t) { return absl::StrCat(absl::ToUnixMillis(t)); }

int64_t IntOrZero(const redis::Reply& r) {
  int64_t n = 0;
  if (r.type() == redis::Reply::Type::kString) {
    (void)absl::SimpleAtoi(r.str(), &n);
  }
  return n;
}

// Parses the values of an HGETALL reply into messages of type T.
template <typename T>
absl::Status ParseHash(const redis::Reply& reply, const char* what,
                       std::vector<T>* out) {
  const auto& e = reply.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) {
    T message;
    if (!message.ParseFromString(e[i + 1].str())) {
      return absl::DataLossError(
          absl::StrCat("registry: corrupt ", what, " record ", e[i].str()));
    }
    out->push_back(std::move(message));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Versions> RedisRegistryStore::GetVersions() {
  ASSIGN_OR_RETURN(redis::Reply r,
                   redis_->Command({"MGET", store::kRegistryVersionKey,
                                    store::kReferenceVersionKey,
                                    store::kCalendarVersionKey}));
  const auto& e = r.elements();
  if (e.size() != 3) return absl::InternalError("registry: bad MGET reply");
  return Versions{IntOrZero(e[0]), IntOrZero(e[1]), IntOrZero(e[2])};
}

absl::StatusOr<RegistryData> RedisRegistryStore::LoadAll() {
  // One MULTI/EXEC so that the versions and the data are one snapshot.
  std::vector<redis::Args> cmds = {
      {"MULTI"},
      {"MGET", store::kRegistryVersionKey, store::kReferenceVersionKey,
       store::kCalendarVersionKey, store::kRegistryUpdatedAtKey},
      {"HGETALL", store::kRegionsKey},
      {"HGETALL", store::kMembersKey},
      {"HGETALL", store::kDepartmentsKey},
      {"HGETALL", store::kCategoriesKey},
      {"HGETALL", store::kRulesKey},
      {"GET", store::kCalendarKey},
      {"HGETALL", store::kDutiesKey},
      {"EXEC"}};
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis_->Pipeline(cmds));
  const redis::Reply& exec = replies.back();
  RETURN_IF_ERROR(exec.ToStatus());
  const auto& r = exec.elements();
  if (r.size() != 8) {
    return absl::InternalError(
        absl::StrCat("registry: bad EXEC reply ", exec.DebugString()));
  }
  RegistryData data;
  const auto& v = r[0].elements();
  data.versions = {IntOrZero(v[0]), IntOrZero(v[1]), IntOrZero(v[2])};
  data.updated_at = absl::FromUnixMillis(IntOrZero(v[3]));
  RETURN_IF_ERROR(ParseHash(r[1], "region", &data.regions));
  RETURN_IF_ERROR(ParseHash(r[2], "member", &data.members));
  RETURN_IF_ERROR(ParseHash(r[3], "department", &data.departments));
  RETURN_IF_ERROR(ParseHash(r[4], "category", &data.categories));
  RETURN_IF_ERROR(ParseHash(r[5], "rule", &data.rules));
  RETURN_IF_ERROR(ParseHash(r[7], "duty", &data.duties));
  if (!r[6].is_nil()) {
    v1::WorkingCalendar calendar;
    if (!calendar.ParseFromString(r[6].str())) {
      return absl::DataLossError("registry: corrupt calendar record");
    }
    data.calendar = std::move(calendar);
  }
  return data;
}

absl::StatusOr<int64_t> RedisRegistryStore::ImportRegions(
    int64_t expected_version, const std::vector<v1::Region>& regions,
    absl::Time now, const std::string& audit) {
  std::vector<std::string> pairs;
  pairs.reserve(2 * regions.size());
  for (const v1::Region& region : regions) {
    pairs.push_back(region.code());
    pairs.push_back(region.SerializeAsString());
  }
  ASSIGN_OR_RETURN(redis::Reply r,
                   store::ScriptCall(scripts::RegistryImport())
                       .Key("regions", store::kRegionsKey)
                       .Key("version", store::kRegistryVersionKey)
                       .Key("updated_at", store::kRegistryUpdatedAtKey)
                       .Key("audit", store::kRegistryAuditKey)
                       .Int("expected_version", expected_version)
                       .Arg("now_ms", Millis(now))
                       .Arg("audit_record", audit)
                       .Int("audit_maxlen", audit::kMaxRecords)
                       .Args("regions", std::move(pairs))
                       .Run(*redis_));
  return r.AsInteger();
}

absl::StatusOr<bool> RedisRegistryStore::PutRecord(RecordKind kind,
                                                   const std::string& key,
                                                   const std::string& bytes,
                                                   absl::Time now,
                                                   const std::string& audit) {
  ASSIGN_OR_RETURN(redis::Reply r,
                   store::ScriptCall(scripts::RegistryPut())
                       .Key("records", HashOf(kind))
                       .Key("version", store::kReferenceVersionKey)
                       .Key("updated_at", store::kRegistryUpdatedAtKey)
                       .Key("audit", store::kRegistryAuditKey)
                       .Arg("id", key)
                       .Arg("record", bytes)
                       .Arg("now_ms", Millis(now))
                       .Arg("audit_record", audit)
                       .Int("audit_maxlen", audit::kMaxRecords)
                       .Run(*redis_));
  ASSIGN_OR_RETURN(int64_t created, r.AsInteger());
  return created == 1;
}

absl::Status RedisRegistryStore::DeleteRecord(RecordKind kind,
                                              const std::string& key,
                                              absl::Time now,
                                              const std::string& audit) {
  return store::ScriptCall(scripts::RegistryDelete())
      .Key("records", HashOf(kind))
      .Key("version", store::kReferenceVersionKey)
      .Key("updated_at", store::kRegistryUpdatedAtKey)
      .Key("audit", store::kRegistryAuditKey)
      .Arg("id", key)
      .Arg("now_ms", Millis(now))
      .Arg("audit_record", audit)
      .Int("audit_maxlen", audit::kMaxRecords)
      .Run(*redis_)
      .status();
}

absl::StatusOr<int64_t> RedisRegistryStore::PutCalendar(
    int64_t expected_version, v1::WorkingCalendar calendar, absl::Time now,
    const std::string& audit) {
  calendar.set_version(expected_version + 1);
  calendar.mutable_updated_at()->set_seconds(absl::ToUnixSeconds(now));
  ASSIGN_OR_RETURN(redis::Reply r,
                   store::ScriptCall(scripts::RegistryCalendar())
                       .Key("calendar", store::kCalendarKey)
                       .Key("version", store::kCalendarVersionKey)
                       .Key("updated_at", store::kRegistryUpdatedAtKey)
                       .Key("audit", store::kRegistryAuditKey)
                       .Int("expected_version", expected_version)
                       .Arg("calendar", calendar.SerializeAsString())
                       .Arg("now_ms", Millis(now))
                       .Arg("audit_record", audit)
                       .Int("audit_maxlen", audit::kMaxRecords)
                       .Run(*redis_));
  return r.AsInteger();
}

absl::StatusOr<int64_t> RedisRegistryStore::NextRuleNumber() {
  ASSIGN_OR_RETURN(redis::Reply r,
                   redis_->Command({"INCR", store::kRuleSequenceKey}));
  return r.AsInteger();
}

absl::StatusOr<std::vector<v1::AuditRecord>> RedisRegistryStore::ReadAudit(
    const std::string& stream, const std::string& stream_name,
    const std::string& before_id, int count) {
  ASSIGN_OR_RETURN(
      redis::Reply r,
      redis_->Command({"XREVRANGE", stream,
                       before_id.empty() ? "+" : absl::StrCat("(", before_id),
                       "-", "COUNT", absl::StrCat(count)}));
  std::vector<v1::AuditRecord> out;
  for (const redis::Reply& entry : r.elements()) {
    const auto& parts = entry.elements();
    if (parts.size() != 2) return absl::DataLossError("audit entry is corrupt");
    v1::AuditRecord record;
    const auto& fields = parts[1].elements();
    bool parsed = false;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str() == "pb")
        parsed = record.ParseFromString(fields[i + 1].str());
    }
    if (!parsed) {
      return absl::DataLossError(absl::StrCat("audit entry ", parts[0].str(),
                                              " of ", stream, " is corrupt"));
    }
    record.set_id(parts[0].str());
    record.set_stream(stream_name);
    out.push_back(std::move(record));
  }
  return out;
}

}  // namespace gridcase::registry
