// RegistryServiceImpl: the duty catalogue of grid members (一员多责). Duties
// are reference data like categories; members carry theirs per grid
// (Member.grid_duties, validated in ValidateMember).
#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "services/registry/list_page.h"
#include "services/registry/registry_service.h"
#include "services/registry/validation.h"

namespace gridcase::registry {
namespace {

constexpr paging::PageLimits kDutyPages{.default_size = 200, .max_size = 1000};

// ListDutyItemsRequest.group_id "routine" selects the routine duties.
constexpr char kRoutine[] = "routine";

}  // namespace

absl::Status RegistryServiceImpl::DoUpsertDutyItem(
    const v1::Actor& actor, const v1::UpsertDutyItemRequest& req,
    v1::UpsertDutyItemResponse* resp) {
  v1::DutyItem duty = req.duty();
  auto snapshot = snapshots_->Get();
  RETURN_IF_ERROR(ValidateDutyItem(duty, *snapshot));
  *duty.mutable_updated_at() = ToTimestamp(clock_->Now());
  auto existing = snapshot->duties().find(duty.code());
  ASSIGN_OR_RETURN(
      bool created,
      PutRecord(
          actor, "UpsertDutyItem", RecordKind::kDuty, duty.code(), duty,
          existing == snapshot->duties().end() ? nullptr : &existing->second,
          duty));
  *resp->mutable_duty() = duty;
  resp->set_created(created);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoListDutyItems(
    const v1::Actor& actor, const v1::ListDutyItemsRequest& req,
    v1::ListDutyItemsResponse* resp) {
  auto snapshot = snapshots_->Get();
  ASSIGN_OR_RETURN(
      std::string next,
      ListPage(
          snapshot->duties(), req.page_size(), req.page_token(),
          absl::StrCat(req.group_id(), "|", req.include_inactive()), kDutyPages,
          [&](const v1::DutyItem& d) {
            bool group =
                req.group_id().empty() ||
                (req.group_id() == kRoutine ? d.group_id().empty()
                                            : d.group_id() == req.group_id());
            return group && (req.include_inactive() || d.active());
          },
          [&](const v1::DutyItem& d) { *resp->add_duties() = d; }));
  resp->set_next_page_token(next);
  return absl::OkStatus();
}

}  // namespace gridcase::registry
