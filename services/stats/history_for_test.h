// Test support: random case histories made by dispatch's real workflow
// (reports as intake records them, then registration, dispatch, handling,
// verification, returns, reworks, extensions, suspensions, supervision,
// special closures, reopenings, the scanner's warnings and overdue alerts),
// and a way to store them as the services do — stream entries, timelines
// and state indices — so that the consumer and the rebuild can read them.
#ifndef GRIDCASE_SERVICES_STATS_HISTORY_FOR_TEST_H_
#define GRIDCASE_SERVICES_STATS_HISTORY_FOR_TEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "gridcase/v1/common.pb.h"
#include "services/stats/directory.h"

namespace gridcase::stats {

struct GeneratedCase {
  std::string id;
  int shard = 0;
  std::vector<v1::CaseEvent> events;  // in order; ids set by StoreHistory
};

struct HistoryOptions {
  int cases = 3000;
  uint32_t seed = 1;
  int shards = 4;
  // Reports fall in [start, start + days).
  absl::Time start = absl::FromCivil(absl::CivilDay(2026, 3, 1),
                                     absl::FixedTimeZone(8 * 3600));
  int days = 45;
};

std::vector<GeneratedCase> GenerateHistory(const HistoryOptions& options);

// XADDs every event to its shard stream in time order and appends it to the
// case's timeline (as intake's and dispatch's scripts do), puts each case in
// its final state's index, and sets every event's id.
absl::Status StoreHistory(redis::RedisClient* redis,
                          std::vector<GeneratedCase>* cases);

// The regions, departments, categories and grid managers the generator uses.
void FillDirectory(DirectorySnapshot* snapshot);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_HISTORY_FOR_TEST_H_
