#include "tools/sim/patrols.h"

#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/time_util.h"
#include "gridcase/v1/patrol.grpc.pb.h"

namespace gridcase::sim {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(5);
// About 11 m of latitude: a track stays well inside a grid around its
// centre.
constexpr double kStep = 0.0001;

google::protobuf::Timestamp Now() {
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
      absl::ToUnixMillis(absl::Now()));
}

v1::GeoPoint At(double lat, double lng) {
  v1::GeoPoint p;
  p.set_latitude(lat);
  p.set_longitude(lng);
  return p;
}

class Patroller {
 public:
  Patroller(v1::PatrolService::Stub* stub, const v1::Actor& member,
            Ledger& ledger)
      : stub_(stub), member_(member), ledger_(ledger) {}

  template <typename Req, typename Resp>
  absl::Status Call(grpc::Status (v1::PatrolService::Stub::*rpc)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp) {
    auto context = CallAs(member_, kTimeout);
    return FromGrpcStatus((stub_->*rpc)(context.get(), req, resp));
  }

  std::string RequestId(absl::string_view what) {
    return absl::StrCat("sim-patrol-", member_.subject(), "-", what, "-",
                        ++requests_, "-", absl::ToUnixMicros(absl::Now()));
  }

  const v1::Actor& member() const { return member_; }
  Ledger& ledger() { return ledger_; }

 private:
  v1::PatrolService::Stub* stub_;
  const v1::Actor& member_;
  Ledger& ledger_;
  int requests_ = 0;
};

// One member's patrol; adds to `t`.
void Patrol(Patroller& p, const World& world, const Grid* elsewhere,
            std::mt19937_64& rng, PatrolTally& t) {
  using Stub = v1::PatrolService::Stub;
  const v1::Actor& member = p.member();
  ++t.members;
  t.grids += member.grid_codes_size();
  v1::StartPatrolRequest start;
  start.set_request_id(p.RequestId("start"));
  v1::StartPatrolResponse started;
  absl::Status s = p.Call(&Stub::StartPatrol, start, &started);
  p.ledger().CountCall(s, "StartPatrol");
  if (!s.ok()) return;
  ++t.patrols;
  const std::string& id = started.patrol().id();
  // Each member reaches a share of their grids between a half and all.
  double share = std::uniform_real_distribution<double>(0.5, 1.0)(rng);
  std::bernoulli_distribution visits(share);
  for (const std::string& code : member.grid_codes()) {
    const Grid* grid = world.FindGrid(code);
    if (grid == nullptr || !visits(rng)) continue;
    v1::RecordTrackRequest track;
    track.set_request_id(p.RequestId("track"));
    track.set_patrol_id(id);
    for (int i = 0; i < 4; ++i) {
      v1::TrackPoint* point = track.add_points();
      *point->mutable_location() =
          At(grid->lat + kStep * (i - 1.5), grid->lng + kStep * (i % 2));
      *point->mutable_recorded_at() = Now();
    }
    v1::RecordTrackResponse tracked;
    s = p.Call(&Stub::RecordTrack, track, &tracked);
    p.ledger().CountCall(s, "RecordTrack");
    if (s.ok()) t.points += track.points_size();
    v1::CheckInRequest check_in;
    check_in.set_request_id(p.RequestId("checkin"));
    check_in.set_patrol_id(id);
    *check_in.mutable_location() = At(grid->lat, grid->lng);
    check_in.set_note("巡查正常");
    v1::CheckInResponse checked;
    s = p.Call(&Stub::CheckIn, check_in, &checked);
    p.ledger().CountCall(s, "CheckIn");
    if (s.ok()) {
      ++t.check_ins;
      ++t.grids_visited;
    }
  }
  if (elsewhere != nullptr) {
    v1::CheckInRequest outside;
    outside.set_request_id(p.RequestId("outside"));
    outside.set_patrol_id(id);
    *outside.mutable_location() = At(elsewhere->lat, elsewhere->lng);
    v1::CheckInResponse ignored;
    s = p.Call(&Stub::CheckIn, outside, &ignored);
    if (s.code() == absl::StatusCode::kPermissionDenied) {
      ++t.refused;
      p.ledger().CountCall(absl::OkStatus(), "CheckIn outside");
    } else {
      p.ledger().CountCall(
          absl::InternalError(absl::StrCat(
              "a check-in of ", member.subject(), " in grid ", elsewhere->code,
              ", not theirs, was not refused: ", s.ToString())),
          "CheckIn outside");
    }
  }
  v1::EndPatrolRequest end;
  end.set_request_id(p.RequestId("end"));
  end.set_patrol_id(id);
  v1::EndPatrolResponse ended;
  p.ledger().CountCall(p.Call(&Stub::EndPatrol, end, &ended), "EndPatrol");
}

}  // namespace

PatrolTally PatrolDay(const World& world,
                      const std::shared_ptr<grpc::Channel>& intake,
                      uint64_t seed, Ledger& ledger) {
  auto stub = v1::PatrolService::NewStub(intake);
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
  PatrolTally t;
  for (const auto& [id, member] : world.grid_managers) {
    // A grid that is not the member's, for the check-in that must be
    // refused.
    const Grid* elsewhere = nullptr;
    for (const Grid& g : world.grids) {
      bool theirs = false;
      for (const std::string& c : member.grid_codes()) theirs |= c == g.code;
      if (!theirs) {
        elsewhere = &g;
        break;
      }
    }
    Patroller p(stub.get(), member, ledger);
    Patrol(p, world, elsewhere, rng, t);
  }
  return t;
}

std::string PatrolLine(const PatrolTally& t) {
  return absl::StrFormat(
      "Patrols: %d grid managers, %d patrols, %d track points, %d "
      "check-ins; %d of their %d grids visited (%.0f%%); %d check-ins "
      "outside a member's grids refused, as they must be.\n",
      t.members, t.patrols, t.points, t.check_ins, t.grids_visited, t.grids,
      t.grids > 0 ? 100.0 * t.grids_visited / t.grids : 0.0, t.refused);
}

}  // namespace gridcase::sim
