// PatrolServiceImpl over a real redis-server (RedisPatrolStore) and a fake
// registry with two grids, through an in-process gRPC server.
#include "services/intake/patrol_service.h"

#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/clock/fake_clock.h"
#include "common/clock/timestamp.h"
#include "common/redis/pipelined_client.h"
#include "common/registry_client/fake_registry_client.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/in_process_server.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::intake {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::_;
using ::testing::AllOf;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kMine[] = "330483101002002";    // m-1's grid
constexpr char kTheirs[] = "330483101002003";  // m-2's grid, to the north
constexpr char kManager[] = "subject=m-1; roles=grid_manager";
constexpr char kOtherManager[] = "subject=m-2; roles=grid_manager";
constexpr char kDispatcher[] = "subject=m-d; roles=dispatcher";
constexpr char kCitizen[] = "subject=wx-alice; roles=citizen";
constexpr char kAdmin[] = "subject=m-a; roles=admin";
// 2026-06-30 10:00 Asia/Shanghai.
const absl::Time kNow = absl::FromUnixSeconds(1782784800);

v1::LocateGridResponse Grid(const std::string& code) {
  v1::LocateGridResponse r;
  r.mutable_grid()->set_code(code);
  r.mutable_community()->set_code(code.substr(0, 12));
  r.mutable_town()->set_code(code.substr(0, 9));
  r.mutable_city()->set_code(code.substr(0, 6));
  return r;
}

v1::Member Manager(const std::string& id, const std::string& grid) {
  v1::Member m;
  m.set_id(id);
  m.set_name(id);
  m.add_roles(v1::ROLE_GRID_MANAGER);
  m.add_grid_codes(grid);
  m.set_active(true);
  v1::GridDuties* d = m.add_grid_duties();
  d->set_grid_code(grid);
  d->add_duty_codes("ROUTINE-SAFE");
  return m;
}

v1::GeoPoint Point(double lat, double lng) {
  v1::GeoPoint p;
  p.set_latitude(lat);
  p.set_longitude(lng);
  return p;
}

// In m-1's grid (30.680-30.690 N), in m-2's (30.690-30.700 N), in none.
const v1::GeoPoint kInMine = Point(30.684, 120.630);
const v1::GeoPoint kInTheirs = Point(30.695, 120.630);
const v1::GeoPoint kNowhere = Point(31.500, 121.500);

class PatrolServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(redis_, ::gridcase::testing::RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(redis_client_,
                         redis::PipelinedClient::Create(
                             {.address = redis_->address()}, /*lanes=*/1));
    store_ = std::make_unique<RedisPatrolStore>(redis_client_.get());
    registry_.AddGrid({Grid(kMine), 30.680, 120.625, 30.690, 120.635});
    registry_.AddGrid({Grid(kTheirs), 30.690, 120.625, 30.700, 120.635});
    registry_.AddMember(Manager("m-1", kMine));
    registry_.AddMember(Manager("m-2", kTheirs));
    service_ = std::make_unique<PatrolServiceImpl>(store_.get(), &registry_,
                                                   &authenticator_, &clock_);
    ASSERT_OK_AND_ASSIGN(
        server_, ::gridcase::testing::InProcessServer::Start(
                     {.services = {{service_.get(),
                                    v1::PatrolService::service_full_name()}}}));
    stub_ = v1::PatrolService::NewStub(server_->NewChannel());
  }

  template <typename Req, typename Resp>
  absl::StatusOr<Resp> Call(grpc::Status (v1::PatrolService::Stub::*rpc)(
                                grpc::ClientContext*, const Req&, Resp*),
                            const Req& request,
                            const std::string& actor = kManager) {
    grpc::ClientContext context;
    context.AddMetadata("x-gridcase-actor", actor);
    Resp response;
    RETURN_IF_ERROR(
        FromGrpcStatus((stub_.get()->*rpc)(&context, request, &response)));
    return response;
  }

  absl::StatusOr<v1::Patrol> Start(const std::string& request_id,
                                   const std::string& actor = kManager) {
    v1::StartPatrolRequest req;
    req.set_request_id(request_id);
    ASSIGN_OR_RETURN(auto resp,
                     Call(&v1::PatrolService::Stub::StartPatrol, req, actor));
    return resp.patrol();
  }

  absl::StatusOr<v1::Patrol> Track(const std::string& patrol_id,
                                   const std::string& request_id,
                                   std::vector<v1::GeoPoint> points,
                                   const std::string& actor = kManager) {
    v1::RecordTrackRequest req;
    req.set_request_id(request_id);
    req.set_patrol_id(patrol_id);
    for (const v1::GeoPoint& p : points) {
      v1::TrackPoint* t = req.add_points();
      *t->mutable_location() = p;
      *t->mutable_recorded_at() = ToTimestamp(clock_.Now());
    }
    ASSIGN_OR_RETURN(auto resp,
                     Call(&v1::PatrolService::Stub::RecordTrack, req, actor));
    return resp.patrol();
  }

  absl::StatusOr<v1::CheckInResponse> CheckIn(
      const std::string& patrol_id, const std::string& request_id,
      const v1::GeoPoint& where, const std::string& actor = kManager) {
    v1::CheckInRequest req;
    req.set_request_id(request_id);
    req.set_patrol_id(patrol_id);
    *req.mutable_location() = where;
    req.set_duty_code("ROUTINE-SAFE");
    req.set_note("井盖完好");
    return Call(&v1::PatrolService::Stub::CheckIn, req, actor);
  }

  absl::StatusOr<v1::Patrol> End(const std::string& patrol_id,
                                 const std::string& request_id,
                                 const std::string& actor = kManager) {
    v1::EndPatrolRequest req;
    req.set_request_id(request_id);
    req.set_patrol_id(patrol_id);
    ASSIGN_OR_RETURN(auto resp,
                     Call(&v1::PatrolService::Stub::EndPatrol, req, actor));
    return resp.patrol();
  }

  absl::StatusOr<v1::Patrol> Get(const std::string& patrol_id,
                                 const std::string& actor = kManager) {
    v1::GetPatrolRequest req;
    req.set_patrol_id(patrol_id);
    req.set_include_track(true);
    ASSIGN_OR_RETURN(auto resp,
                     Call(&v1::PatrolService::Stub::GetPatrol, req, actor));
    return resp.patrol();
  }

  std::vector<std::string> Visited(const std::string& member,
                                   const std::string& day) {
    absl::StatusOr<redis::Reply> r = redis_client_->Command(
        {"SMEMBERS", store::PatrolVisitedKey(member, day)});
    std::vector<std::string> out;
    if (r.ok()) {
      for (const redis::Reply& e : r->elements()) out.push_back(e.str());
    }
    return out;
  }

  std::unique_ptr<::gridcase::testing::RedisServer> redis_;
  std::unique_ptr<redis::PipelinedClient> redis_client_;
  std::unique_ptr<RedisPatrolStore> store_;
  registry_client::FakeRegistryClient registry_;
  auth::DevHeaderAuthenticator authenticator_;
  FakeClock clock_{kNow};
  std::unique_ptr<PatrolServiceImpl> service_;
  std::unique_ptr<::gridcase::testing::InProcessServer> server_;
  std::unique_ptr<v1::PatrolService::Stub> stub_;
};

TEST_F(PatrolServiceTest, APatrolIsStartedTrackedCheckedInAndEnded) {
  ASSERT_OK_AND_ASSIGN(v1::Patrol p, Start("s-1"));
  EXPECT_EQ(p.id(), "m-1-20260630-1");
  EXPECT_EQ(p.member_id(), "m-1");
  EXPECT_EQ(p.state(), v1::PATROL_STATE_ACTIVE);
  EXPECT_EQ(FromTimestamp(p.started_at()), kNow);

  // 0.001° of latitude is about 111 m; the third point is in m-2's grid:
  // kept with its grid, not counted as visited.
  clock_.Advance(absl::Minutes(1));
  ASSERT_OK_AND_ASSIGN(
      p, Track(p.id(), "t-1", {kInMine, Point(30.685, 120.630), kInTheirs}));
  EXPECT_EQ(p.point_count(), 3);
  EXPECT_THAT(p.distance_m(), DoubleNear(111.2 + 1111.9, 2.0));
  EXPECT_THAT(p.grids_visited(), ElementsAre(kMine));

  // A retry of the same request changes nothing.
  ASSERT_OK_AND_ASSIGN(
      p, Track(p.id(), "t-1", {kInMine, Point(30.685, 120.630), kInTheirs}));
  EXPECT_EQ(p.point_count(), 3);

  ASSERT_OK_AND_ASSIGN(v1::CheckInResponse c, CheckIn(p.id(), "c-1", kInMine));
  EXPECT_EQ(c.check_in().grid_code(), kMine);
  EXPECT_EQ(c.check_in().duty_code(), "ROUTINE-SAFE");
  EXPECT_EQ(c.patrol().check_ins_size(), 1);

  clock_.Advance(absl::Minutes(30));
  ASSERT_OK_AND_ASSIGN(v1::Patrol ended, End(p.id(), "e-1"));
  EXPECT_EQ(ended.state(), v1::PATROL_STATE_ENDED);
  EXPECT_EQ(FromTimestamp(ended.ended_at()), kNow + absl::Minutes(31));

  ASSERT_OK_AND_ASSIGN(v1::Patrol read, Get(p.id()));
  ASSERT_EQ(read.track_size(), 3);
  EXPECT_EQ(read.track(0).grid_code(), kMine);
  EXPECT_EQ(read.track(2).grid_code(), kTheirs);
  EXPECT_THAT(read.track(2).location().latitude(), DoubleNear(30.695, 1e-7));
  EXPECT_EQ(read.check_ins(0).note(), "井盖完好");
  // What statistics read for coverage: the member's grids of the day.
  EXPECT_THAT(Visited("m-1", "20260630"), ElementsAre(kMine));
  EXPECT_THAT(Visited("m-2", "20260630"), IsEmpty());

  // Ended: no more points; a retry of the end is a replay.
  EXPECT_THAT(
      Track(p.id(), "t-2", {kInMine}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("has ended")));
  EXPECT_OK(End(p.id(), "e-1").status());
  EXPECT_THAT(
      End(p.id(), "e-2"),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("has ended")));
}

TEST_F(PatrolServiceTest, ACheckInOutsideTheMembersGridsIsRefused) {
  ASSERT_OK_AND_ASSIGN(v1::Patrol p, Start("s-1"));
  EXPECT_THAT(
      CheckIn(p.id(), "c-1", kInTheirs),
      StatusIs(absl::StatusCode::kPermissionDenied,
               AllOf(HasSubstr("location: (30.695, 120.63) lies in grid "
                               "330483101002003"),
                     HasSubstr("not one of member m-1's grids "
                               "(330483101002002)"))));
  EXPECT_THAT(CheckIn(p.id(), "c-2", kNowhere),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("location: (31.5, 121.5) lies in no grid")));
  ASSERT_OK_AND_ASSIGN(v1::Patrol read, Get(p.id()));
  EXPECT_THAT(read.check_ins(), IsEmpty());
  EXPECT_THAT(read.grids_visited(), IsEmpty());
  EXPECT_THAT(Visited("m-1", "20260630"), IsEmpty());
  // A duty the member does not carry in the grid is named.
  v1::CheckInRequest req;
  req.set_request_id("c-3");
  req.set_patrol_id(p.id());
  *req.mutable_location() = kInMine;
  req.set_duty_code("FANG-01");
  EXPECT_THAT(Call(&v1::PatrolService::Stub::CheckIn, req),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duty_code: FANG-01 is not one of member "
                                 "m-1's duties in grid 330483101002002")));
}

TEST_F(PatrolServiceTest, OneActivePatrolPerMemberAndStartIsIdempotent) {
  ASSERT_OK_AND_ASSIGN(v1::Patrol first, Start("s-1"));
  ASSERT_OK_AND_ASSIGN(v1::Patrol again, Start("s-1"));
  EXPECT_EQ(again.id(), first.id());
  EXPECT_THAT(
      Start("s-2"),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("already has an active patrol, " + first.id())));
  // The same request_id for another request of the member's. (Request ids
  // are the member's own: m-2 may use "s-1" too.)
  EXPECT_THAT(Track(first.id(), "s-1", {kInMine}),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("request_id was already used")));
  v1::StartPatrolRequest other;
  other.set_request_id("s-1");
  other.set_member_id("m-2");
  ASSERT_OK_AND_ASSIGN(
      auto theirs, Call(&v1::PatrolService::Stub::StartPatrol, other, kAdmin));
  EXPECT_EQ(theirs.patrol().member_id(), "m-2");
  ASSERT_OK(End(first.id(), "e-1").status());
  clock_.Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(v1::Patrol second, Start("s-3"));
  EXPECT_NE(second.id(), first.id());
  EXPECT_EQ(second.state(), v1::PATROL_STATE_ACTIVE);
}

TEST_F(PatrolServiceTest, MembersActOnlyOnTheirOwnPatrols) {
  ASSERT_OK_AND_ASSIGN(v1::Patrol p, Start("s-1"));
  EXPECT_THAT(
      Track(p.id(), "t-1", {kInTheirs}, kOtherManager),
      StatusIs(absl::StatusCode::kPermissionDenied,
               HasSubstr("patrol_id: the patrol belongs to member m-1")));
  EXPECT_THAT(Get(p.id(), kOtherManager),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("patrol_id: the patrol belongs to")));
  v1::StartPatrolRequest as_other;
  as_other.set_request_id("s-9");
  as_other.set_member_id("m-2");
  EXPECT_THAT(Call(&v1::PatrolService::Stub::StartPatrol, as_other),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("member_id: may not patrol as member m-2")));
  // Centre staff read; they do not patrol. Citizens do neither.
  EXPECT_OK(Get(p.id(), kDispatcher).status());
  EXPECT_THAT(End(p.id(), "e-1", kDispatcher),
              StatusIs(absl::StatusCode::kPermissionDenied, _));
  EXPECT_THAT(Get(p.id(), kCitizen),
              StatusIs(absl::StatusCode::kPermissionDenied, _));
  // An admin acts for a member (a device gateway, a correction).
  EXPECT_OK(End(p.id(), "e-1", kAdmin).status());
  // An unknown member cannot patrol.
  as_other.set_member_id("m-404");
  EXPECT_THAT(Call(&v1::PatrolService::Stub::StartPatrol, as_other, kAdmin),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("member_id: member m-404 not found")));
}

TEST_F(PatrolServiceTest, BadInputNamesTheFieldAndTheRule) {
  ASSERT_OK_AND_ASSIGN(v1::Patrol p, Start("s-1"));
  EXPECT_THAT(Track(p.id(), "t-1", {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("points: must hold 1 to 500 points, got 0")));
  EXPECT_THAT(Track(p.id(), "t-1", {Point(95, 120)}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("points[0].location.latitude: must be a WGS84 "
                                 "latitude in -90..90, got 95")));
  EXPECT_THAT(Track(p.id(), "t-1", {Point(0, 0)}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("points[0].location: (0, 0) is not a real "
                                 "location")));
  v1::RecordTrackRequest future;
  future.set_request_id("t-2");
  future.set_patrol_id(p.id());
  *future.add_points()->mutable_location() = kInMine;
  *future.mutable_points(0)->mutable_recorded_at() =
      ToTimestamp(kNow + absl::Hours(1));
  EXPECT_THAT(Call(&v1::PatrolService::Stub::RecordTrack, future),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("points[0].recorded_at: must lie between")));
  EXPECT_THAT(Track("not-a-patrol", "t-3", {kInMine}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("patrol_id: must be a patrol id")));
  EXPECT_THAT(Track("m-1-20260630-99", "t-3", {kInMine}),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("patrol_id: patrol m-1-20260630-99 not "
                                 "found")));
  EXPECT_THAT(Start(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("request_id")));
}

TEST_F(PatrolServiceTest, PatrolsAreListedNewestFirstPageByPage) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(v1::Patrol p, Start(absl::StrCat("s-", i)));
    ASSERT_OK(Track(p.id(), absl::StrCat("t-", i), {kInMine}).status());
    ASSERT_OK(End(p.id(), absl::StrCat("e-", i)).status());
    ids.push_back(p.id());
    clock_.Advance(absl::Hours(1));
  }
  v1::ListPatrolsRequest req;
  req.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(auto page1,
                       Call(&v1::PatrolService::Stub::ListPatrols, req));
  ASSERT_EQ(page1.patrols_size(), 2);
  EXPECT_EQ(page1.patrols(0).id(), ids[2]);
  EXPECT_EQ(page1.patrols(1).id(), ids[1]);
  EXPECT_THAT(page1.patrols(0).grids_visited(), ElementsAre(kMine));
  ASSERT_FALSE(page1.next_page_token().empty());
  req.set_page_token(page1.next_page_token());
  ASSERT_OK_AND_ASSIGN(auto page2,
                       Call(&v1::PatrolService::Stub::ListPatrols, req));
  ASSERT_EQ(page2.patrols_size(), 1);
  EXPECT_EQ(page2.patrols(0).id(), ids[0]);
  EXPECT_TRUE(page2.next_page_token().empty());
  // A token is bound to the member it listed.
  req.set_member_id("m-2");
  EXPECT_THAT(
      Call(&v1::PatrolService::Stub::ListPatrols, req, kDispatcher),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

}  // namespace
}  // namespace gridcase::intake
