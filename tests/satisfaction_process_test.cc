// Satisfaction (满意度) and callbacks (回访) through the public APIs of real
// processes: a citizen rates a closed case, an acceptor records a callback,
// the duty chief works the UNSATISFIED queue, and gridcase-stats counts
// 满意率 in the summary and the town ranking, equal after a rebuild.
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/case_stack.h"
#include "tests/stats_stack.h"

namespace gridcase {
namespace {

using ::gridcase::testing::Gridctl;
using ::gridcase::testing::kAcceptor;
using ::gridcase::testing::kChief;
using ::gridcase::testing::kCitizen;
using ::gridcase::testing::kDispatcher;
using ::gridcase::testing::kSanitation;
using ::gridcase::testing::kTown;
using ::gridcase::testing::StatsProcessTest;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

class SatisfactionProcessTest : public StatsProcessTest {
 protected:
  // A citizen's WeChat report (kCitizen), registered, dispatched to
  // sanitation and closed.
  std::string ClosedCitizenCase(int north) {
    std::string id = Report(false, "E0101", north);
    EXPECT_OK(
        RegisterCase(kDispatcher, For<v1::RegisterCaseRequest>(id)).status());
    auto dispatch = For<v1::DispatchCaseRequest>(id);
    dispatch.set_department_id("sanitation");
    EXPECT_OK(DispatchCase(kDispatcher, dispatch).status());
    Close(id, kSanitation);
    return id;
  }

  v1::RateCaseRequest Rating(const std::string& id, v1::Satisfaction level,
                             const std::string& comment = "") {
    auto r = For<v1::RateCaseRequest>(id);
    r.set_satisfaction(level);
    r.set_comment(comment);
    return r;
  }

  std::vector<std::string> UnsatisfiedQueue() {
    v1::ListQueueRequest req;
    req.set_queue(v1::QUEUE_UNSATISFIED);
    absl::StatusOr<v1::ListQueueResponse> q = ListQueue(kChief, req);
    EXPECT_OK(q.status());
    std::vector<std::string> ids;
    if (q.ok()) {
      for (const v1::QueueItem& item : q->items()) {
        ids.push_back(item.case_().id());
      }
    }
    return ids;
  }
};

TEST_F(SatisfactionProcessTest, RatingsCallbacksAndTheDutyChiefsQueue) {
  std::string a = ClosedCitizenCase(20);
  std::string b = ClosedCitizenCase(21);

  // A: the reporter is unsatisfied; the case waits for the duty chief.
  ASSERT_OK_AND_ASSIGN(
      v1::RateCaseResponse rated,
      RateCase(kCitizen, Rating(a, v1::SATISFACTION_UNSATISFIED, "又脏了")));
  EXPECT_EQ(rated.event().type(), v1::CASE_EVENT_TYPE_RATED);
  EXPECT_EQ(rated.case_().state(), v1::CASE_STATE_CLOSED);
  EXPECT_TRUE(rated.case_().rating_review_pending());
  ASSERT_EQ(rated.case_().ratings_size(), 1);
  EXPECT_EQ(rated.case_().ratings(0).comment(), "又脏了");
  EXPECT_EQ(UnsatisfiedQueue(), std::vector<std::string>{a});
  EXPECT_THAT(RateCase(kCitizen, Rating(a, v1::SATISFACTION_SATISFIED)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("already rated this closure")));
  EXPECT_THAT(RateCase("subject=wx-2; roles=citizen",
                       Rating(a, v1::SATISFACTION_SATISFIED)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("wx-2 is neither")));
  EXPECT_THAT(RateCase(kCitizen, Rating(b, v1::SATISFACTION_UNSPECIFIED)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("satisfaction: is required")));
  EXPECT_THAT(RateCase(kChief, Rating(b, v1::SATISFACTION_SATISFIED)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("RateCase needs role")));

  // The duty chief keeps A closed, with a note; it leaves the queue.
  auto review = For<v1::ReviewRatingRequest>(a);
  EXPECT_THAT(ReviewRating(kChief, review),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("note")));
  review.set_note("已电话沟通，垃圾为新产生，已另行上报");
  ASSERT_OK_AND_ASSIGN(v1::ReviewRatingResponse reviewed,
                       ReviewRating(kChief, review));
  EXPECT_EQ(reviewed.event().type(), v1::CASE_EVENT_TYPE_RATING_REVIEWED);
  EXPECT_FALSE(reviewed.case_().rating_review_pending());
  EXPECT_TRUE(UnsatisfiedQueue().empty());

  // B: a hotline operator's callback records the reporter's rating.
  ASSERT_OK_AND_ASSIGN(
      v1::RateCaseResponse called,
      RateCase(kAcceptor, Rating(b, v1::SATISFACTION_BASICALLY_SATISFIED)));
  ASSERT_EQ(called.case_().ratings_size(), 1);
  EXPECT_EQ(called.case_().ratings(0).rater_id(), "wx-1");
  EXPECT_TRUE(called.case_().ratings(0).callback());

  // 满意率 = (0 + 1) / 2, for the town and for sanitation.
  v1::Indicators x = AwaitTownIndicators(
      [](const v1::Indicators& i) { return i.rated() == 2; });
  EXPECT_EQ(x.rated(), 2);
  EXPECT_EQ(x.satisfied(), 0);
  EXPECT_EQ(x.basically_satisfied(), 1);
  EXPECT_EQ(x.unsatisfied(), 1);
  EXPECT_EQ(x.satisfaction_rate().numerator(), 1);
  EXPECT_EQ(x.satisfaction_rate().denominator(), 2);
  ASSERT_OK_AND_ASSIGN(
      v1::RankingResponse towns,
      Ranking(v1::RANKING_LEVEL_TOWN, v1::INDICATOR_SATISFACTION_RATE));
  bool found = false;
  for (const v1::RankingEntry& e : towns.entries()) {
    if (e.key() != kTown) continue;
    found = true;
    EXPECT_DOUBLE_EQ(e.value(), 0.5);
    EXPECT_TRUE(e.defined());
  }
  EXPECT_TRUE(found);
  ASSERT_OK_AND_ASSIGN(
      v1::RankingResponse departments,
      Ranking(v1::RANKING_LEVEL_DEPARTMENT, v1::INDICATOR_SATISFACTION_RATE));
  ASSERT_GE(departments.entries_size(), 1);
  EXPECT_EQ(departments.entries(0).key(), "sanitation");
  EXPECT_EQ(departments.entries(0).indicators().rated(), 2);

  // A rebuild from the timelines counts the same.
  EXPECT_THAT(StatsRebuild(), HasSubstr("\"cases\":2,"));
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse after,
                       Summary(v1::SCOPE_KIND_REGION, kTown));
  EXPECT_EQ(after.indicators().rated(), 2);
  EXPECT_EQ(after.indicators().unsatisfied(), 1);
  EXPECT_EQ(after.indicators().basically_satisfied(), 1);
}

// An unsatisfied rating sends the case back: the duty chief reopens it, and
// after the department's second try the reporter rates again.
TEST_F(SatisfactionProcessTest, AComplaintReopensAndTheNewClosureIsRated) {
  std::string id = ClosedCitizenCase(22);
  ASSERT_OK(
      RateCase(kCitizen, Rating(id, v1::SATISFACTION_UNSATISFIED)).status());
  auto reopen = For<v1::ReopenCaseRequest>(id);
  reopen.set_reason("回访不满意，重新处置");
  ASSERT_OK_AND_ASSIGN(v1::ReopenCaseResponse reopened,
                       ReopenCase(kChief, reopen));
  EXPECT_EQ(reopened.case_().state(), v1::CASE_STATE_DISPATCHED);
  EXPECT_FALSE(reopened.case_().rating_review_pending());
  EXPECT_TRUE(UnsatisfiedQueue().empty());
  Close(id, kSanitation);
  ASSERT_OK_AND_ASSIGN(
      v1::RateCaseResponse again,
      RateCase(kCitizen, Rating(id, v1::SATISFACTION_SATISFIED)));
  ASSERT_EQ(again.case_().ratings_size(), 2);
  EXPECT_EQ(again.case_().ratings(1).closure(), 1);
  v1::Indicators x = AwaitTownIndicators(
      [](const v1::Indicators& i) { return i.rated() == 2; });
  EXPECT_EQ(x.satisfied(), 1);
  EXPECT_EQ(x.unsatisfied(), 1);
}

// gridctl rates, lists the UNSATISFIED queue and keeps a case closed.
TEST_F(SatisfactionProcessTest, GridctlRatesAndReviews) {
  std::string id = ClosedCitizenCase(23);
  const std::string target = dispatch_->target();
  std::string out, err;
  EXPECT_EQ(
      Gridctl(target, kCitizen,
              {"dispatch", "rate", id, "--satisfaction=happy"}, &out, &err),
      1);
  EXPECT_THAT(err, HasSubstr("--satisfaction: satisfied, basically_satisfied "
                             "or unsatisfied"));
  ASSERT_EQ(Gridctl(target, kCitizen,
                    {"dispatch", "rate", id, "--satisfaction=unsatisfied",
                     "--note=还是很脏"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr(absl::StrCat(id, "  CLOSED")));
  EXPECT_THAT(out, HasSubstr("RATED"));
  ASSERT_EQ(Gridctl(target, kChief, {"queue", "unsatisfied"}, &out, &err), 0)
      << err;
  EXPECT_THAT(out, HasSubstr(id));
  ASSERT_EQ(
      Gridctl(target, kChief,
              {"dispatch", "review-rating", id, "--note=已沟通，维持结案"},
              &out, &err),
      0)
      << err;
  EXPECT_THAT(out, HasSubstr("RATING_REVIEWED"));
  ASSERT_EQ(Gridctl(target, kChief, {"queue", "unsatisfied"}, &out, &err), 0)
      << err;
  EXPECT_THAT(out, ::testing::Not(HasSubstr(id)));
}

}  // namespace
}  // namespace gridcase
