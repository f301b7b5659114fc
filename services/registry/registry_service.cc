// RegistryServiceImpl: the RPC edge, regions, location, versions and the
// calendar. Reference records are in reference_handlers.cc, ImportGrids in
// import_handler.cc.
#include "services/registry/registry_service.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/auth/roles.h"
#include "common/auth/serve.h"
#include "common/calendar/calendar_proto.h"
#include "common/clock/timestamp.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "services/registry/list_page.h"
#include "services/registry/validation.h"

namespace gridcase::registry {
namespace {

constexpr paging::PageLimits kRegionPages{.default_size = 100,
                                          .max_size = 1000};

absl::Status CheckCoordinates(double latitude, double longitude) {
  if (!std::isfinite(latitude) || latitude < -90 || latitude > 90) {
    return absl::InvalidArgumentError(absl::StrCat(
        "latitude: must be a WGS84 latitude in -90..90, got ", latitude));
  }
  if (!std::isfinite(longitude) || longitude < -180 || longitude > 180) {
    return absl::InvalidArgumentError(absl::StrCat(
        "longitude: must be a WGS84 longitude in -180..180, got ", longitude));
  }
  return absl::OkStatus();
}

}  // namespace

RegistryServiceImpl::RegistryServiceImpl(
    RegistryStore* store, SnapshotHolder* snapshots,
    const auth::Authenticator* authenticator, const Clock* clock,
    RegistryMetrics* metrics)
    : store_(store),
      snapshots_(snapshots),
      authenticator_(authenticator),
      clock_(clock),
      metrics_(metrics) {}

#define GRIDCASE_REGISTRY_RPC(Name)                                           \
  grpc::Status RegistryServiceImpl::Name(grpc::ServerContext* context,        \
                                         const v1::Name##Request* request,    \
                                         v1::Name##Response* response) {      \
    return auth::ServeAs(                                                     \
        context, *authenticator_, "gridcase.v1.RegistryService/" #Name,       \
        *request,                                                             \
        [&](const v1::Actor& a) { return Do##Name(a, *request, response); }); \
  }
GRIDCASE_REGISTRY_RPC(ImportGrids)
GRIDCASE_REGISTRY_RPC(GetRegion)
GRIDCASE_REGISTRY_RPC(ListRegions)
GRIDCASE_REGISTRY_RPC(LocateGrid)
GRIDCASE_REGISTRY_RPC(GetRegistryVersion)
GRIDCASE_REGISTRY_RPC(UpsertMember)
GRIDCASE_REGISTRY_RPC(GetMember)
GRIDCASE_REGISTRY_RPC(ListMembers)
GRIDCASE_REGISTRY_RPC(ListGridInspectors)
GRIDCASE_REGISTRY_RPC(UpsertDepartment)
GRIDCASE_REGISTRY_RPC(GetDepartment)
GRIDCASE_REGISTRY_RPC(ListDepartments)
GRIDCASE_REGISTRY_RPC(UpsertCategory)
GRIDCASE_REGISTRY_RPC(GetCategory)
GRIDCASE_REGISTRY_RPC(ListCategories)
GRIDCASE_REGISTRY_RPC(UpsertDutyItem)
GRIDCASE_REGISTRY_RPC(ListDutyItems)
GRIDCASE_REGISTRY_RPC(UpsertRule)
GRIDCASE_REGISTRY_RPC(DeleteRule)
GRIDCASE_REGISTRY_RPC(ListRules)
GRIDCASE_REGISTRY_RPC(ResolveResponsibility)
GRIDCASE_REGISTRY_RPC(GetCalendar)
GRIDCASE_REGISTRY_RPC(UpsertCalendar)
GRIDCASE_REGISTRY_RPC(ListAuditRecords)
#undef GRIDCASE_REGISTRY_RPC

absl::Status RegistryServiceImpl::DoGetRegion(const v1::Actor& actor,
                                              const v1::GetRegionRequest& req,
                                              v1::GetRegionResponse* resp) {
  RETURN_IF_ERROR(CheckRegionCode("code", req.code()));
  auto snapshot = snapshots_->Get();
  const v1::Region* region = snapshot->FindRegion(req.code());
  if (region == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("region ", req.code(), " not found (registry version ",
                     snapshot->versions().registry, ")"));
  }
  *resp->mutable_region() =
      req.include_geometry() ? *region : WithoutGeometry(*region);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoListRegions(
    const v1::Actor& actor, const v1::ListRegionsRequest& req,
    v1::ListRegionsResponse* resp) {
  auto snapshot = snapshots_->Get();
  if (!req.parent_code().empty()) {
    RETURN_IF_ERROR(CheckRegionCode("parent_code", req.parent_code()));
    if (snapshot->FindRegion(req.parent_code()) == nullptr) {
      return absl::NotFoundError(absl::StrCat("parent_code: region ",
                                              req.parent_code(), " not found"));
    }
  }
  const std::string& parent = req.parent_code();
  ASSIGN_OR_RETURN(
      std::string next,
      ListPage(
          snapshot->regions(), req.page_size(), req.page_token(),
          absl::StrCat(parent, "|", req.level(), "|", req.include_geometry()),
          kRegionPages,
          [&](const v1::Region& r) {
            return (parent.empty() || r.parent_code() == parent) &&
                   (req.level() == v1::REGION_LEVEL_UNSPECIFIED ||
                    r.level() == req.level());
          },
          [&](const v1::Region& r) {
            *resp->add_regions() =
                req.include_geometry() ? r : WithoutGeometry(r);
          }));
  resp->set_next_page_token(next);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoLocateGrid(const v1::Actor& actor,
                                               const v1::LocateGridRequest& req,
                                               v1::LocateGridResponse* resp) {
  RETURN_IF_ERROR(CheckCoordinates(req.latitude(), req.longitude()));
  auto snapshot = snapshots_->Get();
  absl::Time start = absl::Now();
  std::optional<v1::LocateGridResponse> located =
      snapshot->LocateResponse(req.latitude(), req.longitude());
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!located.has_value()) {
    metrics_->locate_not_found.Observe(seconds);
    bool in_hole = snapshot->InHole(req.latitude(), req.longitude());
    return absl::NotFoundError(
        absl::StrFormat("point (%.6f, %.6f) is %s (registry version %d)",
                        req.latitude(), req.longitude(),
                        in_hole ? "in a hole of a grid (an area no grid covers)"
                                : "outside every grid",
                        snapshot->versions().registry));
  }
  metrics_->locate_found.Observe(seconds);
  *resp = *std::move(located);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoGetRegistryVersion(
    const v1::Actor& actor, const v1::GetRegistryVersionRequest& req,
    v1::GetRegistryVersionResponse* resp) {
  auto snapshot = snapshots_->Get();
  resp->set_registry_version(snapshot->versions().registry);
  resp->set_reference_version(snapshot->versions().reference);
  resp->set_calendar_version(snapshot->versions().calendar);
  resp->set_grid_count(snapshot->grid_count());
  *resp->mutable_updated_at() = ToTimestamp(snapshot->updated_at());
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoGetCalendar(
    const v1::Actor& actor, const v1::GetCalendarRequest& req,
    v1::GetCalendarResponse* resp) {
  *resp->mutable_calendar() = snapshots_->Get()->calendar();
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoUpsertCalendar(
    const v1::Actor& actor, const v1::UpsertCalendarRequest& req,
    v1::UpsertCalendarResponse* resp) {
  v1::WorkingCalendar calendar = req.calendar();
  if (calendar.time_zone().empty()) calendar.set_time_zone("Asia/Shanghai");
  if (calendar.periods().empty()) {
    *calendar.mutable_periods() = calendar::DefaultCalendarProto().periods();
  }
  RETURN_IF_ERROR(calendar::FromProto(calendar).status());
  calendar.clear_version();
  calendar.clear_updated_at();
  v1::WorkingCalendar before = snapshots_->Get()->calendar();
  std::string audit =
      AuditOf(actor, "UpsertCalendar", "calendar", calendar.time_zone(),
              before.version() == 0 ? nullptr : &before, &calendar);
  // expected_version 0 means "whatever is stored": retry a lost race.
  absl::StatusOr<int64_t> version;
  for (int attempt = 0; attempt < 3; ++attempt) {
    int64_t expected = req.expected_version();
    if (expected == 0) {
      ASSIGN_OR_RETURN(Versions stored, store_->GetVersions());
      expected = stored.calendar;
    }
    version = store_->PutCalendar(expected, calendar, clock_->Now(), audit);
    if (req.expected_version() != 0 ||
        version.status().code() != absl::StatusCode::kAborted) {
      break;
    }
  }
  RETURN_IF_ERROR(version.status());
  RETURN_IF_ERROR(snapshots_->Reload());
  *resp->mutable_calendar() = snapshots_->Get()->calendar();
  if (resp->calendar().version() < *version) {
    resp->mutable_calendar()->set_version(*version);
  }
  return absl::OkStatus();
}

}  // namespace gridcase::registry
