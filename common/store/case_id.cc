#include "common/store/case_id.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"

namespace gridcase::store {

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

}  // namespace gridcase::store
