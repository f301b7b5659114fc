// IntakeServiceImpl::AddFollowUp: a reporter's comment, photos or "me too"
// on a case, stored as a "case.followed_up" event with compare-and-set on
// the case version, idempotent by request_id.

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/auth/roles.h"
#include "common/auth/serve.h"
#include "common/calendar/calendar.h"
#include "common/cases/fingerprint.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "common/store/case_id.h"
#include "common/store/dimensions.h"
#include "common/store/keys.h"
#include "common/store/visibility.h"
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
  RETURN_IF_ERROR(store::ParseCaseId(req.case_id(), options_.shards).status());
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
  // Report dates are in the one zone v1 supports (calendar.h), as on every
  // event.
  const absl::TimeZone zone = calendar::WorkingCalendar::Default().time_zone();
  absl::StatusOr<FollowUpResult> result;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    ASSIGN_OR_RETURN(v1::Case c, store_->GetCase(req.case_id()));
    NewFollowUp f;
    f.case_id = req.case_id();
    f.expected_version = c.version();
    f.idempotency_scope =
        store::IdempotencyScope(actor.subject(), req.request_id());
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
    *e.mutable_dimensions() = store::DimensionsOf(c, zone);
    result = store_->FollowUp(f);
    if (result.status().code() != absl::StatusCode::kAborted) break;
  }
  RETURN_IF_ERROR(result.status());
  ASSIGN_OR_RETURN(v1::Case now, store_->GetCase(req.case_id()));
  store::ReporterFacts facts = store::ReporterFacts::Of(now);
  *resp->mutable_case_() = Present(std::move(now), actor);
  resp->set_replayed(result->replayed);
  ASSIGN_OR_RETURN(std::vector<v1::CaseEvent> timeline,
                   store_->Timeline(req.case_id()));
  for (v1::CaseEvent& e : timeline) {
    if (e.id() == result->event_id) {
      *resp->mutable_event() = store::PresentEvent(std::move(e), actor, facts);
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::intake
