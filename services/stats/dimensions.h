// The dimensions stats aggregates by, and the values a case has in each.
//
// Kind codes (used in Redis keys): "a" everything (value "*"), "ci" city,
// "tn" town, "cm" community, "gd" grid, "dp" department, "ct" category,
// "mj" category major class, "sr" source (enum name), "rp" reporter (member
// ids of grid managers and staff only; citizens are not ranked), "wk" worker
// (the member who did a verification or an on-site check: the actor of the
// event, so that the work is credited to whoever did it).
#ifndef GRIDCASE_SERVICES_STATS_DIMENSIONS_H_
#define GRIDCASE_SERVICES_STATS_DIMENSIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"
#include "gridcase/v1/stats.pb.h"

namespace gridcase::stats {

inline constexpr absl::string_view kAll = "a";
inline constexpr absl::string_view kCity = "ci";
inline constexpr absl::string_view kTown = "tn";
inline constexpr absl::string_view kCommunity = "cm";
inline constexpr absl::string_view kGrid = "gd";
inline constexpr absl::string_view kDepartment = "dp";
inline constexpr absl::string_view kCategory = "ct";
inline constexpr absl::string_view kMajor = "mj";
inline constexpr absl::string_view kSource = "sr";
inline constexpr absl::string_view kReporter = "rp";
inline constexpr absl::string_view kWorker = "wk";

// Every kind, for tools that walk all keys.
const std::vector<absl::string_view>& AllKinds();

struct Dim {
  absl::string_view kind;
  std::string value;
};

// The (kind, value) pairs of a case with dimensions `d`. `department` is the
// department to count under (empty: none), so that events count for the
// department the case was with when they happened.
std::vector<Dim> DimsOf(const v1::CaseDimensions& d,
                        const std::string& department);

// The (kind, value) a Scope selects; INVALID_ARGUMENT naming `field` (e.g.
// "scope") when kind or code is malformed.
absl::StatusOr<Dim> DimOfScope(const v1::Scope& scope, absl::string_view field);

// The kind a ranking level ranks over.
absl::string_view KindOfLevel(v1::RankingLevel level);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_DIMENSIONS_H_
