#include "services/notify/notify_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/auth/serve.h"
#include "common/paging/page_token.h"
#include "common/status/status_macros.h"
#include "common/store/case_id.h"
#include "common/validation/field_errors.h"
#include "services/notify/routes.h"

namespace gridcase::notify {
namespace {

constexpr char kListDeliveries[] = "gridcase.v1.NotifyService/ListDeliveries";

bool IsCentre(const v1::Actor& actor) {
  for (int r : actor.roles()) {
    if (r == v1::ROLE_ACCEPTOR || r == v1::ROLE_DISPATCHER ||
        r == v1::ROLE_DUTY_CHIEF || r == v1::ROLE_ADMIN ||
        r == v1::ROLE_SYSTEM) {
      return true;
    }
  }
  return false;
}

bool ToOwnDepartment(const v1::Actor& actor, const v1::Delivery& d) {
  return !actor.department_id().empty() &&
         d.recipient().kind() == v1::RECIPIENT_KIND_DEPARTMENT &&
         d.recipient().id() == actor.department_id();
}

}  // namespace

absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(
    Outbox& outbox, int shards, const v1::Actor& actor,
    const v1::ListDeliveriesRequest& req) {
  bool by_case = !req.case_id().empty();
  bool by_recipient = req.has_recipient();
  if (by_case == by_recipient) {
    return validation::FieldError("case_id",
                                  "give exactly one of case_id and recipient");
  }
  DeliveryFilter filter;
  std::string fingerprint;
  if (by_case) {
    if (!store::ParseCaseId(req.case_id(), shards).ok()) {
      return validation::FieldError(
          "case_id", "must be a case id such as 330483-20260630-000123");
    }
    filter.case_id = req.case_id();
    fingerprint = absl::StrCat("case:", req.case_id());
  } else {
    if (req.recipient().kind() == v1::RECIPIENT_KIND_UNSPECIFIED) {
      return validation::FieldError("recipient.kind", "must be set");
    }
    if (req.recipient().id().empty() || req.recipient().id().size() > 128) {
      return validation::FieldError("recipient.id", "must be 1-128 bytes");
    }
    filter.recipient = req.recipient();
    fingerprint = absl::StrCat("to:", KindName(req.recipient().kind()), ":",
                               req.recipient().id());
  }
  bool centre = IsCentre(actor);
  if (!centre) {
    // Department staff: their own department's deliveries only.
    if (actor.department_id().empty()) {
      return absl::PermissionDeniedError(
          "only centre staff and department staff may list deliveries");
    }
    if (by_recipient &&
        (req.recipient().kind() != v1::RECIPIENT_KIND_DEPARTMENT ||
         req.recipient().id() != actor.department_id())) {
      return absl::PermissionDeniedError(
          "department staff may list only deliveries to their own department");
    }
  }
  ASSIGN_OR_RETURN(int page_size, paging::PageSize(req.page_size(), {}));
  ASSIGN_OR_RETURN(std::string after,
                   paging::DecodePageToken(req.page_token(), fingerprint));
  ASSIGN_OR_RETURN(DeliveryPage page, outbox.List(filter, after, page_size));
  v1::ListDeliveriesResponse resp;
  for (v1::Delivery& d : page.deliveries) {
    if (!centre && !ToOwnDepartment(actor, d)) continue;
    *resp.add_deliveries() = std::move(d);
  }
  if (!page.next_key.empty()) {
    resp.set_next_page_token(
        paging::EncodePageToken(page.next_key, fingerprint));
  }
  return resp;
}

grpc::Status NotifyServiceImpl::ListDeliveries(
    grpc::ServerContext* ctx, const v1::ListDeliveriesRequest* req,
    v1::ListDeliveriesResponse* resp) {
  return auth::ServeAs(
      ctx, *authenticator_, kListDeliveries, *req,
      [&](const v1::Actor& actor) -> absl::Status {
        ASSIGN_OR_RETURN(
            *resp, notify::ListDeliveries(*outbox_, shards_, actor, *req));
        return absl::OkStatus();
      });
}

}  // namespace gridcase::notify
