// RegistryServiceImpl: members, departments, categories and responsibility
// rules. Each upsert validates against the current snapshot, stores the
// record and reloads the snapshot, so this replica reads its own writes.
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_record.h"
#include "common/auth/roles.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "services/registry/list_page.h"
#include "services/registry/registry_service.h"
#include "services/registry/responsibility.h"
#include "services/registry/validation.h"

namespace gridcase::registry {
namespace {

constexpr paging::PageLimits kMemberPages{.default_size = 50, .max_size = 500};
constexpr paging::PageLimits kDepartmentPages{.default_size = 100,
                                              .max_size = 1000};
constexpr paging::PageLimits kCategoryPages{.default_size = 200,
                                            .max_size = 1000};
constexpr paging::PageLimits kRulePages{.default_size = 100, .max_size = 1000};

bool HasMemberRole(const v1::Member& m, v1::Role role) {
  for (int r : m.roles()) {
    if (r == role) return true;
  }
  return false;
}

bool CoversGrid(const v1::Member& m, const std::string& grid) {
  for (const std::string& g : m.grid_codes()) {
    if (g == grid) return true;
  }
  return false;
}

// Rules listed by (category, scope, id).
std::string RuleOrderKey(const v1::Rule& r) {
  return absl::StrCat(r.category_code(), "\x1f", r.scope_code(), "\x1f",
                      r.id());
}

}  // namespace

std::string RegistryServiceImpl::AuditOf(
    const v1::Actor& actor, absl::string_view action, absl::string_view kind,
    absl::string_view id, const google::protobuf::Message* before,
    const google::protobuf::Message* after) const {
  std::optional<v1::AuditRecord> record =
      audit::Describe(actor, clock_->Now(), action, kind, id, before, after);
  return record.has_value() ? record->SerializeAsString() : "";
}

absl::StatusOr<bool> RegistryServiceImpl::PutRecord(
    const v1::Actor& actor, absl::string_view action, RecordKind kind,
    const std::string& key, const google::protobuf::Message& record,
    const google::protobuf::Message* shown_before,
    const google::protobuf::Message& shown_after) {
  static constexpr absl::string_view kKinds[] = {"member", "department",
                                                 "category", "rule", "duty"};
  std::string audit = AuditOf(actor, action, kKinds[static_cast<int>(kind)],
                              key, shown_before, &shown_after);
  ASSIGN_OR_RETURN(bool created,
                   store_->PutRecord(kind, key, record.SerializeAsString(),
                                     clock_->Now(), audit));
  RETURN_IF_ERROR(snapshots_->Reload());
  return created;
}

// --- members ---------------------------------------------------------------

absl::Status RegistryServiceImpl::DoUpsertMember(
    const v1::Actor& actor, const v1::UpsertMemberRequest& req,
    v1::UpsertMemberResponse* resp) {
  auto snapshot = snapshots_->Get();
  v1::Member member = req.member();
  member.clear_phone_masked();
  auto existing = snapshot->members().find(member.id());
  if (member.phone().empty() && existing != snapshot->members().end()) {
    member.set_phone(existing->second.phone());  // keep the stored phone
  }
  RETURN_IF_ERROR(ValidateMember(member, *snapshot));
  *member.mutable_updated_at() = ToTimestamp(clock_->Now());
  std::optional<v1::Member> before;
  if (existing != snapshot->members().end())
    before = PublicMember(existing->second);
  ASSIGN_OR_RETURN(
      bool created,
      PutRecord(actor, "UpsertMember", RecordKind::kMember, member.id(), member,
                before.has_value() ? &*before : nullptr, PublicMember(member)));
  *resp->mutable_member() = PublicMember(member);
  resp->set_created(created);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoGetMember(const v1::Actor& actor,
                                              const v1::GetMemberRequest& req,
                                              v1::GetMemberResponse* resp) {
  auto snapshot = snapshots_->Get();
  auto it = snapshot->members().find(req.id());
  if (it == snapshot->members().end()) {
    return absl::NotFoundError(
        absl::StrCat("member '", req.id(), "' not found"));
  }
  *resp->mutable_member() = PublicMember(it->second);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoListMembers(
    const v1::Actor& actor, const v1::ListMembersRequest& req,
    v1::ListMembersResponse* resp) {
  if (!req.grid_code().empty()) {
    RETURN_IF_ERROR(
        CheckRegionCode("grid_code", req.grid_code(), v1::REGION_LEVEL_GRID));
  }
  auto snapshot = snapshots_->Get();
  ASSIGN_OR_RETURN(
      std::string next,
      ListPage(
          snapshot->members(), req.page_size(), req.page_token(),
          absl::StrCat(req.grid_code(), "|", req.role(), "|",
                       req.department_id(), "|", req.include_inactive()),
          kMemberPages,
          [&](const v1::Member& m) {
            return (req.include_inactive() || m.active()) &&
                   (req.grid_code().empty() ||
                    CoversGrid(m, req.grid_code())) &&
                   (req.role() == v1::ROLE_UNSPECIFIED ||
                    HasMemberRole(m, req.role())) &&
                   (req.department_id().empty() ||
                    m.department_id() == req.department_id());
          },
          [&](const v1::Member& m) {
            *resp->add_members() = PublicMember(m);
          }));
  resp->set_next_page_token(next);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoListGridInspectors(
    const v1::Actor& actor, const v1::ListGridInspectorsRequest& req,
    v1::ListGridInspectorsResponse* resp) {
  RETURN_IF_ERROR(
      CheckRegionCode("grid_code", req.grid_code(), v1::REGION_LEVEL_GRID));
  auto snapshot = snapshots_->Get();
  if (snapshot->FindRegion(req.grid_code()) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("grid_code: unknown grid ", req.grid_code()));
  }
  for (const auto& [id, m] : snapshot->members()) {
    if (m.active() && HasMemberRole(m, v1::ROLE_GRID_MANAGER) &&
        CoversGrid(m, req.grid_code())) {
      *resp->add_inspectors() = PublicMember(m);
    }
  }
  return absl::OkStatus();
}

// --- departments -----------------------------------------------------------

absl::Status RegistryServiceImpl::DoUpsertDepartment(
    const v1::Actor& actor, const v1::UpsertDepartmentRequest& req,
    v1::UpsertDepartmentResponse* resp) {
  v1::Department department = req.department();
  RETURN_IF_ERROR(ValidateDepartment(department));
  *department.mutable_updated_at() = ToTimestamp(clock_->Now());
  auto snapshot = snapshots_->Get();
  auto existing = snapshot->departments().find(department.id());
  ASSIGN_OR_RETURN(
      bool created,
      PutRecord(actor, "UpsertDepartment", RecordKind::kDepartment,
                department.id(), department,
                existing == snapshot->departments().end() ? nullptr
                                                          : &existing->second,
                department));
  *resp->mutable_department() = department;
  resp->set_created(created);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoGetDepartment(
    const v1::Actor& actor, const v1::GetDepartmentRequest& req,
    v1::GetDepartmentResponse* resp) {
  auto snapshot = snapshots_->Get();
  auto it = snapshot->departments().find(req.id());
  if (it == snapshot->departments().end()) {
    return absl::NotFoundError(
        absl::StrCat("department '", req.id(), "' not found"));
  }
  *resp->mutable_department() = it->second;
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoListDepartments(
    const v1::Actor& actor, const v1::ListDepartmentsRequest& req,
    v1::ListDepartmentsResponse* resp) {
  auto snapshot = snapshots_->Get();
  ASSIGN_OR_RETURN(
      std::string next,
      ListPage(
          snapshot->departments(), req.page_size(), req.page_token(),
          absl::StrCat(req.kind(), "|", req.include_inactive()),
          kDepartmentPages,
          [&](const v1::Department& d) {
            return (req.include_inactive() || d.active()) &&
                   (req.kind() == v1::DEPARTMENT_KIND_UNSPECIFIED ||
                    d.kind() == req.kind());
          },
          [&](const v1::Department& d) { *resp->add_departments() = d; }));
  resp->set_next_page_token(next);
  return absl::OkStatus();
}

// --- categories ------------------------------------------------------------

absl::Status RegistryServiceImpl::DoUpsertCategory(
    const v1::Actor& actor, const v1::UpsertCategoryRequest& req,
    v1::UpsertCategoryResponse* resp) {
  v1::Category category = req.category();
  RETURN_IF_ERROR(ValidateCategory(category));
  *category.mutable_updated_at() = ToTimestamp(clock_->Now());
  auto snapshot = snapshots_->Get();
  auto existing = snapshot->categories().find(category.code());
  ASSIGN_OR_RETURN(
      bool created,
      PutRecord(actor, "UpsertCategory", RecordKind::kCategory, category.code(),
                category,
                existing == snapshot->categories().end() ? nullptr
                                                         : &existing->second,
                category));
  *resp->mutable_category() = category;
  resp->set_created(created);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoGetCategory(
    const v1::Actor& actor, const v1::GetCategoryRequest& req,
    v1::GetCategoryResponse* resp) {
  auto snapshot = snapshots_->Get();
  auto it = snapshot->categories().find(req.code());
  if (it == snapshot->categories().end()) {
    return absl::NotFoundError(
        absl::StrCat("category '", req.code(), "' not found"));
  }
  *resp->mutable_category() = it->second;
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoListCategories(
    const v1::Actor& actor, const v1::ListCategoriesRequest& req,
    v1::ListCategoriesResponse* resp) {
  auto snapshot = snapshots_->Get();
  ASSIGN_OR_RETURN(
      std::string next,
      ListPage(
          snapshot->categories(), req.page_size(), req.page_token(),
          absl::StrCat(req.family(), "|", req.major_code(), "|",
                       req.include_disabled()),
          kCategoryPages,
          [&](const v1::Category& c) {
            return (req.include_disabled() || c.enabled()) &&
                   (req.family() == v1::CATEGORY_FAMILY_UNSPECIFIED ||
                    c.family() == req.family()) &&
                   (req.major_code().empty() ||
                    c.major_code() == req.major_code());
          },
          [&](const v1::Category& c) { *resp->add_categories() = c; }));
  resp->set_next_page_token(next);
  return absl::OkStatus();
}

// --- rules -----------------------------------------------------------------

absl::Status RegistryServiceImpl::DoUpsertRule(const v1::Actor& actor,
                                               const v1::UpsertRuleRequest& req,
                                               v1::UpsertRuleResponse* resp) {
  v1::Rule rule = req.rule();
  if (rule.id().empty()) {
    ASSIGN_OR_RETURN(int64_t n, store_->NextRuleNumber());
    rule.set_id(absl::StrCat("r-auto-", n));
  }
  auto snapshot = snapshots_->Get();
  RETURN_IF_ERROR(ValidateRule(rule, *snapshot));
  *rule.mutable_updated_at() = ToTimestamp(clock_->Now());
  auto existing = snapshot->rules().find(rule.id());
  ASSIGN_OR_RETURN(
      bool created,
      PutRecord(
          actor, "UpsertRule", RecordKind::kRule, rule.id(), rule,
          existing == snapshot->rules().end() ? nullptr : &existing->second,
          rule));
  *resp->mutable_rule() = rule;
  resp->set_created(created);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoDeleteRule(const v1::Actor& actor,
                                               const v1::DeleteRuleRequest& req,
                                               v1::DeleteRuleResponse* resp) {
  auto snapshot = snapshots_->Get();
  auto it = snapshot->rules().find(req.id());
  if (it == snapshot->rules().end()) {
    return absl::NotFoundError(absl::StrCat("rule '", req.id(), "' not found"));
  }
  *resp->mutable_rule() = it->second;
  absl::Status deleted = store_->DeleteRecord(
      RecordKind::kRule, req.id(), clock_->Now(),
      AuditOf(actor, "DeleteRule", "rule", req.id(), &it->second, nullptr));
  if (deleted.code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("rule '", req.id(), "' not found"));
  }
  RETURN_IF_ERROR(deleted);
  return snapshots_->Reload();
}

absl::Status RegistryServiceImpl::DoListRules(const v1::Actor& actor,
                                              const v1::ListRulesRequest& req,
                                              v1::ListRulesResponse* resp) {
  auto snapshot = snapshots_->Get();
  std::map<std::string, const v1::Rule*> ordered;
  for (const auto& [id, rule] : snapshot->rules()) {
    ordered[RuleOrderKey(rule)] = &rule;
  }
  ASSIGN_OR_RETURN(std::string next,
                   ListPage(
                       ordered, req.page_size(), req.page_token(),
                       absl::StrCat(req.category_code(), "|", req.scope_code(),
                                    "|", req.department_id()),
                       kRulePages,
                       [&](const v1::Rule* r) {
                         return (req.category_code().empty() ||
                                 r->category_code() == req.category_code()) &&
                                (req.scope_code().empty() ||
                                 r->scope_code() == req.scope_code()) &&
                                (req.department_id().empty() ||
                                 r->department_id() == req.department_id());
                       },
                       [&](const v1::Rule* r) { *resp->add_rules() = *r; }));
  resp->set_next_page_token(next);
  return absl::OkStatus();
}

absl::Status RegistryServiceImpl::DoResolveResponsibility(
    const v1::Actor& actor, const v1::ResolveResponsibilityRequest& req,
    v1::ResolveResponsibilityResponse* resp) {
  ASSIGN_OR_RETURN(
      *resp, registry::ResolveResponsibility(
                 *snapshots_->Get(), req.category_code(), req.grid_code()));
  return absl::OkStatus();
}

}  // namespace gridcase::registry
