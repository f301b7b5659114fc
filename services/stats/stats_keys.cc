#include "services/stats/stats_keys.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cases/case_keys.h"

namespace gridcase::stats {

std::string MetaKey(int shard) {
  return absl::StrCat(cases::Tag(shard), ":st:meta");
}

std::string GenerationPrefix(int shard, int64_t generation) {
  return absl::StrCat(cases::Tag(shard), ":st:", generation, ":");
}

std::string SeenSuffix(absl::string_view event_id) {
  int64_t ms = 0;
  (void)absl::SimpleAtoi(event_id.substr(0, event_id.find('-')), &ms);
  return absl::StrCat("seen:",
                      absl::FormatTime("%Y%m%d", absl::FromUnixMillis(ms),
                                       absl::UTCTimeZone()));
}

}  // namespace gridcase::stats
