// IntakeServiceImpl::AddFollowUp: a reporter's comment, photos or "me too"
// on a case, stored as a "case.followed_up" event with compare-and-set on
// the case version, idempotent by request_id.

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/auth/roles.h"
#include "common/auth/serve.h"
#include "common/cases/case_keys.h"
#include "common/cases/fingerprint.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "services/intake/intake_service.h"
#include "services/intake/report_validation.h"

namespace gridcase::intake {
namespace {

constexpr int kAttempts = 5;

absl::Status ValidateFollowUp(const v1::AddFollowUpRequest& r) {
  RETURN_IF_ERROR(ValidateRequestId(r.request_id()));
  if (r.kind() == v1::FOLLOW_UP_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "kind: is required (COMMENT, PHOTO or ME_TOO)");
  }
  RETURN_IF_ERROR(ValidateText("text", r.text(), kMaxTextChars,
                               r.kind() == v1::FOLLOW_UP_KIND_COMMENT));
  RETURN_IF_ERROR(ValidateMedia("media", r.media()));
  if (r.kind() == v1::FOLLOW_UP_KIND_PHOTO && r.media().empty()) {
    return absl::InvalidArgumentError(
        "media: a PHOTO follow-up needs 1-9 media");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status IntakeServiceImpl::AddFollowUp(
    grpc::ServerContext* context, const v1::AddFollowUpRequest* request,
    v1::AddFollowUpResponse* response) {
  return auth::ServeAs(context, *authenticator_,
                       "gridcase.v1.IntakeService/AddFollowUp", *request,
                       [&](const auto& actor) {
                         return DoAddFollowUp(actor, *request, response);
                       });
}

absl::Status IntakeServiceImpl::DoAddFollowUp(const v1::Actor& actor,
                                              const v1::AddFollowUpRequest& req,
                                              v1::AddFollowUpResponse* resp) {
  RETURN_IF_ERROR(cases::ParseCaseId(req.case_id(), options_.shards).status());
  RETURN_IF_ERROR(ValidateFollowUp(req));
  std::string reporter =
      req.reporter().id().empty() ? actor.subject() : req.reporter().id();
  bool acts_for_others = auth::HasRole(actor, v1::ROLE_SYSTEM) ||
                         auth::HasRole(actor, v1::ROLE_ACCEPTOR) ||
                         auth::HasRole(actor, v1::ROLE_DUTY_CHIEF) ||
                         auth::HasRole(actor, v1::ROLE_DISPATCHER);
  if (!acts_for_others && reporter != actor.subject()) {
    return absl::PermissionDeniedError(
        absl::StrCat("reporter.id: you follow up as yourself (",
                     actor.subject(), "), not as '", reporter, "'"));
  }
  absl::StatusOr<FollowUpResult> result;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    ASSIGN_OR_RETURN(v1::Case c, store_->GetCase(req.case_id()));
    // The id carries the report date (Asia/Shanghai, as on every event).
    ASSIGN_OR_RETURN(cases::CaseId id,
                     cases::ParseCaseId(c.id(), options_.shards));
    std::string report_date =
        absl::StrCat(id.date.substr(0, 4), "-", id.date.substr(4, 2), "-",
                     id.date.substr(6, 2));
    NewFollowUp f;
    f.case_id = req.case_id();
    f.expected_version = c.version();
    f.idempotency_scope =
        cases::IdempotencyScope(actor.subject(), req.request_id());
    f.fingerprint = cases::RequestFingerprint(req);
    f.reporter_id = reporter;
    f.me_too = req.kind() == v1::FOLLOW_UP_KIND_ME_TOO;
    v1::CaseEvent& e = f.event;
    e.set_type(v1::CASE_EVENT_TYPE_FOLLOWED_UP);
    *e.mutable_actor() = actor;
    *e.mutable_time() = ToTimestamp(clock_->Now());
    e.set_from_state(c.state());
    e.set_to_state(c.state());
    e.set_note(std::string(absl::StripAsciiWhitespace(req.text())));
    *e.mutable_attachments() = req.media();
    e.set_case_version(c.version() + 1);
    e.set_light(c.light());
    e.set_closure_type(c.closure_type());  // set while CLOSED
    (*e.mutable_data())["kind"] = std::string(absl::StripPrefix(
        v1::FollowUpKind_Name(req.kind()), "FOLLOW_UP_KIND_"));
    (*e.mutable_data())["reporter_id"] = reporter;
    v1::CaseDimensions* d = e.mutable_dimensions();
    d->set_grid_code(c.grid_code());
    d->set_community_code(c.community_code());
    d->set_town_code(c.town_code());
    d->set_city_code(c.city_code());
    d->set_category_code(c.category_code());
    d->set_category_major_code(c.category_major_code());
    d->set_source(c.source());
    d->set_department_id(c.department_id());
    d->set_reporter_id(c.reporter().id());
    d->set_reporter_kind(c.reporter().kind());
    d->set_reporter_anonymous(c.reporter().anonymous());
    d->set_report_date(report_date);
    result = store_->FollowUp(f);
    if (result.status().code() != absl::StatusCode::kAborted) break;
  }
  RETURN_IF_ERROR(result.status());
  ASSIGN_OR_RETURN(v1::Case now, store_->GetCase(req.case_id()));
  privacy::ReporterFacts facts = privacy::ReporterFacts::Of(now);
  *resp->mutable_case_() = Present(std::move(now), actor);
  resp->set_replayed(result->replayed);
  ASSIGN_OR_RETURN(std::vector<v1::CaseEvent> timeline,
                   store_->Timeline(req.case_id()));
  for (v1::CaseEvent& e : timeline) {
    if (e.id() == result->event_id) {
      *resp->mutable_event() =
          privacy::PresentEvent(std::move(e), actor, facts);
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::intake
