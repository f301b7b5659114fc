// Redis keys of the statistics. Everything of a shard carries its hash tag,
// so one event is applied by one script on one slot:
//
//   {s:N}:st:meta                 hash  cur = generation in use,
//                                       build = generation being rebuilt
//   {s:N}:st:<gen>:<suffix>       the aggregates (suffixes in
//                                 contributions.h), the case records
//                                 ("cases" hash) and the dedup sets
//                                 ("seen:<YYYYMMDD>", by the UTC day of the
//                                 stream entry id, expiring)
//   stats:generation              counter for new generations
#ifndef GRIDCASE_SERVICES_STATS_STATS_KEYS_H_
#define GRIDCASE_SERVICES_STATS_STATS_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace gridcase::stats {

inline constexpr absl::string_view kGenerationCounterKey = "stats:generation";
inline constexpr absl::string_view kCasesSuffix = "cases";

std::string MetaKey(int shard);
// "{s:N}:st:<gen>:"
std::string GenerationPrefix(int shard, int64_t generation);
// "seen:<YYYYMMDD>" from the ms part of a stream entry id.
std::string SeenSuffix(absl::string_view event_id);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_STATS_KEYS_H_
