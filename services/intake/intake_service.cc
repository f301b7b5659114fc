#include "services/intake/intake_service.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/auth/roles.h"
#include "common/auth/serve.h"
#include "common/calendar/calendar.h"
#include "common/calendar/calendar_proto.h"
#include "common/cases/deadlines.h"
#include "common/cases/fingerprint.h"
#include "common/cases/stage_limits.h"
#include "common/clock/timestamp.h"
#include "common/log/log.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/store/case_id.h"
#include "common/store/dimensions.h"
#include "common/store/keys.h"
#include "common/store/visibility.h"
#include "common/validation/field_errors.h"
#include "services/intake/report_validation.h"

namespace gridcase::intake {

absl::Status AuthorizeExternalRef(const v1::Actor& actor) {
  if (actor.channel() != v1::SOURCE_UNSPECIFIED) return absl::OkStatus();
  for (v1::Role role :
       {v1::ROLE_ACCEPTOR, v1::ROLE_DUTY_CHIEF, v1::ROLE_SYSTEM}) {
    if (auth::HasRole(actor, role)) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "external_ref: set only by a channel backend or by centre staff "
      "(ACCEPTOR, DUTY_CHIEF, SYSTEM); ",
      actor.subject(), " is neither"));
}

absl::StatusOr<v1::Reporter> AuthorizeReporter(const v1::Actor& actor,
                                               v1::Source source,
                                               const v1::Reporter& requested) {
  std::vector<v1::Role> allowed;
  switch (source) {
    case v1::SOURCE_GRID_PATROL:
      allowed = {v1::ROLE_GRID_MANAGER, v1::ROLE_SYSTEM};
      break;
    case v1::SOURCE_CITIZEN_APP:
    case v1::SOURCE_WECHAT:
      allowed = {v1::ROLE_CITIZEN, v1::ROLE_SYSTEM};
      break;
    case v1::SOURCE_HOTLINE:
    case v1::SOURCE_VIDEO:
      allowed = {v1::ROLE_ACCEPTOR, v1::ROLE_SYSTEM};
      break;
    default:  // INSTRUCTION
      allowed = {v1::ROLE_ACCEPTOR, v1::ROLE_DUTY_CHIEF, v1::ROLE_SYSTEM};
      break;
  }
  // An end user reached through a channel backend reports from that
  // channel only, and from every channel (the hotline and video platforms
  // too) as a citizen.
  if (actor.channel() != v1::SOURCE_UNSPECIFIED) {
    if (source != actor.channel()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "source: ", actor.subject(), " speaks through the ",
          absl::StripPrefix(v1::Source_Name(actor.channel()), "SOURCE_"),
          " channel and reports only from it, not from ",
          absl::StripPrefix(v1::Source_Name(source), "SOURCE_")));
    }
    allowed.push_back(v1::ROLE_CITIZEN);
  }
  RETURN_IF_ERROR(auth::RequireAnyRole(
      actor, allowed,
      absl::StrCat("reporting from ",
                   absl::StripPrefix(v1::Source_Name(source), "SOURCE_"))));
  v1::Reporter reporter = requested;
  // The role that allows this source decides who the reporter may be.
  bool as_self = !auth::HasRole(actor, v1::ROLE_SYSTEM) &&
                 !auth::HasRole(actor, v1::ROLE_ACCEPTOR) &&
                 !auth::HasRole(actor, v1::ROLE_DUTY_CHIEF);
  if (as_self && !reporter.id().empty() && reporter.id() != actor.subject()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "reporter.id: a ",
        source == v1::SOURCE_GRID_PATROL ? "grid manager" : "citizen",
        " reports as themselves (", actor.subject(), "), not as '",
        reporter.id(), "'"));
  }
  if (reporter.id().empty()) reporter.set_id(actor.subject());
  if (reporter.kind() == v1::REPORTER_KIND_UNSPECIFIED &&
      actor.channel() != v1::SOURCE_UNSPECIFIED) {
    // The video platform speaks for cameras and analytics, the others for
    // people.
    reporter.set_kind(actor.channel() == v1::SOURCE_VIDEO
                          ? v1::REPORTER_KIND_SYSTEM
                          : v1::REPORTER_KIND_CITIZEN);
  }
  if (reporter.kind() == v1::REPORTER_KIND_UNSPECIFIED) {
    reporter.set_kind(
        auth::HasRole(actor, v1::ROLE_GRID_MANAGER) &&
                source == v1::SOURCE_GRID_PATROL
            ? v1::REPORTER_KIND_GRID_MANAGER
        : source == v1::SOURCE_CITIZEN_APP || source == v1::SOURCE_WECHAT
            ? v1::REPORTER_KIND_CITIZEN
        : auth::HasRole(actor, v1::ROLE_SYSTEM) && actor.roles_size() == 1
            ? v1::REPORTER_KIND_SYSTEM
            : v1::REPORTER_KIND_STAFF);
  }
  return reporter;
}

IntakeServiceImpl::IntakeServiceImpl(CaseStore* store,
                                     registry_client::RegistryClient* registry,
                                     const auth::Authenticator* authenticator,
                                     const Clock* clock, IntakeMetrics* metrics,
                                     WatchHub* watch_hub, IntakeOptions options)
    : store_(store),
      registry_(registry),
      authenticator_(authenticator),
      clock_(clock),
      metrics_(metrics),
      watch_hub_(watch_hub),
      options_(options) {}

grpc::Status IntakeServiceImpl::ReportCase(grpc::ServerContext* context,
                                           const v1::ReportCaseRequest* request,
                                           v1::ReportCaseResponse* response) {
  absl::Time start = absl::Now();
  grpc::Status status = auth::ServeAs(
      context, *authenticator_, "gridcase.v1.IntakeService/ReportCase",
      *request, [&](const auto& actor) {
        absl::Status s = DoReportCase(actor, *request, response);
        if (s.code() == absl::StatusCode::kInvalidArgument) {
          metrics_->Rejected(s.message());
        }
        if (!s.ok()) {
          log::Info("report refused",
                    {{"request_id", request->request_id()},
                     {"code", absl::StatusCodeToString(s.code())},
                     {"error", std::string(s.message())}});
        }
        return s;
      });
  metrics_->report_seconds().Observe(
      absl::ToDoubleSeconds(absl::Now() - start));
  return status;
}

grpc::ServerUnaryReactor* IntakeServiceImpl::GetCase(
    grpc::CallbackServerContext* context, const v1::GetCaseRequest* request,
    v1::GetCaseResponse* response) {
  return auth::ServeAsync(
      context, *authenticator_, "gridcase.v1.IntakeService/GetCase", *request,
      [&](const v1::Actor& actor, auth::CallDone done) {
        DoGetCase(actor, *request, response, std::move(done));
      });
}

absl::Status IntakeServiceImpl::DoReportCase(const v1::Actor& actor,
                                             const v1::ReportCaseRequest& req,
                                             v1::ReportCaseResponse* resp) {
  // Millisecond precision: ListCases orders by reported_at in ms (the index
  // score), so reported_at carries no finer part that would disagree.
  absl::Time now = absl::FromUnixMillis(absl::ToUnixMillis(clock_->Now()));
  RETURN_IF_ERROR(ValidateReport(req, now));
  ASSIGN_OR_RETURN(v1::Reporter reporter,
                   AuthorizeReporter(actor, req.source(), req.reporter()));
  if (req.has_external_ref()) RETURN_IF_ERROR(AuthorizeExternalRef(actor));

  absl::StatusOr<v1::Category> category =
      registry_->GetCategory(req.category_code());
  if (category.status().code() == absl::StatusCode::kNotFound) {
    return absl::InvalidArgumentError(absl::StrCat(
        "category_code: unknown category '", req.category_code(), "'"));
  }
  RETURN_IF_ERROR(category.status());
  RETURN_IF_ERROR(ValidateAgainstCategory(req, *category));

  double lat = req.location().latitude();
  double lng = req.location().longitude();
  absl::StatusOr<v1::LocateGridResponse> located = registry_->Locate(lat, lng);
  if (located.status().code() == absl::StatusCode::kNotFound) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "location: point (%.6f, %.6f) is outside every grid", lat, lng));
  }
  RETURN_IF_ERROR(located.status());
  ASSIGN_OR_RETURN(std::shared_ptr<const calendar::WorkingCalendar> working,
                   registry_->GetWorkingCalendar());
  const calendar::WorkingCalendar& calendar = *working;

  // Deadlines: REGISTER runs from now; expected_at chains REGISTER,
  // DISPATCH and HANDLE (Open311 expected_datetime).
  std::vector<v1::StageLimit> limits =
      cases::EffectiveLimits(*category, nullptr);
  absl::Time expected = now;
  for (int i = 0; i < 3; ++i) {
    ASSIGN_OR_RETURN(calendar::Limit limit,
                     calendar::FromProto(limits[i].limit()));
    ASSIGN_OR_RETURN(expected, calendar::Deadline(expected, limit, calendar));
  }

  v1::Case c;
  c.set_source(req.source());
  c.set_category_code(category->code());
  c.set_category_name(category->name());
  c.set_category_major_code(category->major_code());
  c.set_description(std::string(absl::StripAsciiWhitespace(req.description())));
  *c.mutable_location() = req.location();
  c.set_grid_code(located->grid().code());
  c.set_community_code(located->community().code());
  c.set_town_code(located->town().code());
  c.set_city_code(located->city().code());
  *c.mutable_reporter() = reporter;
  *c.mutable_media() = req.media();
  *c.mutable_attributes() = req.attributes();
  if (req.has_external_ref()) *c.mutable_external_ref() = req.external_ref();
  *c.mutable_occurred_at() =
      req.has_occurred_at() ? req.occurred_at() : ToTimestamp(now);
  *c.mutable_reported_at() = ToTimestamp(now);
  *c.mutable_updated_at() = ToTimestamp(now);
  c.set_urgent(category->urgent());
  *c.mutable_expected_at() = ToTimestamp(expected);
  c.set_light(v1::TRAFFIC_LIGHT_GREEN);
  // REGISTER attempt 1, with its warning instant, as dispatch starts stages.
  RETURN_IF_ERROR(cases::StartStage(&c, v1::STAGE_REGISTER, limits[0].limit(),
                                    now, calendar, options_.warn_share));

  v1::CaseEvent reported;
  reported.set_type(v1::CASE_EVENT_TYPE_REPORTED);
  *reported.mutable_actor() = actor;
  *reported.mutable_time() = ToTimestamp(now);
  reported.set_to_state(v1::CASE_STATE_REPORTED);
  reported.set_case_version(1);
  reported.set_light(v1::TRAFFIC_LIGHT_GREEN);
  *reported.mutable_dimensions() = store::DimensionsOf(c, calendar.time_zone());
  v1::CaseEvent merged = reported;
  merged.set_type(v1::CASE_EVENT_TYPE_MERGED);
  merged.set_to_state(v1::CASE_STATE_MERGED);
  merged.clear_light();

  NewReport report;
  report.shards = options_.shards;
  report.shard = store::ShardOf(c.town_code(), options_.shards);
  report.idempotency_scope =
      store::IdempotencyScope(actor.subject(), req.request_id());
  report.fingerprint = cases::RequestFingerprint(req);
  report.division = c.city_code();
  store::CaseDay case_day = store::CaseDayOf(now, calendar.time_zone());
  report.date = case_day.yyyymmdd;
  report.day_start = case_day.start;
  report.case_template = c;
  report.reported_event = reported;
  report.merged_event = merged;
  report.latitude = lat;
  report.longitude = lng;
  report.category_code = c.category_code();
  if (category->duplicate_radius_m() > 0) {
    report.duplicate_radius_m = category->duplicate_radius_m();
  }
  if (category->duplicate_window().seconds() > 0) {
    report.duplicate_window =
        absl::Seconds(category->duplicate_window().seconds());
  }
  report.reporter_id = reporter.id();
  report.external_ref = req.external_ref();
  report.indices = {{store::kRegionIndex, c.town_code()},
                    {store::kRegionIndex, c.community_code()},
                    {store::kRegionIndex, c.grid_code()},
                    {store::kCategoryIndex, c.category_code()},
                    {store::kCategoryIndex, c.category_major_code()},
                    {store::kSourceIndex, absl::StrCat(c.source())},
                    {store::kReporterIndex, reporter.id()},
                    {store::kAllIndex, "cases"}};
  report.now = now;
  bool quota = options_.report_quota != nullptr &&
               options_.report_quota_per_day > 0 && auth::IsPublic(actor);
  if (quota) {
    absl::Status allowed =
        CheckReportQuota(*options_.report_quota, options_.report_quota_per_day,
                         report, calendar.time_zone());
    if (allowed.code() == absl::StatusCode::kResourceExhausted) {
      metrics_->limits().Refused(limits::LimitKind::kQuota);
    }
    RETURN_IF_ERROR(allowed);
  }
  ASSIGN_OR_RETURN(ReportResult result, store_->Report(report));
  if (quota && !result.replayed && !result.existing) {
    // The report is stored and acknowledged whatever happens here.
    if (absl::Status counted =
            options_.report_quota->Add(reporter.id(), report.date);
        !counted.ok()) {
      log::Warn("report not counted against the daily quota",
                {{"case_id", result.case_id}, {"error", counted.ToString()}});
    }
  }

  v1::Case stored;
  if (result.stored.has_value()) {
    stored = *std::move(result.stored);
  } else {
    ASSIGN_OR_RETURN(stored, store_->GetCase(result.case_id));
  }
  bool merged_case = stored.state() == v1::CASE_STATE_MERGED;
  *resp->mutable_case_() = Present(stored, actor);
  resp->set_replayed(result.replayed);
  resp->set_outcome(result.existing ? v1::REPORT_OUTCOME_EXISTING
                    : merged_case   ? v1::REPORT_OUTCOME_MERGED
                                    : v1::REPORT_OUTCOME_CREATED);
  resp->set_report_count(stored.report_count());
  if (merged_case) {
    resp->set_merged_into_case_id(stored.merged_into());
    ASSIGN_OR_RETURN(v1::Case original, store_->GetCase(stored.merged_into()));
    resp->set_report_count(original.report_count());
    *resp->mutable_merged_into_case() = Present(original, actor);
  }
  if (result.existing) {
    log::Info("report of a known external reference",
              {{"case_id", result.case_id},
               {"request_id", req.request_id()},
               {"external_ref", absl::StrCat(req.external_ref().system(), ":",
                                             req.external_ref().id())}});
  } else if (result.replayed) {
    metrics_->Replayed();
  } else {
    metrics_->Reported(c.source(), category->family(), merged_case);
    log::Info(merged_case ? "case merged" : "case reported",
              {{"case_id", result.case_id},
               {"request_id", req.request_id()},
               {"merged_into", stored.merged_into()},
               {"grid", c.grid_code()},
               {"category", c.category_code()}});
  }
  return absl::OkStatus();
}

void IntakeServiceImpl::DoGetCase(const v1::Actor& actor,
                                  const v1::GetCaseRequest& req,
                                  v1::GetCaseResponse* resp,
                                  auth::CallDone done) {
  CaseQuery query{.case_id = req.case_id(),
                  .with_timeline = req.include_timeline()};
  if (req.has_external_ref()) {
    if (!query.case_id.empty()) {
      std::move(done)(validation::FieldError(
          "external_ref", "give either case_id or external_ref, not both"));
      return;
    }
    if (absl::Status s = ValidateExternalRef(req.external_ref()); !s.ok()) {
      std::move(done)(s);
      return;
    }
    query.external_ref = req.external_ref();
  }
  store_->GetCaseAsync(
      std::move(query), [this, actor, resp, done = std::move(done)](
                            absl::StatusOr<CaseRead> read) mutable {
        if (!read.ok()) {
          std::move(done)(read.status());
          return;
        }
        store::ReporterFacts facts = store::ReporterFacts::Of(read->c);
        *resp->mutable_case_() = Present(std::move(read->c), actor);
        for (v1::CaseEvent& e : read->timeline) {
          *resp->add_timeline() =
              store::PresentEvent(std::move(e), actor, facts);
        }
        std::move(done)(absl::OkStatus());
      });
}

}  // namespace gridcase::intake
