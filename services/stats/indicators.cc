#include "services/stats/indicators.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/validation/field_errors.h"

namespace gridcase::stats {
namespace {

using validation::FieldError;

const v1::Ratio* RateOf(const v1::Indicators& in, v1::Indicator indicator) {
  switch (indicator) {
    case v1::INDICATOR_VALID_REPORT_RATE:
      return &in.valid_report_rate();
    case v1::INDICATOR_ON_TIME_REGISTER_RATE:
      return &in.on_time_register_rate();
    case v1::INDICATOR_ACCURATE_DISPATCH_RATE:
      return &in.accurate_dispatch_rate();
    case v1::INDICATOR_ON_TIME_HANDLE_RATE:
      return &in.on_time_handle_rate();
    case v1::INDICATOR_CLOSE_RATE:
      return &in.close_rate();
    case v1::INDICATOR_ON_TIME_CLOSE_RATE:
      return &in.on_time_close_rate();
    case v1::INDICATOR_OVERDUE_CLOSE_RATE:
      return &in.overdue_close_rate();
    case v1::INDICATOR_REWORK_RATE:
      return &in.rework_rate();
    case v1::INDICATOR_EXTENSION_RATE:
      return &in.extension_rate();
    case v1::INDICATOR_ON_TIME_VERIFY_RATE:
      return &in.on_time_verify_rate();
    case v1::INDICATOR_SATISFACTION_RATE:
      return &in.satisfaction_rate();
    case v1::INDICATOR_ON_TIME_CHECK_RATE:
      return &in.on_time_check_rate();
    default:
      return nullptr;
  }
}

absl::Status CheckWeight(v1::Indicator indicator, double weight,
                         const std::string& field, const Weights& so_far) {
  if (!IsRate(indicator)) {
    return FieldError(
        absl::StrCat(field, ".indicator"),
        absl::StrCat("must be a rate (INDICATOR_VALID_REPORT_RATE.."
                     "INDICATOR_ON_TIME_VERIFY_RATE, "
                     "INDICATOR_SATISFACTION_RATE or "
                     "INDICATOR_ON_TIME_CHECK_RATE), got ",
                     v1::Indicator_Name(indicator)));
  }
  if (!std::isfinite(weight) || weight < 0) {
    return FieldError(absl::StrCat(field, ".weight"),
                      "must be a finite number >= 0");
  }
  for (const auto& [seen, w] : so_far) {
    if (seen == indicator) {
      return FieldError(
          absl::StrCat(field, ".indicator"),
          absl::StrCat(v1::Indicator_Name(indicator), " is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSum(const Weights& weights, absl::string_view field) {
  for (const auto& [indicator, w] : weights) {
    if (w > 0) return absl::OkStatus();
  }
  return FieldError(field, "at least one weight must be > 0");
}

}  // namespace

const Weights& DefaultWeights() {
  static const auto* weights = new Weights{
      {v1::INDICATOR_ON_TIME_CLOSE_RATE, 0.30},
      {v1::INDICATOR_CLOSE_RATE, 0.20},
      {v1::INDICATOR_ON_TIME_HANDLE_RATE, 0.15},
      {v1::INDICATOR_REWORK_RATE, 0.10},
      {v1::INDICATOR_ACCURATE_DISPATCH_RATE, 0.10},
      {v1::INDICATOR_ON_TIME_REGISTER_RATE, 0.05},
      {v1::INDICATOR_ON_TIME_VERIFY_RATE, 0.05},
      {v1::INDICATOR_EXTENSION_RATE, 0.05},
  };
  return *weights;
}

absl::StatusOr<Weights> WeightsFromRequest(
    const google::protobuf::RepeatedPtrField<v1::Weight>& weights,
    const Weights& fallback) {
  if (weights.empty()) return fallback;
  Weights out;
  for (int i = 0; i < weights.size(); ++i) {
    std::string field = absl::StrCat("weights[", i, "]");
    if (absl::Status s = CheckWeight(weights[i].indicator(),
                                     weights[i].weight(), field, out);
        !s.ok()) {
      return s;
    }
    out.emplace_back(weights[i].indicator(), weights[i].weight());
  }
  if (absl::Status s = CheckSum(out, "weights"); !s.ok()) return s;
  return out;
}

absl::StatusOr<Weights> ParseWeights(absl::string_view text) {
  Weights out;
  for (absl::string_view entry :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string field = absl::StrCat("--composite_weights entry '",
                                     absl::StripAsciiWhitespace(entry), "'");
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(entry, absl::MaxSplits('=', 1));
    std::string name = absl::StrCat(
        "INDICATOR_",
        absl::StripPrefix(absl::StripAsciiWhitespace(kv.first), "INDICATOR_"));
    v1::Indicator indicator = v1::INDICATOR_UNSPECIFIED;
    double weight = 0;
    if (!v1::Indicator_Parse(name, &indicator)) {
      return FieldError(field, "unknown indicator");
    }
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(kv.second), &weight)) {
      return FieldError(field, "must be NAME=weight, e.g. CLOSE_RATE=0.2");
    }
    if (absl::Status s = CheckWeight(indicator, weight, field, out); !s.ok()) {
      return s;
    }
    out.emplace_back(indicator, weight);
  }
  if (absl::Status s = CheckSum(out, "--composite_weights"); !s.ok()) return s;
  return out;
}

void ToProto(const Weights& weights,
             google::protobuf::RepeatedPtrField<v1::Weight>* out) {
  for (const auto& [indicator, w] : weights) {
    v1::Weight* p = out->Add();
    p->set_indicator(indicator);
    p->set_weight(w);
  }
}

v1::Indicators Derive(const Counts& c, int64_t open_overdue_now,
                      const Weights& weights) {
  using C = Counter;
  v1::Indicators in;
  in.set_reports(c[C::kReports]);
  in.set_valid_reports(c[C::kValidReports]);
  in.set_registered(c[C::kRegistered]);
  in.set_registered_on_time(c[C::kRegisteredOnTime]);
  in.set_dispatched(c[C::kDispatched]);
  in.set_dispatched_accurately(c[C::kDispatchedAccurately]);
  in.set_handled(c[C::kHandled]);
  in.set_handled_on_time(c[C::kHandledOnTime]);
  in.set_due_to_handle(c[C::kDueToHandle]);
  in.set_closed(c[C::kClosed]);
  in.set_closed_on_time(c[C::kClosedOnTime]);
  in.set_closed_overdue(c[C::kClosedOverdue]);
  in.set_due_to_close(c[C::kDueToClose]);
  in.set_reworked(c[C::kReworked]);
  in.set_returned(c[C::kReturned]);
  in.set_extended(c[C::kExtended]);
  in.set_suspended(c[C::kSuspended]);
  in.set_verified(c[C::kVerified]);
  in.set_verified_on_time(c[C::kVerifiedOnTime]);
  in.set_due_to_verify(c[C::kDueToVerify]);
  in.set_open_overdue_now(open_overdue_now);
  in.set_self_handled(c[C::kSelfHandled]);
  in.set_voided(c[C::kVoided]);
  in.set_merged(c[C::kMerged]);
  in.set_supervised(c[C::kSupervised]);
  in.set_closed_special(c[C::kClosedSpecial]);
  in.set_rated(c[C::kRated]);
  in.set_satisfied(c[C::kSatisfied]);
  in.set_basically_satisfied(c[C::kBasicallySatisfied]);
  in.set_unsatisfied(c[C::kUnsatisfied]);
  in.set_checked(c[C::kChecked]);
  in.set_checked_on_time(c[C::kCheckedOnTime]);
  in.set_due_to_check(c[C::kDueToCheck]);

  *in.mutable_valid_report_rate() =
      MakeRatio(c[C::kValidReports], c[C::kReports]);
  *in.mutable_on_time_register_rate() =
      MakeRatio(c[C::kRegisteredOnTime], c[C::kRegistered]);
  *in.mutable_accurate_dispatch_rate() =
      MakeRatio(c[C::kDispatchedAccurately], c[C::kDispatched]);
  *in.mutable_on_time_handle_rate() =
      MakeRatio(c[C::kHandledOnTime], c[C::kDueToHandle]);
  *in.mutable_close_rate() = MakeRatio(c[C::kClosed], c[C::kDueToClose]);
  *in.mutable_on_time_close_rate() =
      MakeRatio(c[C::kClosedOnTime], c[C::kDueToClose]);
  *in.mutable_overdue_close_rate() =
      MakeRatio(c[C::kClosedOverdue], c[C::kDueToClose]);
  *in.mutable_rework_rate() = MakeRatio(c[C::kReworked], c[C::kHandled]);
  *in.mutable_extension_rate() = MakeRatio(c[C::kExtended], c[C::kDispatched]);
  *in.mutable_on_time_verify_rate() =
      MakeRatio(c[C::kVerifiedOnTime], c[C::kDueToVerify]);
  *in.mutable_satisfaction_rate() =
      MakeRatio(c[C::kSatisfied] + c[C::kBasicallySatisfied], c[C::kRated]);
  *in.mutable_on_time_check_rate() =
      MakeRatio(c[C::kCheckedOnTime], c[C::kDueToCheck]);

  in.set_total_handling_working_seconds(c[C::kHandlingSeconds]);
  in.set_average_handling_working_hours(
      c[C::kHandled] > 0 ? static_cast<double>(c[C::kHandlingSeconds]) /
                               static_cast<double>(c[C::kHandled]) / 3600.0
                         : 0.0);

  double sum = 0;
  double total = 0;
  for (const auto& [indicator, w] : weights) {
    const v1::Ratio* r = RateOf(in, indicator);
    if (r == nullptr || w <= 0 || !r->defined()) continue;
    double score = HigherIsBetter(indicator) ? r->value() : 1.0 - r->value();
    sum += w * score;
    total += w;
  }
  in.set_composite_defined(total > 0);
  in.set_composite_score(total > 0 ? 100.0 * sum / total : 0.0);
  return in;
}

v1::Ratio MakeRatio(int64_t numerator, int64_t denominator) {
  v1::Ratio r;
  r.set_numerator(numerator);
  r.set_denominator(denominator);
  r.set_defined(denominator > 0);
  r.set_value(denominator > 0 ? static_cast<double>(numerator) /
                                    static_cast<double>(denominator)
                              : 0.0);
  return r;
}

bool HigherIsBetter(v1::Indicator indicator) {
  switch (indicator) {
    case v1::INDICATOR_OVERDUE_CLOSE_RATE:
    case v1::INDICATOR_REWORK_RATE:
    case v1::INDICATOR_EXTENSION_RATE:
    case v1::INDICATOR_OPEN_OVERDUE_NOW:
    case v1::INDICATOR_AVERAGE_HANDLING_WORKING_HOURS:
      return false;
    default:
      return true;
  }
}

bool IsRate(v1::Indicator indicator) {
  return (indicator >= v1::INDICATOR_VALID_REPORT_RATE &&
          indicator <= v1::INDICATOR_ON_TIME_VERIFY_RATE) ||
         indicator == v1::INDICATOR_SATISFACTION_RATE ||
         indicator == v1::INDICATOR_ON_TIME_CHECK_RATE;
}

absl::Status ValidateIndicator(v1::Indicator indicator,
                               absl::string_view field) {
  if (indicator == v1::INDICATOR_UNSPECIFIED ||
      !v1::Indicator_IsValid(indicator)) {
    return FieldError(field, "must be set to an Indicator value");
  }
  return absl::OkStatus();
}

namespace {
IndicatorValue ValueOfRatio(const v1::Ratio& r) {
  IndicatorValue out;
  out.is_rate = true;
  out.ratio = r;
  out.value = r.value();
  out.defined = r.defined();
  out.numerator = r.numerator();
  out.denominator = r.denominator();
  return out;
}
}  // namespace

IndicatorValue ValueOf(const v1::Indicators& in, v1::Indicator indicator) {
  if (const v1::Ratio* r = RateOf(in, indicator)) return ValueOfRatio(*r);
  IndicatorValue out;
  auto count = [&out](int64_t n) {
    out.value = static_cast<double>(n);
    out.numerator = n;
    out.defined = true;
  };
  switch (indicator) {
    case v1::INDICATOR_COMPOSITE:
      out.value = in.composite_score();
      out.defined = in.composite_defined();
      break;
    case v1::INDICATOR_REPORTS:
      count(in.reports());
      break;
    case v1::INDICATOR_VALID_REPORTS:
      count(in.valid_reports());
      break;
    case v1::INDICATOR_REGISTERED:
      count(in.registered());
      break;
    case v1::INDICATOR_HANDLED:
      count(in.handled());
      break;
    case v1::INDICATOR_CLOSED:
      count(in.closed());
      break;
    case v1::INDICATOR_OPEN_OVERDUE_NOW:
      count(in.open_overdue_now());
      break;
    case v1::INDICATOR_AVERAGE_HANDLING_WORKING_HOURS:
      out.value = in.average_handling_working_hours();
      out.defined = in.handled() > 0;
      break;
    default:
      break;
  }
  return out;
}

bool IsMemberWorkIndicator(v1::Indicator indicator) {
  return indicator == v1::INDICATOR_GRID_MEMBER_SCORE ||
         indicator == v1::INDICATOR_PATROL_COVERAGE;
}

IndicatorValue ValueOf(const v1::GridMemberWork& work,
                       v1::Indicator indicator) {
  if (indicator == v1::INDICATOR_PATROL_COVERAGE) {
    return ValueOfRatio(work.patrol_coverage());
  }
  IndicatorValue out;
  if (indicator == v1::INDICATOR_GRID_MEMBER_SCORE) {
    out.value = work.score();
    out.defined = work.score_defined();
  }
  return out;
}

}  // namespace gridcase::stats
