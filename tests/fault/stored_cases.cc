#include "tests/fault/stored_cases.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"

namespace gridcase::fault {
namespace {

constexpr char kCaseInfix[] = "}:case:";
constexpr size_t kBatch = 200;

// The case id of a case hash's key, or "" for any other key the pattern
// matched.
std::string CaseIdOf(const std::string& key, int shards) {
  size_t at = key.find(kCaseInfix);
  if (at == std::string::npos) return "";
  std::string id = key.substr(at + sizeof(kCaseInfix) - 1);
  absl::StatusOr<store::CaseId> parsed = store::ParseCaseId(id, shards);
  if (!parsed.ok() || store::CaseKey(parsed->shard, id) != key) return "";
  return id;
}

absl::StatusOr<StoredCase> Parse(const std::string& id,
                                 const redis::Reply& hash) {
  std::string pb;
  int64_t state = 0;
  const auto& e = hash.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) {
    if (e[i].str() == "pb") pb = e[i + 1].str();
    if (e[i].str() == "state" && !absl::SimpleAtoi(e[i + 1].str(), &state)) {
      return absl::DataLossError(absl::StrCat("case ", id, ": bad state"));
    }
  }
  v1::Case c;
  if (!c.ParseFromString(pb)) {
    return absl::DataLossError(absl::StrCat("case ", id, ": corrupt pb"));
  }
  StoredCase s;
  s.id = id;
  s.marker = MarkerOf(c.description());
  s.source = c.source();
  s.state = static_cast<v1::CaseState>(state);
  s.department_id = c.department_id();
  return s;
}

}  // namespace

absl::StatusOr<std::vector<StoredCase>> ReadStoredCases(
    redis::RedisClient* redis, int shards) {
  std::vector<std::string> ids;
  std::string cursor = "0";
  do {
    ASSIGN_OR_RETURN(redis::Reply page,
                     redis->Command({"SCAN", cursor, "MATCH", "{s:*}:case:*",
                                     "COUNT", "1000"}));
    if (page.elements().size() != 2) {
      return absl::InternalError("SCAN: unexpected reply");
    }
    cursor = page.elements()[0].str();
    for (const redis::Reply& key : page.elements()[1].elements()) {
      std::string id = CaseIdOf(key.str(), shards);
      if (!id.empty()) ids.push_back(std::move(id));
    }
  } while (cursor != "0");

  std::vector<StoredCase> cases;
  for (size_t from = 0; from < ids.size(); from += kBatch) {
    std::vector<redis::Args> commands;
    for (size_t i = from; i < ids.size() && i < from + kBatch; ++i) {
      ASSIGN_OR_RETURN(store::CaseId parsed,
                       store::ParseCaseId(ids[i], shards));
      commands.push_back({"HGETALL", store::CaseKey(parsed.shard, ids[i])});
    }
    ASSIGN_OR_RETURN(std::vector<redis::Reply> hashes,
                     redis->Pipeline(commands));
    for (size_t i = 0; i < hashes.size(); ++i) {
      RETURN_IF_ERROR(hashes[i].ToStatus());
      ASSIGN_OR_RETURN(StoredCase s, Parse(ids[from + i], hashes[i]));
      cases.push_back(std::move(s));
    }
  }
  return cases;
}

}  // namespace gridcase::fault
