// Rebuild: recomputes every aggregate from the case records and timelines
// (`gridcase-stats rebuild`), for recovery (lost or trimmed stream entries,
// a restored Redis) and after a change of definitions.
//
// It builds a new generation next to the one in use: it marks the new
// generation as being built on every shard (from then on consumers apply
// each event to both), replays every case's timeline into it through the
// same exactly-once apply, switches the shards over, and deletes older
// generations. An event is in the new generation whether the rebuild or a
// consumer got there first, and never twice. Queries keep answering from the
// old generation until the switch.
//
// What cannot be read is skipped, logged and counted, never fatal: a
// timeline entry that does not parse, and a case whose events are refused as
// bad data (DATA_LOSS, INVALID_ARGUMENT, OUT_OF_RANGE; e.g. a record in the
// new generation that an older consumer wrote unreadably). Other errors
// (Redis unavailable or out of memory, another rebuild taking over) fail
// the rebuild.
#ifndef GRIDCASE_SERVICES_STATS_REBUILD_H_
#define GRIDCASE_SERVICES_STATS_REBUILD_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"
#include "services/stats/redis_aggregates.h"

namespace gridcase::stats {

struct RebuildResult {
  int64_t generation = 0;
  int64_t cases = 0;
  int64_t events = 0;           // applied (or already there)
  int64_t deleted_keys = 0;     // of older generations
  int64_t skipped_entries = 0;  // timeline entries that do not parse
  int64_t skipped_cases = 0;    // cases whose events could not be applied
};

absl::StatusOr<RebuildResult> Rebuild(redis::RedisClient* redis,
                                      RedisAggregates* aggregates);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_REBUILD_H_
