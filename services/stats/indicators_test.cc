// Indicators from counters: rates with their parts, undefined rates, the
// average handling time, the composite score and its weights.
#include "services/stats/indicators.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::stats {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using C = Counter;

TEST(Indicators, RatesCarryTheirPartsAndUndefinedIsNotZero) {
  Counts c;
  c[C::kReports] = 8;
  c[C::kValidReports] = 6;
  c[C::kClosed] = 3;
  c[C::kDueToClose] = 4;
  c[C::kClosedOnTime] = 2;
  c[C::kHandled] = 4;
  c[C::kReworked] = 1;
  c[C::kHandlingSeconds] = 4 * 5400;  // 1.5 working hours each
  v1::Indicators in = Derive(c, 2, DefaultWeights());
  EXPECT_EQ(in.valid_report_rate().numerator(), 6);
  EXPECT_EQ(in.valid_report_rate().denominator(), 8);
  EXPECT_DOUBLE_EQ(in.valid_report_rate().value(), 0.75);
  EXPECT_TRUE(in.valid_report_rate().defined());
  EXPECT_DOUBLE_EQ(in.close_rate().value(), 0.75);
  EXPECT_DOUBLE_EQ(in.on_time_close_rate().value(), 0.5);
  EXPECT_DOUBLE_EQ(in.rework_rate().value(), 0.25);
  EXPECT_DOUBLE_EQ(in.average_handling_working_hours(), 1.5);
  EXPECT_EQ(in.open_overdue_now(), 2);
  // Nothing registered: 按时立案率 is undefined, shown as "—", value 0.
  EXPECT_FALSE(in.on_time_register_rate().defined());
  EXPECT_EQ(in.on_time_register_rate().value(), 0);
}

TEST(Indicators, CompositeUsesDefinedWeightedRatesOnly) {
  Counts c;
  c[C::kClosedOnTime] = 1;
  c[C::kClosed] = 2;
  c[C::kDueToClose] = 2;
  c[C::kHandled] = 4;
  c[C::kReworked] = 1;
  // Defined: 按期结案率 .5 (w .3), 结案率 1 (w .2), 返工率 .25 (w .1, lower
  // is better so it scores .75). Others undefined and left out.
  v1::Indicators in = Derive(c, 0, DefaultWeights());
  EXPECT_TRUE(in.composite_defined());
  EXPECT_NEAR(in.composite_score(),
              100.0 * (0.3 * 0.5 + 0.2 * 1.0 + 0.1 * 0.75) / 0.6, 1e-9);
  v1::Indicators none = Derive(Counts{}, 0, DefaultWeights());
  EXPECT_FALSE(none.composite_defined());
  EXPECT_EQ(none.composite_score(), 0);
}

TEST(Indicators, ValueOfReadsRatesCountsAndAverages) {
  Counts c;
  c[C::kReports] = 5;
  c[C::kDispatched] = 4;
  c[C::kDispatchedAccurately] = 3;
  v1::Indicators in = Derive(c, 1, DefaultWeights());
  IndicatorValue rate = ValueOf(in, v1::INDICATOR_ACCURATE_DISPATCH_RATE);
  EXPECT_TRUE(rate.is_rate);
  EXPECT_DOUBLE_EQ(rate.value, 0.75);
  EXPECT_EQ(rate.denominator, 4);
  IndicatorValue count = ValueOf(in, v1::INDICATOR_REPORTS);
  EXPECT_FALSE(count.is_rate);
  EXPECT_EQ(count.numerator, 5);
  EXPECT_TRUE(ValueOf(in, v1::INDICATOR_OPEN_OVERDUE_NOW).defined);
  EXPECT_FALSE(
      ValueOf(in, v1::INDICATOR_AVERAGE_HANDLING_WORKING_HOURS).defined);
  EXPECT_FALSE(HigherIsBetter(v1::INDICATOR_REWORK_RATE));
  EXPECT_FALSE(HigherIsBetter(v1::INDICATOR_OPEN_OVERDUE_NOW));
  EXPECT_TRUE(HigherIsBetter(v1::INDICATOR_COMPOSITE));
}

TEST(Indicators, WeightsAreValidatedWithTheFieldNamed) {
  google::protobuf::RepeatedPtrField<v1::Weight> w;
  EXPECT_THAT(WeightsFromRequest(w, DefaultWeights()),
              ::gridcase::testing::IsOkAndHolds(DefaultWeights()));
  v1::Weight* a = w.Add();
  a->set_indicator(v1::INDICATOR_COMPOSITE);
  a->set_weight(1);
  EXPECT_THAT(WeightsFromRequest(w, DefaultWeights()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("weights[0].indicator: must be a rate")));
  a->set_indicator(v1::INDICATOR_CLOSE_RATE);
  a->set_weight(-1);
  EXPECT_THAT(WeightsFromRequest(w, DefaultWeights()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("weights[0].weight")));
  a->set_weight(0);
  EXPECT_THAT(WeightsFromRequest(w, DefaultWeights()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("at least one weight must be > 0")));
  a->set_weight(2);
  *w.Add() = *a;
  EXPECT_THAT(
      WeightsFromRequest(w, DefaultWeights()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("listed twice")));
}

// 满意率 = (satisfied + basically satisfied) / rated, a rate like the others:
// rankable and weighable.
TEST(Indicators, SatisfactionRateCountsBasicallySatisfiedAsSatisfied) {
  Counts c;
  c[C::kRated] = 8;
  c[C::kSatisfied] = 4;
  c[C::kBasicallySatisfied] = 2;
  c[C::kUnsatisfied] = 2;
  v1::Indicators in = Derive(c, 0, DefaultWeights());
  EXPECT_EQ(in.rated(), 8);
  EXPECT_EQ(in.unsatisfied(), 2);
  EXPECT_EQ(in.satisfaction_rate().numerator(), 6);
  EXPECT_EQ(in.satisfaction_rate().denominator(), 8);
  EXPECT_DOUBLE_EQ(in.satisfaction_rate().value(), 0.75);
  IndicatorValue v = ValueOf(in, v1::INDICATOR_SATISFACTION_RATE);
  EXPECT_TRUE(v.is_rate);
  EXPECT_DOUBLE_EQ(v.value, 0.75);
  EXPECT_TRUE(IsRate(v1::INDICATOR_SATISFACTION_RATE));
  EXPECT_TRUE(HigherIsBetter(v1::INDICATOR_SATISFACTION_RATE));
  ASSERT_OK_AND_ASSIGN(Weights w, ParseWeights("SATISFACTION_RATE=1"));
  EXPECT_DOUBLE_EQ(Derive(c, 0, w).composite_score(), 75.0);
  EXPECT_FALSE(
      Derive(Counts{}, 0, DefaultWeights()).satisfaction_rate().defined());
}

TEST(Indicators, OnTimeCheckRateIsChecksOnTimeOverChecksDue) {
  Counts c;
  c[C::kChecked] = 3;
  c[C::kDueToCheck] = 4;
  c[C::kCheckedOnTime] = 2;
  v1::Indicators in = Derive(c, 0, DefaultWeights());
  EXPECT_EQ(in.checked(), 3);
  EXPECT_EQ(in.due_to_check(), 4);
  EXPECT_DOUBLE_EQ(in.on_time_check_rate().value(), 0.5);
  EXPECT_TRUE(IsRate(v1::INDICATOR_ON_TIME_CHECK_RATE));
  EXPECT_DOUBLE_EQ(ValueOf(in, v1::INDICATOR_ON_TIME_CHECK_RATE).value, 0.5);
}

TEST(Indicators, ParsesTheWeightsFlag) {
  ASSERT_OK_AND_ASSIGN(Weights w,
                       ParseWeights("ON_TIME_CLOSE_RATE=0.7, REWORK_RATE=0.3"));
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].first, v1::INDICATOR_ON_TIME_CLOSE_RATE);
  EXPECT_DOUBLE_EQ(w[1].second, 0.3);
  EXPECT_THAT(ParseWeights("CLOSE_RATE=x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'CLOSE_RATE=x'")));
  EXPECT_THAT(ParseWeights("SPEED=1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown indicator")));
}

}  // namespace
}  // namespace gridcase::stats
