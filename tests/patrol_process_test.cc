// Patrols against the real stack (registry with the sample city, intake,
// stats), driven by gridctl as a grid member's app would: a patrol is
// started, tracked and ended; a check-in outside the member's grids is
// refused, naming the grid the place lies in, and leaves nothing behind; the
// grids the patrol reached count toward the member's coverage in the
// grid-member ranking.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gridcase/v1/patrol.grpc.pb.h"
#include "gridcase/v1/registry.grpc.pb.h"
#include "tests/stats_stack.h"

namespace gridcase {
namespace {

using ::gridcase::testing::Gridctl;
using ::gridcase::testing::kChief;
using ::gridcase::testing::StatsProcessTest;
using ::gridcase::testing::WithActor;
using ::testing::HasSubstr;
using ::testing::Not;

// m-0022 of the sample city patrols 濮院镇's grids 330483101002001-006.
constexpr char kMember[] =
    "subject=m-0022; roles=grid_manager; grids=330483101002001,"
    "330483101002002,330483101002003,330483101002004,330483101002005,"
    "330483101002006";
constexpr char kTheirGrid[] = "330483101002002";
constexpr char kInTheirGrid[] = "30.6843,120.6283";
constexpr char kOtherGrid[] = "330483102001001";  // 乌镇镇, not m-0022's

class PatrolProcessTest : public StatsProcessTest {
 protected:
  void SetUp() override {
    StatsProcessTest::SetUp();
    // The sample grids are loaded; the member is the sample's m-0022.
    auto stub = v1::RegistryService::NewStub(registry_->NewChannel());
    grpc::ClientContext context;
    WithActor(&context, ::gridcase::testing::kAdmin);
    v1::UpsertMemberRequest req;
    v1::Member* m = req.mutable_member();
    m->set_id("m-0022");
    m->set_name("网格员");
    m->set_phone("13800000022");
    m->add_roles(v1::ROLE_GRID_MANAGER);
    for (int i = 1; i <= 6; ++i) {
      m->add_grid_codes(absl::StrCat("33048310100200", i));
    }
    m->set_active(true);
    v1::UpsertMemberResponse resp;
    grpc::Status s = stub->UpsertMember(&context, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // The patrol id gridctl printed ("patrol <id>  member …").
  static std::string PatrolIdIn(const std::string& out) {
    std::vector<std::string> words = absl::StrSplit(out, ' ');
    return words.size() > 1 && words[0] == "patrol" ? words[1] : "";
  }

  // "LAT,LNG" of a grid's centroid, as the registry has it.
  std::string CentreOf(const std::string& grid) {
    auto stub = v1::RegistryService::NewStub(registry_->NewChannel());
    grpc::ClientContext context;
    WithActor(&context, kChief);
    v1::GetRegionRequest req;
    req.set_code(grid);
    v1::GetRegionResponse resp;
    grpc::Status s = stub->GetRegion(&context, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return absl::StrCat(resp.region().centroid().latitude(), ",",
                        resp.region().centroid().longitude());
  }

  int Patrol(std::vector<std::string> args, std::string* out, std::string* err,
             const std::string& actor = kMember) {
    args.insert(args.begin(), "patrol");
    return Gridctl(intake_->target(), actor, std::move(args), out, err);
  }
};

TEST_F(PatrolProcessTest, ACheckInOutsideTheMembersGridsIsRefused) {
  std::string out, err;
  // Intake's copy of the registry learns of the member within its reload
  // interval; the same request_id makes the retries one start.
  int code = -1;
  for (absl::Time until = absl::Now() + absl::Seconds(15);
       code != 0 && absl::Now() < until;
       absl::SleepFor(absl::Milliseconds(200))) {
    code = Patrol({"start", "--request-id=start-1"}, &out, &err);
  }
  ASSERT_EQ(code, 0) << err;
  std::string id = PatrolIdIn(out);
  ASSERT_THAT(id, HasSubstr("m-0022-")) << out;

  ASSERT_EQ(Patrol({"track", id, kInTheirGrid, "30.6848,120.6283"}, &out, &err),
            0)
      << err;
  EXPECT_THAT(out, HasSubstr("2 points"));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("grids visited: ", kTheirGrid)));

  // In 乌镇镇: refused, naming where, the grid and the member's grids.
  std::string elsewhere = CentreOf(kOtherGrid);
  EXPECT_NE(
      Patrol({"checkin", id, absl::StrCat("--at=", elsewhere)}, &out, &err), 0);
  EXPECT_THAT(err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(err, HasSubstr(absl::StrCat("lies in grid ", kOtherGrid)));
  EXPECT_THAT(err, HasSubstr("not one of member m-0022's grids"));

  ASSERT_EQ(Patrol({"checkin", id, absl::StrCat("--at=", kInTheirGrid),
                    "--note=井盖完好"},
                   &out, &err),
            0)
      << err;
  ASSERT_EQ(Patrol({"end", id}, &out, &err), 0) << err;
  EXPECT_THAT(out, HasSubstr("ENDED"));

  // Stored: one check-in (the refused one left nothing), both points.
  ASSERT_EQ(Patrol({"get", id, "--track"}, &out, &err, kChief), 0) << err;
  EXPECT_THAT(out, HasSubstr("1 check-ins"));
  EXPECT_THAT(out, HasSubstr(absl::StrCat("check-in ")));
  EXPECT_THAT(out, Not(HasSubstr(kOtherGrid)));
  // Another grid manager may not read it.
  EXPECT_NE(
      Patrol({"get", id}, &out, &err, "subject=m-0023; roles=grid_manager"), 0);
  EXPECT_THAT(err, HasSubstr("PERMISSION_DENIED"));

  // Coverage: one of m-0022's six grids today.
  v1::RankingRequest req;
  req.set_level(v1::RANKING_LEVEL_GRID_MANAGER);
  req.set_indicator(v1::INDICATOR_PATROL_COVERAGE);
  req.set_parent_code("330483101");
  *req.mutable_period() = period_;
  grpc::ClientContext context;
  WithActor(&context, kChief);
  v1::RankingResponse ranking;
  ASSERT_TRUE(stats_stub_->Ranking(&context, req, &ranking).ok());
  ASSERT_GT(ranking.entries_size(), 0);
  const v1::RankingEntry& first = ranking.entries(0);
  EXPECT_EQ(first.key(), "m-0022");
  EXPECT_EQ(first.work().grids(), 6);
  EXPECT_EQ(first.work().grids_visited(), 1);
  EXPECT_EQ(first.work().patrols(), 1);
  EXPECT_EQ(first.work().check_ins(), 1);
  EXPECT_NEAR(first.value(), 1.0 / 6, 1e-9);
  EXPECT_TRUE(first.work().score_defined());
}

}  // namespace
}  // namespace gridcase
