// AggregateReader: what queries read — counters per dimension value summed
// over buckets (days "YYYYMMDD" and whole months "YYYYMM") and shards, the
// current open / overdue counts, and the hotspot cells. Cost grows with the
// buckets and values asked for, never with the number of cases.
#ifndef GRIDCASE_SERVICES_STATS_AGGREGATES_H_
#define GRIDCASE_SERVICES_STATS_AGGREGATES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/stats/counters.h"

namespace gridcase::stats {

// Open cases now of one dimension value.
struct NowCounts {
  int64_t open = 0;
  int64_t red = 0;                  // open and overdue (light RED)
  std::map<int, int64_t> by_state;  // CaseState number → open cases
};

// Reports, open and red cases of one (grid, category, source) cell.
struct HotspotCell {
  std::string grid;
  std::string category;
  std::string source;
  int64_t reports = 0;
  int64_t open = 0;
  int64_t red = 0;
};

using Buckets = std::vector<std::string>;

class AggregateReader {
 public:
  virtual ~AggregateReader() = default;
  // For each group of buckets: counters per value of `kind` (only `value`
  // when given), summed over the group's buckets and every shard.
  virtual absl::StatusOr<std::vector<std::map<std::string, Counts>>> Counters(
      absl::string_view kind, const std::optional<std::string>& value,
      const std::vector<Buckets>& groups) = 0;
  // Open cases now per value of `kind` (only `value` when given).
  virtual absl::StatusOr<std::map<std::string, NowCounts>> Now(
      absl::string_view kind, const std::optional<std::string>& value) = 0;
  // The hotspot cells of `towns` summed over `buckets` (the caller filters
  // them further). Cost grows with the cells of those towns and buckets.
  virtual absl::StatusOr<std::vector<HotspotCell>> Hotspots(
      const Buckets& buckets, const std::vector<std::string>& towns) = 0;
};

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_AGGREGATES_H_
