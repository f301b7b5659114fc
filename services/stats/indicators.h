// Indicators: the rates, average and composite score of MISSION.md derived
// from counters, and how each Indicator enum value is read off them for
// rankings and trends. Formulas: docs/indicators.md.
#ifndef GRIDCASE_SERVICES_STATS_INDICATORS_H_
#define GRIDCASE_SERVICES_STATS_INDICATORS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "gridcase/v1/stats.pb.h"
#include "services/stats/counters.h"

namespace gridcase::stats {

// Composite weights, rate indicator → weight (>= 0, at least one > 0).
using Weights = std::vector<std::pair<v1::Indicator, double>>;

// 按期结案率 .30, 结案率 .20, 按期处置率 .15, 返工率 .10, 准确派遣率 .10,
// 按时立案率 .05, 按期核查率 .05, 延期率 .05.
const Weights& DefaultWeights();

// Validates request weights; empty → `fallback`. INVALID_ARGUMENT names
// `field` (e.g. "weights[2].weight").
absl::StatusOr<Weights> WeightsFromRequest(
    const google::protobuf::RepeatedPtrField<v1::Weight>& weights,
    const Weights& fallback);

// Parses "ON_TIME_CLOSE_RATE=0.3,CLOSE_RATE=0.2" (the --composite_weights
// flag); INVALID_ARGUMENT naming the entry.
absl::StatusOr<Weights> ParseWeights(absl::string_view text);

void ToProto(const Weights& weights,
             google::protobuf::RepeatedPtrField<v1::Weight>* out);

// Every indicator from `counts`; open_overdue_now is a current value passed
// in separately.
v1::Indicators Derive(const Counts& counts, int64_t open_overdue_now,
                      const Weights& weights);

// True for indicators where a higher value is better.
bool HigherIsBetter(v1::Indicator indicator);

// True for the twelve rates (INDICATOR_VALID_REPORT_RATE..ON_TIME_VERIFY_RATE,
// SATISFACTION_RATE and ON_TIME_CHECK_RATE).
bool IsRate(v1::Indicator indicator);

// INVALID_ARGUMENT naming `field` when `indicator` is unspecified or unknown.
absl::Status ValidateIndicator(v1::Indicator indicator,
                               absl::string_view field);

// The value of one indicator: for rates the ratio too; for counts the count
// as numerator.
// numerator / denominator, defined when the denominator is > 0.
v1::Ratio MakeRatio(int64_t numerator, int64_t denominator);

struct IndicatorValue {
  double value = 0;
  bool defined = false;
  bool is_rate = false;
  v1::Ratio ratio;
  int64_t numerator = 0;
  int64_t denominator = 0;
};
IndicatorValue ValueOf(const v1::Indicators& indicators,
                       v1::Indicator indicator);
// INDICATOR_GRID_MEMBER_SCORE and INDICATOR_PATROL_COVERAGE: values of a
// grid manager's GridMemberWork, not of Indicators.
bool IsMemberWorkIndicator(v1::Indicator indicator);
IndicatorValue ValueOf(const v1::GridMemberWork& work, v1::Indicator indicator);

}  // namespace gridcase::stats

#endif  // GRIDCASE_SERVICES_STATS_INDICATORS_H_
