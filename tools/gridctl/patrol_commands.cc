#include "tools/gridctl/patrol_commands.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/clock/timestamp.h"
#include "common/export/table.h"
#include "common/status/grpc_status.h"
#include "gridcase/v1/patrol.grpc.pb.h"
#include "tools/gridctl/cli.h"

namespace gridcase::gridctl {
namespace {

constexpr char kPatrolUsage[] =
    R"(gridctl patrol: a grid member's patrols (PatrolService, in gridcase-intake).

Usage:
  gridctl patrol start [--member=ID] [--request-id=R]
  gridctl patrol track PATROL_ID LAT,LNG [LAT,LNG]... [--request-id=R]
  gridctl patrol checkin PATROL_ID --at=LAT,LNG [--duty=CODE] [--note=TEXT]
                 [--request-id=R]
  gridctl patrol end PATROL_ID [--request-id=R]
  gridctl patrol get PATROL_ID [--track] [--json]
  gridctl patrol list [--member=ID] [--page-size=N] [--page-token=T] [--json]

A grid manager patrols as themselves (--member is for admins and system
gateways). Track points are stamped now, in the order given; each is located
with the registry. A check-in outside the member's grids is refused
(PERMISSION_DENIED, naming the grid the place lies in). Writes are
idempotent by --request-id (default: a random one).

--target / $GRIDCASE_INTAKE_TARGET, --actor / $GRIDCASE_ACTOR as for every
command.
)";

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return exporter::CellText(exporter::Cell::Time(FromTimestamp(t)));
}

void PrintPatrol(const v1::Patrol& p) {
  std::printf("patrol %s  member %s  %s\n", p.id().c_str(),
              p.member_id().c_str(),
              p.state() == v1::PATROL_STATE_ACTIVE ? "ACTIVE" : "ENDED");
  std::printf("  started %s  ended %s\n", Time(p.started_at()).c_str(),
              Time(p.ended_at()).c_str());
  std::printf("  %d points, %.0f m, %d check-ins, grids visited: %s\n",
              p.point_count(), p.distance_m(), p.check_ins_size(),
              p.grids_visited().empty()
                  ? "-"
                  : absl::StrJoin(p.grids_visited(), " ").c_str());
  for (const v1::PatrolCheckIn& c : p.check_ins()) {
    std::printf("  check-in %s  %.6f,%.6f  %s  %s %s\n",
                Time(c.checked_in_at()).c_str(), c.location().latitude(),
                c.location().longitude(), c.grid_code().c_str(),
                c.duty_code().c_str(), c.note().c_str());
  }
  for (const v1::TrackPoint& t : p.track()) {
    std::printf("  point %s  %.6f,%.6f  %s\n", Time(t.recorded_at()).c_str(),
                t.location().latitude(), t.location().longitude(),
                t.grid_code().empty() ? "-" : t.grid_code().c_str());
  }
}

// Runs one call and prints its patrol (or the JSON of the response).
template <typename Req, typename Resp>
int Run(const Invocation& in,
        grpc::Status (v1::PatrolService::Stub::*rpc)(grpc::ClientContext*,
                                                     const Req&, Resp*),
        const Req& req, const v1::Patrol& (Resp::*patrol)() const) {
  auto stub = v1::PatrolService::NewStub(Channel(in, "GRIDCASE_INTAKE_TARGET"));
  auto context = Context(in);
  Resp resp;
  absl::Status s =
      FromGrpcStatus((stub.get()->*rpc)(context.get(), req, &resp));
  if (!s.ok()) return Fail(s);
  if (in.Has("json")) {
    PrintJson(resp);
  } else {
    PrintPatrol((resp.*patrol)());
  }
  return 0;
}

absl::StatusOr<std::string> OnePatrol(const Invocation& in,
                                      const std::string& command,
                                      size_t max_positional = 1) {
  if (in.positional.empty() || in.positional.size() > max_positional) {
    return absl::InvalidArgumentError(
        absl::StrCat("patrol ", command, ": give the patrol id"));
  }
  return in.positional[0];
}

}  // namespace

absl::StatusOr<v1::GeoPoint> ParsePoint(const std::string& text,
                                        const std::string& what) {
  std::vector<std::string> p = absl::StrSplit(text, ',');
  double lat = 0, lng = 0;
  if (p.size() != 2 || !absl::SimpleAtod(p[0], &lat) ||
      !absl::SimpleAtod(p[1], &lng)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": give LAT,LNG in WGS84 degrees, e.g. 30.684,120.63; got '",
        text, "'"));
  }
  v1::GeoPoint g;
  g.set_latitude(lat);
  g.set_longitude(lng);
  return g;
}

int RunPatrol(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kPatrolUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string& command = args[0];
  absl::StatusOr<Invocation> in = Parse(
      std::vector<std::string>(args.begin() + 1, args.end()),
      {"target", "actor", "timeout", "json", "help", "member", "request-id",
       "at", "duty", "note", "track", "page-size", "page-token"});
  if (!in.ok()) return Fail(in.status());
  if (in->Has("help")) {
    std::fputs(kPatrolUsage, stdout);
    return 0;
  }
  using Stub = v1::PatrolService::Stub;
  if (command == "start") {
    v1::StartPatrolRequest req;
    req.set_request_id(RequestId(*in));
    req.set_member_id(in->Get("member", nullptr));
    return Run(*in, &Stub::StartPatrol, req, &v1::StartPatrolResponse::patrol);
  }
  if (command == "track") {
    if (in->positional.size() < 2) {
      return Fail(absl::InvalidArgumentError(
          "patrol track: give the patrol id and at least one LAT,LNG"));
    }
    v1::RecordTrackRequest req;
    req.set_request_id(RequestId(*in));
    req.set_patrol_id(in->positional[0]);
    for (size_t i = 1; i < in->positional.size(); ++i) {
      absl::StatusOr<v1::GeoPoint> p =
          ParsePoint(in->positional[i], absl::StrCat("point ", i));
      if (!p.ok()) return Fail(p.status());
      v1::TrackPoint* t = req.add_points();
      *t->mutable_location() = *p;
      *t->mutable_recorded_at() = ToTimestamp(absl::Now());
    }
    return Run(*in, &Stub::RecordTrack, req, &v1::RecordTrackResponse::patrol);
  }
  if (command == "checkin") {
    absl::StatusOr<std::string> id = OnePatrol(*in, command);
    if (!id.ok()) return Fail(id.status());
    absl::StatusOr<v1::GeoPoint> at =
        ParsePoint(in->Get("at", nullptr), "--at");
    if (!at.ok()) return Fail(at.status());
    v1::CheckInRequest req;
    req.set_request_id(RequestId(*in));
    req.set_patrol_id(*id);
    *req.mutable_location() = *at;
    req.set_duty_code(in->Get("duty", nullptr));
    req.set_note(in->Get("note", nullptr));
    return Run(*in, &Stub::CheckIn, req, &v1::CheckInResponse::patrol);
  }
  if (command == "end") {
    absl::StatusOr<std::string> id = OnePatrol(*in, command);
    if (!id.ok()) return Fail(id.status());
    v1::EndPatrolRequest req;
    req.set_request_id(RequestId(*in));
    req.set_patrol_id(*id);
    return Run(*in, &Stub::EndPatrol, req, &v1::EndPatrolResponse::patrol);
  }
  if (command == "get") {
    absl::StatusOr<std::string> id = OnePatrol(*in, command);
    if (!id.ok()) return Fail(id.status());
    v1::GetPatrolRequest req;
    req.set_patrol_id(*id);
    req.set_include_track(in->Has("track"));
    return Run(*in, &Stub::GetPatrol, req, &v1::GetPatrolResponse::patrol);
  }
  if (command == "list") {
    v1::ListPatrolsRequest req;
    req.set_member_id(in->Get("member", nullptr));
    absl::StatusOr<int> page_size = PageSize(*in);
    if (!page_size.ok()) return Fail(page_size.status());
    req.set_page_size(*page_size);
    req.set_page_token(in->Get("page-token", nullptr));
    auto stub =
        v1::PatrolService::NewStub(Channel(*in, "GRIDCASE_INTAKE_TARGET"));
    auto context = Context(*in);
    v1::ListPatrolsResponse resp;
    absl::Status s =
        FromGrpcStatus(stub->ListPatrols(context.get(), req, &resp));
    if (!s.ok()) return Fail(s);
    if (in->Has("json")) {
      PrintJson(resp);
      return 0;
    }
    for (const v1::Patrol& p : resp.patrols()) {
      std::printf("%-28s %-6s %s  %5d points %7.0f m  grids %s\n",
                  p.id().c_str(),
                  p.state() == v1::PATROL_STATE_ACTIVE ? "ACTIVE" : "ENDED",
                  Time(p.started_at()).c_str(), p.point_count(), p.distance_m(),
                  absl::StrJoin(p.grids_visited(), ",").c_str());
    }
    PrintNextPage(resp.next_page_token());
    return 0;
  }
  std::fprintf(stderr, "gridctl patrol: unknown command '%s'\n\n%s",
               command.c_str(), kPatrolUsage);
  return 2;
}

}  // namespace gridcase::gridctl
