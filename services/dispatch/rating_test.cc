// Satisfaction (满意度) and callbacks (回访) through Transitions: who may rate
// a closed case, once per person and closure, within the rating window; the
// UNSATISFIED queue and the duty chief's review or reopening.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/dispatch/transitions_fixture.h"

namespace gridcase::dispatch {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCitizenId[] = "wx-1";

class RatingTest : public TransitionsTest {
 protected:
  // The case, reported by citizen kCitizenId, closed on time.
  void SetUp() override {
    v1::Case c = Reported(kCaseId);
    c.set_source(v1::SOURCE_WECHAT);
    c.mutable_reporter()->set_id(kCitizenId);
    store_.Put(c);
    Drive(kToClosed);
  }

  absl::StatusOr<Committed> Rate(const v1::Actor& actor, v1::Satisfaction s,
                                 const std::string& rater_id = "") {
    TransitionRequest req;
    req.case_id = kCaseId;
    req.input.satisfaction = s;
    req.input.rater_id = rater_id;
    req.input.note = "处理得不彻底";
    return transitions_.Run(Action::kRate, actor, std::move(req));
  }

  static v1::Actor Citizen(const std::string& id) {
    return Make(id, v1::ROLE_CITIZEN);
  }
};

TEST_F(RatingTest, AnUnsatisfiedRatingWaitsForTheDutyChief) {
  absl::StatusOr<Committed> rated =
      Rate(Citizen(kCitizenId), v1::SATISFACTION_UNSATISFIED);
  ASSERT_THAT(rated.status(), IsOk());
  EXPECT_EQ(rated->event.type(), v1::CASE_EVENT_TYPE_RATED);
  EXPECT_EQ(rated->event.to_state(), v1::CASE_STATE_CLOSED);
  EXPECT_EQ(rated->event.data().at("satisfaction"), "UNSATISFIED");
  EXPECT_EQ(rated->event.data().at("rater_id"), kCitizenId);
  EXPECT_EQ(rated->event.data().count("callback"), 0u);
  EXPECT_EQ(rated->event.note(), "处理得不彻底");
  EXPECT_EQ(rated->event.closure_type(), v1::CLOSURE_TYPE_NORMAL);
  ASSERT_EQ(rated->c.ratings_size(), 1);
  EXPECT_EQ(rated->c.ratings(0).rater_id(), kCitizenId);
  EXPECT_EQ(rated->c.ratings(0).closure(), 0);
  EXPECT_FALSE(rated->c.ratings(0).callback());
  EXPECT_TRUE(rated->c.rating_review_pending());
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Contains("q:unsatisfied"));

  // Once per person and closure.
  EXPECT_THAT(Rate(Citizen(kCitizenId), v1::SATISFACTION_SATISFIED).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("wx-1 already rated this closure of case")));

  // The chief keeps the case closed: it leaves the queue, once.
  ASSERT_THAT(Run(Action::kReviewRating, Chief()).status(), IsOk());
  EXPECT_FALSE(Current().rating_review_pending());
  EXPECT_EQ(Current().state(), v1::CASE_STATE_CLOSED);
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Not(Contains("q:unsatisfied")));
  EXPECT_THAT(Run(Action::kReviewRating, Chief()).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no unsatisfied rating waiting for review")));
}

TEST_F(RatingTest, SatisfiedRatingsNeedNoReview) {
  absl::StatusOr<Committed> rated =
      Rate(Citizen(kCitizenId), v1::SATISFACTION_BASICALLY_SATISFIED);
  ASSERT_THAT(rated.status(), IsOk());
  EXPECT_FALSE(rated->c.rating_review_pending());
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Not(Contains("q:unsatisfied")));
}

TEST_F(RatingTest, FollowersRateAndStrangersDoNot) {
  EXPECT_THAT(Rate(Citizen("wx-2"), v1::SATISFACTION_SATISFIED).status(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("only the reporter and the followers of case "
                                 "330483-20260629-000017 may rate it; wx-2 is "
                                 "neither")));
  EXPECT_THAT(
      Rate(Citizen("wx-2"), v1::SATISFACTION_SATISFIED, kCitizenId).status(),
      StatusIs(absl::StatusCode::kPermissionDenied,
               HasSubstr("rater_id: a citizen rates as themselves (wx-2)")));
  store_.AddFollower(kCaseId, "wx-2");
  absl::StatusOr<Committed> rated =
      Rate(Citizen("wx-2"), v1::SATISFACTION_SATISFIED);
  ASSERT_THAT(rated.status(), IsOk());
  EXPECT_EQ(rated->c.ratings(0).rater_id(), "wx-2");
  // The reporter still has their own say.
  EXPECT_THAT(Rate(Citizen(kCitizenId), v1::SATISFACTION_SATISFIED).status(),
              IsOk());
  EXPECT_EQ(Current().ratings_size(), 2);
}

TEST_F(RatingTest, AHotlineCallbackRatesForTheReporter) {
  absl::StatusOr<Committed> rated =
      Rate(Acceptor(), v1::SATISFACTION_BASICALLY_SATISFIED);
  ASSERT_THAT(rated.status(), IsOk());
  ASSERT_EQ(rated->c.ratings_size(), 1);
  EXPECT_EQ(rated->c.ratings(0).rater_id(), kCitizenId);
  EXPECT_TRUE(rated->c.ratings(0).callback());
  EXPECT_EQ(rated->event.data().at("callback"), "1");
  EXPECT_EQ(rated->event.data().at("rater_id"), kCitizenId);
  // The callback was the reporter's rating of this closure.
  EXPECT_THAT(Rate(Citizen(kCitizenId), v1::SATISFACTION_SATISFIED).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("already rated")));
  // A callback names someone who reported or follows the case.
  EXPECT_THAT(
      Rate(Acceptor(), v1::SATISFACTION_SATISFIED, "13800000000").status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("rater_id: '13800000000' neither reported nor "
                         "follows")));
}

TEST_F(RatingTest, OnlyClosedCasesWithinTheWindow) {
  clock_.Advance(absl::Hours(7 * 24 + 1));
  EXPECT_THAT(Rate(Citizen(kCitizenId), v1::SATISFACTION_SATISFIED).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("may be rated only within 168h of closure")));
  v1::Case open = Reported("330483-20260629-000018");
  open.mutable_reporter()->set_id(kCitizenId);
  store_.Put(open);
  TransitionRequest req;
  req.case_id = open.id();
  req.input.satisfaction = v1::SATISFACTION_SATISFIED;
  EXPECT_THAT(
      transitions_.Run(Action::kRate, Citizen(kCitizenId), req).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("is REPORTED; RateCase needs CLOSED")));
}

// The chief may act on a complaint after the reopen window; the reopened
// case, closed again, may be rated again.
TEST_F(RatingTest, AComplaintReopensTheCaseAfterTheWindow) {
  clock_.Advance(absl::Hours(6 * 24));
  ASSERT_THAT(Rate(Citizen(kCitizenId), v1::SATISFACTION_UNSATISFIED).status(),
              IsOk());
  clock_.Advance(absl::Hours(3 * 24));  // 9 days after closure
  absl::StatusOr<Committed> reopened = Run(Action::kReopen, Chief());
  ASSERT_THAT(reopened.status(), IsOk());
  EXPECT_EQ(reopened->c.state(), v1::CASE_STATE_DISPATCHED);
  EXPECT_FALSE(reopened->c.rating_review_pending());
  EXPECT_THAT(store_.QueuesOfCase(kCaseId), Not(Contains("q:unsatisfied")));
  Drive({Action::kAcknowledge, Action::kSubmitHandling, Action::kVerifyPass});
  absl::StatusOr<Committed> again =
      Rate(Citizen(kCitizenId), v1::SATISFACTION_SATISFIED);
  ASSERT_THAT(again.status(), IsOk());
  ASSERT_EQ(again->c.ratings_size(), 2);
  EXPECT_EQ(again->c.ratings(1).closure(), 1);
  // Without a pending complaint the window holds as before.
  clock_.Advance(absl::Hours(8 * 24));
  EXPECT_THAT(Run(Action::kReopen, Chief()).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("may be reopened only within")));
}

}  // namespace
}  // namespace gridcase::dispatch
