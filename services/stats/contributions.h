// Contributions: what one case event adds to the aggregates. Pure — the
// consumer, the rebuild and the tests all go through these functions, so
// incremental and rebuilt aggregates are equal by construction.
//
// Two parts (docs/indicators.md has the rule of every counter):
// - EventDeltas: counters that the event itself adds, attributed to the day
//   it happened or to the case's report date. Additive, so any delivery
//   order gives the same sums.
// - The case record: what stats remembers of a case — the latest version's
//   state, light, closure and dimensions, plus sticky flags. Its
//   contribution (RecordDeltas) holds the report-cohort closure counters,
//   the open and overdue-now counts and the hotspot open counts. Merging a
//   record with events in any order gives the same record (latest version
//   wins; flags are ORed), so the sums agree too.
//
// A delta is addressed by key suffix and field:
// - "<kind>:<YYYYMMDD>" and "<kind>:<YYYYMM>": "<value>|<counter code>";
// - "now:<kind>": "<value>|op", "<value>|red", "<value>|s<state>";
// - "hs:<town>:<YYYYMMDD>" and "hs:<town>:<YYYYMM>" (hotspot cells):
//   "<grid>|<category>|<source>|" + "rp", "op" or "red".
// Every dated delta goes to its day bucket and to its month bucket.
#ifndef GRIDCASE_SERVICES_STATS_CONTRIBUTIONS_H_
#define GRIDCASE_SERVICES_STATS_CONTRIBUTIONS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::stats {

// (key suffix, field) → delta.
using Deltas = std::map<std::pair<std::string, std::string>, int64_t>;

// Adds `b` to `a`, dropping zero entries.
void AddInto(Deltas* a, const Deltas& b, int64_t sign = 1);

// The counters the event adds by itself. `zone` is the statistics time zone
// (Asia/Shanghai) for day attribution.
Deltas EventDeltas(const v1::CaseEvent& event, const absl::TimeZone& zone);

// What stats keeps per case.
struct CaseRecord {
  int64_t version = 0;
  v1::CaseState state = v1::CASE_STATE_UNSPECIFIED;
  v1::ClosureType closure = v1::CLOSURE_TYPE_UNSPECIFIED;
  v1::TrafficLight light = v1::TRAFFIC_LIGHT_UNSPECIFIED;
  bool handle_overdue = false;  // a HANDLE attempt ever went red
  bool closed_ever = false;     // the case was ever closed
  v1::CaseDimensions dims;
  // The case_versions of the events merged in, as a bitmap: bit v - 1 of
  // byte (v - 1) / 8 for version v (case_record.proto).
  std::string applied;

  bool operator==(const CaseRecord& o) const;
};

// Whether the event with `case_version` was merged into `r` (versions
// below 1 never are).
bool WasApplied(const CaseRecord& r, int64_t case_version);

// The stored form of a record: a format byte, then a StoredCaseRecord
// (case_record.proto). Binary-safe: every field round-trips whatever bytes
// it holds.
std::string Encode(const CaseRecord& r);
// Reads what Encode writes and the \x1f-separated records of older
// releases; DATA_LOSS when malformed (e.g. an old record one of whose
// fields held \x1f).
absl::StatusOr<CaseRecord> DecodeRecord(absl::string_view raw);

// The record after applying `event` (in any order relative to others).
CaseRecord Merge(std::optional<CaseRecord> record, const v1::CaseEvent& event);

// The contribution of a case in state `r`.
Deltas RecordDeltas(const CaseRecord& r);

// True for the states in which a case is open (REPORTED..HANDLED, SUSPENDED).
bool IsOpen(v1::CaseState state);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_CONTRIBUTIONS_H_
