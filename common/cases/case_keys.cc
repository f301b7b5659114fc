#include "common/cases/case_keys.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace gridcase::cases {

int ShardOf(absl::string_view town_code, int shards) {
  uint32_t h = 2166136261u;
  for (unsigned char c : town_code) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int>(h % static_cast<uint32_t>(shards));
}

std::string Tag(int shard) { return absl::StrCat("{s:", shard, "}"); }

std::string CaseKey(int shard, absl::string_view id) {
  return absl::StrCat(Tag(shard), ":case:", id);
}
std::string TimelineKey(int shard, absl::string_view id) {
  return absl::StrCat(Tag(shard), ":timeline:", id);
}
std::string FollowersKey(int shard, absl::string_view id) {
  return absl::StrCat(Tag(shard), ":followers:", id);
}
std::string IdempotencyKey(int shard, absl::string_view scope) {
  return absl::StrCat(Tag(shard), ":idem:", scope);
}
std::string IdempotencyScope(absl::string_view subject,
                             absl::string_view request_id) {
  return absl::StrCat(subject.size(), ":", subject, ":", request_id);
}
std::string SequenceKey(int shard, absl::string_view division,
                        absl::string_view yyyymmdd) {
  return absl::StrCat(Tag(shard), ":seq:", division, ":", yyyymmdd);
}
std::string SequenceRunKey(int shard, absl::string_view division,
                           absl::string_view yyyymmdd) {
  return absl::StrCat(Tag(shard), ":seqrun:", division, ":", yyyymmdd);
}
std::string EventsKey(int shard) { return absl::StrCat(Tag(shard), ":events"); }
std::string DeadEventsKey(int shard) {
  return absl::StrCat(Tag(shard), ":events:dead");
}
std::string GeoOpenKey(int shard, absl::string_view category) {
  return absl::StrCat(Tag(shard), ":geo:open:", category);
}
std::string GeoCasesKey(int shard) {
  return absl::StrCat(Tag(shard), ":geo:cases");
}
std::string IndexKey(int shard, absl::string_view kind,
                     absl::string_view value) {
  return absl::StrCat(Tag(shard), ":idx:", kind, ":", value);
}

CaseDay CaseDayOf(absl::Time now, absl::TimeZone tz) {
  absl::CivilDay day = absl::ToCivilDay(now, tz);
  return {absl::FormatTime("%Y%m%d", now, tz), absl::FromCivil(day, tz)};
}

std::string FormatCaseId(absl::string_view division, absl::string_view yyyymmdd,
                         int64_t sequence) {
  return absl::StrFormat("%s-%s-%06d", division, yyyymmdd, sequence);
}

absl::StatusOr<CaseId> ParseCaseId(absl::string_view id, int shards) {
  std::vector<absl::string_view> parts = absl::StrSplit(id, '-');
  auto digits = [](absl::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
  };
  CaseId out;
  if (parts.size() != 3 || parts[0].size() != 6 || !digits(parts[0]) ||
      parts[1].size() != 8 || !digits(parts[1]) || parts[2].size() < 6 ||
      parts[2].size() > 12 || !digits(parts[2]) ||
      !absl::SimpleAtoi(parts[2], &out.sequence)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "case_id: must look like 330483-20260630-000123 (division, date, "
        "sequence), got '",
        id, "'"));
  }
  out.division = std::string(parts[0]);
  out.date = std::string(parts[1]);
  out.shard = static_cast<int>(out.sequence % shards);
  return out;
}

}  // namespace gridcase::cases
