#include "common/store/case_hash.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"

namespace gridcase::store {
namespace {

absl::Status Corrupt(absl::string_view case_id, absl::string_view why) {
  return absl::DataLossError(
      absl::StrCat("case ", case_id, " is corrupt: ", why));
}

// The integer in field `name` (0 when absent).
absl::StatusOr<int64_t> IntField(absl::string_view case_id,
                                 const std::map<std::string, std::string>& hash,
                                 const std::string& name) {
  auto it = hash.find(name);
  if (it == hash.end()) return 0;
  int64_t n = 0;
  if (!absl::SimpleAtoi(it->second, &n)) {
    return Corrupt(case_id, absl::StrCat("field ", name, " is '", it->second,
                                         "', not a number"));
  }
  return n;
}

std::string Field(const std::map<std::string, std::string>& hash,
                  const std::string& name) {
  auto it = hash.find(name);
  return it == hash.end() ? std::string() : it->second;
}

}  // namespace

const std::vector<std::string>& CaseHashFields() {
  static const auto* fields = new std::vector<std::string>{
      "pb",           "state",          "version",
      "report_count", "follower_count", "merged_into",
      "reported_ms",  "alerts",         "review_reason",
      "queued_ms"};
  return *fields;
}

redis::Args ReadCaseCommand(int shard, absl::string_view case_id) {
  redis::Args args = {"HMGET", CaseKey(shard, case_id)};
  for (const std::string& f : CaseHashFields()) args.push_back(f);
  return args;
}

absl::StatusOr<StoredCase> DecodeCase(absl::string_view case_id,
                                      const redis::Reply& reply) {
  RETURN_IF_ERROR(reply.ToStatus());
  const std::vector<std::string>& names = CaseHashFields();
  const auto& values = reply.elements();
  if (reply.type() != redis::Reply::Type::kArray ||
      values.size() != names.size()) {
    return Corrupt(case_id,
                   absl::StrCat("HMGET answered ", reply.DebugString()));
  }
  std::map<std::string, std::string> hash;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!values[i].is_nil()) hash[names[i]] = values[i].str();
  }
  return DecodeCaseFields(case_id, hash);
}

absl::StatusOr<StoredCase> DecodeCaseFields(
    absl::string_view case_id, const std::map<std::string, std::string>& hash) {
  if (hash.empty()) {
    return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));
  }
  auto pb = hash.find("pb");
  if (pb == hash.end()) return Corrupt(case_id, "no field pb");
  StoredCase out;
  if (!out.c.ParseFromString(pb->second)) {
    return Corrupt(case_id, "field pb does not parse as a Case");
  }
  ASSIGN_OR_RETURN(int64_t state, IntField(case_id, hash, "state"));
  ASSIGN_OR_RETURN(int64_t version, IntField(case_id, hash, "version"));
  ASSIGN_OR_RETURN(int64_t reports, IntField(case_id, hash, "report_count"));
  ASSIGN_OR_RETURN(int64_t followers,
                   IntField(case_id, hash, "follower_count"));
  ASSIGN_OR_RETURN(out.reported_ms, IntField(case_id, hash, "reported_ms"));
  ASSIGN_OR_RETURN(out.queued_ms, IntField(case_id, hash, "queued_ms"));
  if (!v1::CaseState_IsValid(static_cast<int>(state))) {
    return Corrupt(case_id,
                   absl::StrCat("field state is ", state, ", not a CaseState"));
  }
  out.c.set_id(std::string(case_id));
  out.c.set_state(static_cast<v1::CaseState>(state));
  out.c.set_version(version);
  out.c.set_report_count(static_cast<int32_t>(reports));
  out.c.set_follower_count(static_cast<int32_t>(followers));
  out.c.set_merged_into(Field(hash, "merged_into"));
  for (absl::string_view a :
       absl::StrSplit(Field(hash, "alerts"), ' ', absl::SkipEmpty())) {
    out.alerts.insert(std::string(a));
  }
  out.review_reason = Field(hash, "review_reason");
  return out;
}

std::map<std::string, std::string> EncodeCase(const StoredCase& s) {
  std::map<std::string, std::string> hash = {
      {"pb", StoredCasePb(s.c)},
      {"state", absl::StrCat(static_cast<int>(s.c.state()))},
      {"version", absl::StrCat(s.c.version())},
      {"report_count", absl::StrCat(s.c.report_count())},
      {"follower_count", absl::StrCat(s.c.follower_count())},
      {"merged_into", s.c.merged_into()},
      {"reported_ms", absl::StrCat(s.reported_ms)}};
  if (!s.alerts.empty()) {
    hash["alerts"] = absl::StrCat(" ", absl::StrJoin(s.alerts, " "));
  }
  if (!s.review_reason.empty()) hash["review_reason"] = s.review_reason;
  if (s.queued_ms != 0) hash["queued_ms"] = absl::StrCat(s.queued_ms);
  return hash;
}

std::string StoredCasePb(v1::Case c) {
  c.clear_id();
  c.clear_state();
  c.clear_version();
  c.clear_report_count();
  c.clear_follower_count();
  c.clear_merged_into();
  return c.SerializeAsString();
}

std::string AlertMarker(const v1::StageDeadline& d, bool overdue) {
  return absl::StrCat(static_cast<int>(d.stage()), ":", d.attempt(), ":",
                      overdue ? 2 : 1);
}

}  // namespace gridcase::store
