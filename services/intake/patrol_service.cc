#include "services/intake/patrol_service.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/policy.h"
#include "common/auth/serve.h"
#include "common/cases/fingerprint.h"
#include "common/clock/timestamp.h"
#include "common/paging/page_token.h"
#include "common/status/status_macros.h"
#include "common/validation/content.h"
#include "common/validation/field_errors.h"
#include "common/validation/ids.h"

namespace gridcase::intake {
namespace {

using validation::FieldError;

constexpr char kStart[] = "gridcase.v1.PatrolService/StartPatrol";
constexpr char kRecordTrack[] = "gridcase.v1.PatrolService/RecordTrack";
constexpr char kCheckIn[] = "gridcase.v1.PatrolService/CheckIn";
constexpr char kEnd[] = "gridcase.v1.PatrolService/EndPatrol";
constexpr char kGet[] = "gridcase.v1.PatrolService/GetPatrol";
constexpr char kList[] = "gridcase.v1.PatrolService/ListPatrols";

constexpr int kMaxPointsPerCall = 500;
constexpr int kMaxNoteChars = 200;
constexpr int kMaxDutyCodeChars = 16;
// A device clock may run this far ahead of ours.
constexpr absl::Duration kClockSkew = absl::Minutes(5);
constexpr paging::PageLimits kPatrolPages{.default_size = 50, .max_size = 200};

// Grid managers act on their own patrols only (policy scope "self").
absl::Status CheckSelf(const v1::Actor& actor, absl::string_view method,
                       const std::string& member_id, absl::string_view field,
                       absl::string_view what) {
  if (auth::ScopeFor(actor, method) != auth::Scope::kSelf ||
      member_id == actor.subject()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(field, ": ", what, " member ", member_id,
                   "; a grid manager acts only on "
                   "their own patrols"));
}

// The member whose patrol `patrol_id` is, if `actor` may act on it through
// `method`.
absl::StatusOr<std::string> PatrolOwner(const v1::Actor& actor,
                                        absl::string_view method,
                                        const std::string& patrol_id) {
  if (patrol_id.empty()) return FieldError("patrol_id", "is required");
  ASSIGN_OR_RETURN(std::string member_id,
                   MemberOfPatrol(patrol_id, "patrol_id"));
  RETURN_IF_ERROR(CheckSelf(actor, method, member_id, "patrol_id",
                            "the patrol belongs to"));
  return member_id;
}

// The member `member_id` if they may patrol: known, active, with grids.
absl::StatusOr<v1::Member> Patroller(registry_client::RegistryClient& registry,
                                     const std::string& member_id) {
  absl::StatusOr<v1::Member> m = registry.GetMember(member_id);
  if (m.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat("member_id: member ", member_id, " not found"));
  }
  RETURN_IF_ERROR(m.status());
  if (!m->active()) {
    return absl::FailedPreconditionError(
        absl::StrCat("member ", member_id, " is inactive"));
  }
  if (m->grid_codes().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "member ", member_id, " has no grids to patrol (Member.grid_codes)"));
  }
  return m;
}

bool OwnGrid(const v1::Member& m, const std::string& grid) {
  return std::find(m.grid_codes().begin(), m.grid_codes().end(), grid) !=
         m.grid_codes().end();
}

// The grid `registry` locates a point in; "" when none covers it.
absl::StatusOr<std::string> GridAt(registry_client::RegistryClient& registry,
                                   const v1::GeoPoint& p) {
  absl::StatusOr<v1::LocateGridResponse> located =
      registry.Locate(p.latitude(), p.longitude());
  if (located.status().code() == absl::StatusCode::kNotFound) return "";
  RETURN_IF_ERROR(located.status());
  return located->grid().code();
}

std::string Where(const v1::GeoPoint& p) {
  return absl::StrCat("(", p.latitude(), ", ", p.longitude(), ")");
}

absl::Status CheckDuty(const v1::Member& m, const std::string& grid,
                       const std::string& duty) {
  if (duty.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(validation::ValidateId("duty_code", duty, kMaxDutyCodeChars));
  for (const v1::GridDuties& d : m.grid_duties()) {
    if (d.grid_code() != grid) continue;
    if (std::find(d.duty_codes().begin(), d.duty_codes().end(), duty) !=
        d.duty_codes().end()) {
      return absl::OkStatus();
    }
  }
  return FieldError("duty_code",
                    absl::StrCat(duty, " is not one of member ", m.id(),
                                 "'s duties in grid ", grid));
}

}  // namespace

grpc::Status PatrolServiceImpl::StartPatrol(grpc::ServerContext* context,
                                            const v1::StartPatrolRequest* req,
                                            v1::StartPatrolResponse* resp) {
  return auth::ServeAs(
      context, *authenticator_, kStart, *req,
      [&](const v1::Actor& actor) { return DoStart(actor, *req, resp); });
}

grpc::Status PatrolServiceImpl::RecordTrack(grpc::ServerContext* context,
                                            const v1::RecordTrackRequest* req,
                                            v1::RecordTrackResponse* resp) {
  return auth::ServeAs(
      context, *authenticator_, kRecordTrack, *req,
      [&](const v1::Actor& actor) { return DoRecordTrack(actor, *req, resp); });
}

grpc::Status PatrolServiceImpl::CheckIn(grpc::ServerContext* context,
                                        const v1::CheckInRequest* req,
                                        v1::CheckInResponse* resp) {
  return auth::ServeAs(
      context, *authenticator_, kCheckIn, *req,
      [&](const v1::Actor& actor) { return DoCheckIn(actor, *req, resp); });
}

grpc::Status PatrolServiceImpl::EndPatrol(grpc::ServerContext* context,
                                          const v1::EndPatrolRequest* req,
                                          v1::EndPatrolResponse* resp) {
  return auth::ServeAs(
      context, *authenticator_, kEnd, *req,
      [&](const v1::Actor& actor) { return DoEnd(actor, *req, resp); });
}

grpc::Status PatrolServiceImpl::GetPatrol(grpc::ServerContext* context,
                                          const v1::GetPatrolRequest* req,
                                          v1::GetPatrolResponse* resp) {
  return auth::ServeAs(
      context, *authenticator_, kGet, *req,
      [&](const v1::Actor& actor) { return DoGet(actor, *req, resp); });
}

grpc::Status PatrolServiceImpl::ListPatrols(grpc::ServerContext* context,
                                            const v1::ListPatrolsRequest* req,
                                            v1::ListPatrolsResponse* resp) {
  return auth::ServeAs(
      context, *authenticator_, kList, *req,
      [&](const v1::Actor& actor) { return DoList(actor, *req, resp); });
}

absl::Status PatrolServiceImpl::DoStart(const v1::Actor& actor,
                                        const v1::StartPatrolRequest& req,
                                        v1::StartPatrolResponse* resp) {
  RETURN_IF_ERROR(validation::ValidateRequestId(req.request_id()));
  RETURN_IF_ERROR(validation::ValidateId("member_id", req.member_id(), 64));
  v1::StartPatrolRequest resolved = req;
  if (resolved.member_id().empty()) resolved.set_member_id(actor.subject());
  const std::string& member_id = resolved.member_id();
  RETURN_IF_ERROR(
      CheckSelf(actor, kStart, member_id, "member_id", "may not patrol as"));
  RETURN_IF_ERROR(Patroller(*registry_, member_id).status());
  PatrolWrite write{
      member_id, req.request_id(),
      absl::StrCat("start:", cases::RequestFingerprint(resolved))};
  ASSIGN_OR_RETURN(auto started, store_->Start(write, clock_->Now()));
  ASSIGN_OR_RETURN(*resp->mutable_patrol(), Reread(started.first));
  return absl::OkStatus();
}

absl::StatusOr<v1::Patrol> PatrolServiceImpl::ActivePatrol(
    const v1::Actor& actor, absl::string_view method,
    const std::string& patrol_id) {
  RETURN_IF_ERROR(PatrolOwner(actor, method, patrol_id).status());
  ASSIGN_OR_RETURN(std::optional<v1::Patrol> patrol,
                   store_->Get(patrol_id, PatrolDetail::kRecord));
  if (!patrol.has_value()) return PatrolNotFound(patrol_id);
  if (patrol->state() != v1::PATROL_STATE_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("patrol ", patrol_id, " has ended"));
  }
  return *std::move(patrol);
}

absl::StatusOr<v1::Patrol> PatrolServiceImpl::Reread(
    const std::string& patrol_id) {
  ASSIGN_OR_RETURN(std::optional<v1::Patrol> patrol,
                   store_->Get(patrol_id, PatrolDetail::kCheckIns));
  if (!patrol.has_value()) {
    return absl::InternalError(
        absl::StrCat("patrol ", patrol_id, " vanished after a write"));
  }
  return *std::move(patrol);
}

absl::Status PatrolServiceImpl::DoRecordTrack(const v1::Actor& actor,
                                              const v1::RecordTrackRequest& req,
                                              v1::RecordTrackResponse* resp) {
  RETURN_IF_ERROR(validation::ValidateRequestId(req.request_id()));
  if (req.points().empty() || req.points_size() > kMaxPointsPerCall) {
    return FieldError("points",
                      absl::StrCat("must hold 1 to ", kMaxPointsPerCall,
                                   " points, got ", req.points_size()));
  }
  ASSIGN_OR_RETURN(v1::Patrol patrol,
                   ActivePatrol(actor, kRecordTrack, req.patrol_id()));
  absl::Time now = clock_->Now();
  absl::Time started = FromTimestamp(patrol.started_at());
  for (int i = 0; i < req.points_size(); ++i) {
    const v1::TrackPoint& p = req.points(i);
    std::string field = absl::StrCat("points[", i, "]");
    if (!p.has_location()) {
      return FieldError(absl::StrCat(field, ".location"), "is required");
    }
    RETURN_IF_ERROR(validation::ValidatePosition(
        absl::StrCat(field, ".location"), p.location().latitude(),
        p.location().longitude()));
    if (!p.has_recorded_at()) {
      return FieldError(absl::StrCat(field, ".recorded_at"), "is required");
    }
    absl::Time at = FromTimestamp(p.recorded_at());
    if (at > now + kClockSkew || at < started - kClockSkew) {
      return FieldError(absl::StrCat(field, ".recorded_at"),
                        "must lie between the patrol's start and now (5 "
                        "minutes of clock skew allowed)");
    }
  }
  ASSIGN_OR_RETURN(v1::Member member,
                   Patroller(*registry_, patrol.member_id()));
  std::vector<LocatedPoint> points;
  for (const v1::TrackPoint& p : req.points()) {
    ASSIGN_OR_RETURN(std::string grid, GridAt(*registry_, p.location()));
    bool own = !grid.empty() && OwnGrid(member, grid);
    points.push_back({p.location().latitude(), p.location().longitude(),
                      FromTimestamp(p.recorded_at()), std::move(grid), own});
  }
  PatrolWrite write{patrol.member_id(), req.request_id(),
                    absl::StrCat("track:", cases::RequestFingerprint(req))};
  RETURN_IF_ERROR(store_->AppendTrack(write, req.patrol_id(), points).status());
  ASSIGN_OR_RETURN(*resp->mutable_patrol(), Reread(req.patrol_id()));
  return absl::OkStatus();
}

absl::Status PatrolServiceImpl::DoCheckIn(const v1::Actor& actor,
                                          const v1::CheckInRequest& req,
                                          v1::CheckInResponse* resp) {
  RETURN_IF_ERROR(validation::ValidateRequestId(req.request_id()));
  if (!req.has_location()) return FieldError("location", "is required");
  RETURN_IF_ERROR(validation::ValidatePosition(
      "location", req.location().latitude(), req.location().longitude()));
  RETURN_IF_ERROR(validation::ValidateText("note", req.note(), kMaxNoteChars,
                                           /*required=*/false));
  ASSIGN_OR_RETURN(v1::Patrol patrol,
                   ActivePatrol(actor, kCheckIn, req.patrol_id()));
  ASSIGN_OR_RETURN(v1::Member member,
                   Patroller(*registry_, patrol.member_id()));
  ASSIGN_OR_RETURN(std::string grid, GridAt(*registry_, req.location()));
  if (grid.empty()) {
    return absl::NotFoundError(
        absl::StrCat("location: ", Where(req.location()), " lies in no grid"));
  }
  if (!OwnGrid(member, grid)) {
    return absl::PermissionDeniedError(
        absl::StrCat("location: ", Where(req.location()), " lies in grid ",
                     grid, ", which is not one of member ", member.id(),
                     "'s grids (", absl::StrJoin(member.grid_codes(), ", "),
                     "); check in only where you patrol"));
  }
  RETURN_IF_ERROR(CheckDuty(member, grid, req.duty_code()));
  absl::Time now = clock_->Now();
  v1::PatrolCheckIn check_in;
  *check_in.mutable_location() = req.location();
  *check_in.mutable_checked_in_at() = ToTimestamp(now);
  check_in.set_grid_code(grid);
  check_in.set_duty_code(req.duty_code());
  check_in.set_note(req.note());
  PatrolWrite write{patrol.member_id(), req.request_id(),
                    absl::StrCat("checkin:", cases::RequestFingerprint(req))};
  ASSIGN_OR_RETURN(
      WriteOutcome outcome,
      store_->AppendCheckIn(write, req.patrol_id(), check_in, now));
  ASSIGN_OR_RETURN(*resp->mutable_patrol(), Reread(req.patrol_id()));
  // A replay answers with the check-in stored then: the last one at that
  // place.
  if (outcome == WriteOutcome::kReplayed) {
    for (const v1::PatrolCheckIn& c : resp->patrol().check_ins()) {
      if (c.location().SerializeAsString() ==
          req.location().SerializeAsString()) {
        check_in = c;
      }
    }
  }
  *resp->mutable_check_in() = std::move(check_in);
  return absl::OkStatus();
}

absl::Status PatrolServiceImpl::DoEnd(const v1::Actor& actor,
                                      const v1::EndPatrolRequest& req,
                                      v1::EndPatrolResponse* resp) {
  RETURN_IF_ERROR(validation::ValidateRequestId(req.request_id()));
  ASSIGN_OR_RETURN(std::string member_id,
                   PatrolOwner(actor, kEnd, req.patrol_id()));
  PatrolWrite write{member_id, req.request_id(),
                    absl::StrCat("end:", cases::RequestFingerprint(req))};
  RETURN_IF_ERROR(store_->End(write, req.patrol_id(), clock_->Now()).status());
  ASSIGN_OR_RETURN(*resp->mutable_patrol(), Reread(req.patrol_id()));
  return absl::OkStatus();
}

absl::Status PatrolServiceImpl::DoGet(const v1::Actor& actor,
                                      const v1::GetPatrolRequest& req,
                                      v1::GetPatrolResponse* resp) {
  RETURN_IF_ERROR(PatrolOwner(actor, kGet, req.patrol_id()).status());
  ASSIGN_OR_RETURN(std::optional<v1::Patrol> patrol,
                   store_->Get(req.patrol_id(), req.include_track()
                                                    ? PatrolDetail::kTrack
                                                    : PatrolDetail::kCheckIns));
  if (!patrol.has_value()) return PatrolNotFound(req.patrol_id());
  *resp->mutable_patrol() = *std::move(patrol);
  return absl::OkStatus();
}

absl::Status PatrolServiceImpl::DoList(const v1::Actor& actor,
                                       const v1::ListPatrolsRequest& req,
                                       v1::ListPatrolsResponse* resp) {
  RETURN_IF_ERROR(validation::ValidateId("member_id", req.member_id(), 64));
  std::string member_id =
      req.member_id().empty() ? actor.subject() : req.member_id();
  RETURN_IF_ERROR(CheckSelf(actor, kList, member_id, "member_id",
                            "may not list the patrols of"));
  ASSIGN_OR_RETURN(int page_size,
                   paging::PageSize(req.page_size(), kPatrolPages));
  ASSIGN_OR_RETURN(std::string after,
                   paging::DecodePageToken(req.page_token(), member_id));
  ASSIGN_OR_RETURN(PatrolPage page, store_->List(member_id, page_size, after));
  for (v1::Patrol& p : page.patrols) *resp->add_patrols() = std::move(p);
  if (!page.next.empty()) {
    resp->set_next_page_token(paging::EncodePageToken(page.next, member_id));
  }
  return absl::OkStatus();
}

}  // namespace gridcase::intake
