// IntakeServiceImpl: ListCases and ListNearby, the list reads apps use.
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/serve.h"
#include "common/cases/stage_clock.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "common/store/visibility.h"
#include "services/intake/intake_service.h"
#include "services/intake/list_cases.h"

namespace gridcase::intake {
namespace {

constexpr int kDefaultRadius = 250;
constexpr int kMaxRadius = 1000;
constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;
constexpr absl::Duration kRecentlyClosed = absl::Hours(24 * 30);

}  // namespace

v1::Case IntakeServiceImpl::Present(v1::Case c, const v1::Actor& viewer) const {
  cases::RefreshLights(&c, clock_->Now());
  return store::PresentCase(std::move(c), viewer);
}

grpc::Status IntakeServiceImpl::ListCases(grpc::ServerContext* context,
                                          const v1::ListCasesRequest* request,
                                          v1::ListCasesResponse* response) {
  return auth::ServeAs(context, *authenticator_,
                       "gridcase.v1.IntakeService/ListCases", *request,
                       [&](const auto& actor) {
                         return DoListCases(actor, *request, response);
                       });
}

grpc::Status IntakeServiceImpl::ListNearby(grpc::ServerContext* context,
                                           const v1::ListNearbyRequest* request,
                                           v1::ListNearbyResponse* response) {
  return auth::ServeAs(context, *authenticator_,
                       "gridcase.v1.IntakeService/ListNearby", *request,
                       [&](const auto& actor) {
                         return DoListNearby(actor, *request, response);
                       });
}

absl::Status IntakeServiceImpl::DoListCases(const v1::Actor& actor,
                                            const v1::ListCasesRequest& req,
                                            v1::ListCasesResponse* resp) {
  if (OnlyCitizen(actor) && !req.reporter_id().empty() &&
      req.reporter_id() != actor.subject()) {
    return absl::PermissionDeniedError(
        absl::StrCat("reporter_id: a citizen may list only their own reports (",
                     actor.subject(), ")"));
  }
  ASSIGN_OR_RETURN(*resp, intake::ListCases(*store_, req, options_.shards));
  // Listing someone's reports must not reveal which anonymous reports are
  // theirs to a reader who may not see anonymous reporters.
  google::protobuf::RepeatedPtrField<v1::Case> shown;
  for (v1::Case& c : *resp->mutable_cases()) {
    if (!store::MayListByReporter(actor, store::ReporterFacts::Of(c),
                                  req.reporter_id())) {
      continue;
    }
    *shown.Add() = Present(std::move(c), actor);
  }
  *resp->mutable_cases() = std::move(shown);
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoListNearby(const v1::Actor& actor,
                                             const v1::ListNearbyRequest& req,
                                             v1::ListNearbyResponse* resp) {
  double lat = req.location().latitude();
  double lng = req.location().longitude();
  if (!std::isfinite(lat) || lat < -90 || lat > 90) {
    return absl::InvalidArgumentError(absl::StrCat(
        "location.latitude: must be a WGS84 latitude in -90..90, got ", lat));
  }
  if (!std::isfinite(lng) || lng < -180 || lng > 180) {
    return absl::InvalidArgumentError(absl::StrCat(
        "location.longitude: must be a WGS84 longitude in -180..180, got ",
        lng));
  }
  int radius = req.radius_m() == 0 ? kDefaultRadius : req.radius_m();
  if (radius < 1 || radius > kMaxRadius) {
    return absl::InvalidArgumentError(absl::StrCat(
        "radius_m: must be 1-1000 metres (0 for 250), got ", req.radius_m()));
  }
  int limit = req.limit() == 0 ? kDefaultLimit : req.limit();
  if (limit < 1 || limit > kMaxLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: must be 1-100 (0 for 20), got ", req.limit()));
  }
  if (!req.category_code().empty()) {
    absl::Status known = registry_->GetCategory(req.category_code()).status();
    if (known.code() == absl::StatusCode::kNotFound) {
      return absl::InvalidArgumentError(absl::StrCat(
          "category_code: unknown category '", req.category_code(), "'"));
    }
    RETURN_IF_ERROR(known);
  }
  ASSIGN_OR_RETURN(std::vector<NearbyEntry> near,
                   store_->Nearby(lat, lng, radius));
  std::vector<std::string> ids;
  for (const NearbyEntry& e : near) ids.push_back(e.case_id);
  ASSIGN_OR_RETURN(std::vector<v1::Case> loaded, store_->GetCases(ids));
  std::map<std::string, v1::Case> by_id;
  for (v1::Case& c : loaded) by_id[c.id()] = std::move(c);
  absl::Time now = clock_->Now();
  for (const NearbyEntry& e : near) {
    if (resp->cases_size() == limit) break;
    auto it = by_id.find(e.case_id);
    if (it == by_id.end()) continue;
    const v1::Case& c = it->second;
    bool recently_closed = req.include_closed() &&
                           c.state() == v1::CASE_STATE_CLOSED &&
                           FromTimestamp(c.closed_at()) > now - kRecentlyClosed;
    if (!cases::IsOpen(c.state()) && !recently_closed) continue;
    if (!req.category_code().empty() &&
        c.category_code() != req.category_code()) {
      continue;
    }
    v1::NearbyCase* out = resp->add_cases();
    *out->mutable_case_() = Present(c, actor);
    out->set_distance_m(e.distance_m);
  }
  return absl::OkStatus();
}

}  // namespace gridcase::intake
