// 核实 (on-site check before registration) through the public APIs of real
// processes: the acceptor asks, the grid's inspector finds it on their CHECK
// queue and reports, the case is back in REVIEW with the finding, and
// gridcase-stats counts 按期核实率. gridctl drives the same steps.
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/case_stack.h"
#include "tests/stats_stack.h"

namespace gridcase {
namespace {

using ::gridcase::testing::Gridctl;
using ::gridcase::testing::kAcceptor;
using ::gridcase::testing::kInspector;
using ::gridcase::testing::kSanitation;
using ::gridcase::testing::StatsProcessTest;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

class CheckProcessTest : public StatsProcessTest {
 protected:
  std::vector<v1::QueueItem> Queue(v1::Queue queue, const std::string& actor) {
    v1::ListQueueRequest req;
    req.set_queue(queue);
    absl::StatusOr<v1::ListQueueResponse> q = ListQueue(actor, req);
    EXPECT_OK(q.status());
    if (!q.ok()) return {};
    return {q->items().begin(), q->items().end()};
  }

  static bool Holds(const std::vector<v1::QueueItem>& items,
                    const std::string& id) {
    for (const v1::QueueItem& item : items) {
      if (item.case_().id() == id) return true;
    }
    return false;
  }
};

TEST_F(CheckProcessTest, AReportIsCheckedOnSiteBeforeRegistration) {
  std::string id = Report(false, "E0101", 30);
  auto ask = For<v1::RequestCheckRequest>(id);
  ask.set_note("请到现场核实是否有暴露垃圾");
  ASSERT_OK_AND_ASSIGN(v1::RequestCheckResponse asked,
                       RequestCheck(kAcceptor, ask));
  EXPECT_EQ(asked.case_().state(), v1::CASE_STATE_CHECKING);
  EXPECT_EQ(asked.event().type(), v1::CASE_EVENT_TYPE_CHECK_REQUESTED);

  // The grid's inspector sees it on their CHECK queue, stage CHECK.
  std::vector<v1::QueueItem> mine = Queue(v1::QUEUE_CHECK, kInspector);
  ASSERT_TRUE(Holds(mine, id));
  EXPECT_EQ(mine.front().stage(), v1::STAGE_CHECK);
  EXPECT_FALSE(Holds(Queue(v1::QUEUE_REVIEW, kAcceptor), id));
  EXPECT_THAT(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(id)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is CHECKING; RegisterCase needs REPORTED")));

  // Department staff may not report a finding; the inspector does.
  auto finding = For<v1::SubmitCheckRequest>(id);
  finding.set_confirmed(true);
  EXPECT_THAT(SubmitCheck(kInspector, finding),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("note")));
  finding.set_note("现场确有两袋生活垃圾");
  EXPECT_THAT(SubmitCheck(kSanitation, finding),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("SubmitCheck needs role")));
  ASSERT_OK_AND_ASSIGN(v1::SubmitCheckResponse found,
                       SubmitCheck(kInspector, finding));
  EXPECT_EQ(found.case_().state(), v1::CASE_STATE_REPORTED);
  EXPECT_EQ(found.event().data().at("confirmed"), "1");

  // Back in REVIEW with the finding, for the acceptor to register.
  bool back = false;
  for (const v1::QueueItem& item : Queue(v1::QUEUE_REVIEW, kAcceptor)) {
    if (item.case_().id() != id) continue;
    back = true;
    EXPECT_EQ(item.reason(),
              "checked on site, confirmed: 现场确有两袋生活垃圾");
  }
  EXPECT_TRUE(back);
  EXPECT_FALSE(Holds(Queue(v1::QUEUE_CHECK, kInspector), id));
  ASSERT_OK(RegisterCase(kAcceptor, For<v1::RegisterCaseRequest>(id)).status());

  // 按期核实率 1/1 for the town.
  v1::Indicators x = AwaitTownIndicators(
      [](const v1::Indicators& i) { return i.checked() == 1; });
  EXPECT_EQ(x.checked(), 1);
  EXPECT_EQ(x.due_to_check(), 1);
  EXPECT_EQ(x.checked_on_time(), 1);
  EXPECT_DOUBLE_EQ(x.on_time_check_rate().value(), 1.0);
}

TEST_F(CheckProcessTest, GridctlAsksAndReportsTheFinding) {
  std::string id = Report(false, "E0101", 31);
  const std::string target = dispatch_->target();
  std::string out, err;
  ASSERT_EQ(Gridctl(target, kAcceptor,
                    {"dispatch", "check", id, "--note=请核实"}, &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr(absl::StrCat(id, "  CHECKING")));
  ASSERT_EQ(Gridctl(target, kInspector, {"queue", "check"}, &out, &err), 0)
      << err;
  EXPECT_THAT(out, HasSubstr(id));
  EXPECT_EQ(Gridctl(target, kInspector,
                    {"dispatch", "check-result", id, "--note=无"}, &out, &err),
            1);
  EXPECT_THAT(err, HasSubstr("give --confirmed or --not-confirmed"));
  ASSERT_EQ(Gridctl(target, kInspector,
                    {"dispatch", "check-result", id, "--not-confirmed",
                     "--note=现场未见垃圾"},
                    &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr(absl::StrCat(id, "  REPORTED")));
  EXPECT_THAT(out, HasSubstr("CHECKED"));
}

}  // namespace
}  // namespace gridcase
