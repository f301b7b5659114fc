#include "common/auth/policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace gridcase::auth {
namespace {

constexpr Scope No = Scope::kDenied;
constexpr Scope All = Scope::kAll;
constexpr Scope Dept = Scope::kOwnDepartment;
constexpr Scope Grids = Scope::kOwnGrids;
constexpr Scope Self = Scope::kSelf;
constexpr Scope Pub = Scope::kOwnOrPublic;
constexpr Scope Src = Scope::kBySource;

using Row = std::array<Scope, kRoleCount>;

// Shared rows.
constexpr Row kEveryone = {All, All, All, All, All, All, All, All};
constexpr Row kStaff = {All, All, All, All, All, All, No, All};
constexpr Row kAdmin = {No, No, No, No, No, All, No, No};
constexpr Row kCaseReads = {All, All, All, All, All, All, Pub, All};
constexpr Row kDepartment = {No, No, No, No, Dept, No, No, No};
constexpr Row kChief = {No, No, No, All, No, No, No, No};
// Patrols: grid managers their own; admins and system services (a device
// gateway) for anyone; centre staff read.
constexpr Row kPatrolWrite = {Self, No, No, No, No, All, No, All};
constexpr Row kPatrolRead = {Self, All, All, All, No, All, No, All};

std::vector<MethodPolicy> BuildPolicies() {
  struct Entry {
    const char* service;
    const char* method;
    Row scopes;
  };
  // clang-format off
  static const Entry kTable[] = {
      // service           method                     GM     ACC    DSP    CHIEF  DEPT   ADMIN  CIT    SYS
      {"RegistryService", "ImportGrids",              kAdmin},
      {"RegistryService", "UploadGrids",              kAdmin},
      {"RegistryService", "GetRegion",                kEveryone},
      {"RegistryService", "ListRegions",              kEveryone},
      {"RegistryService", "LocateGrid",               kEveryone},
      {"RegistryService", "GetRegistryVersion",       kEveryone},
      {"RegistryService", "UpsertMember",             kAdmin},
      {"RegistryService", "GetMember",                kStaff},
      {"RegistryService", "ListMembers",              kStaff},
      {"RegistryService", "ListGridInspectors",       kStaff},
      {"RegistryService", "UpsertDepartment",         kAdmin},
      {"RegistryService", "GetDepartment",            kEveryone},
      {"RegistryService", "ListDepartments",          kEveryone},
      {"RegistryService", "UpsertCategory",           kAdmin},
      {"RegistryService", "GetCategory",              kEveryone},
      {"RegistryService", "ListCategories",           kEveryone},
      {"RegistryService", "UpsertDutyItem",           kAdmin},
      {"RegistryService", "ListDutyItems",            kStaff},
      {"RegistryService", "UpsertRule",               kAdmin},
      {"RegistryService", "DeleteRule",               kAdmin},
      {"RegistryService", "ListRules",                kStaff},
      {"RegistryService", "ResolveResponsibility",    kStaff},
      {"RegistryService", "GetCalendar",              kEveryone},
      {"RegistryService", "UpsertCalendar",           kAdmin},
      {"RegistryService", "ListAuditRecords",         kAdmin},
      {"IntakeService",   "ReportCase",               {Self,  Src,   No,    Src,   No,    No,    Self,  Src}},
      {"IntakeService",   "GetCase",                  kCaseReads},
      {"IntakeService",   "ListCases",                kCaseReads},
      {"IntakeService",   "ListNearby",               kCaseReads},
      {"IntakeService",   "AddFollowUp",              {Self,  All,   All,   All,   No,    No,    Self,  All}},
      {"IntakeService",   "WatchCases",               kCaseReads},
      {"DispatchService", "RegisterCase",             {No,    All,   All,   All,   No,    No,    No,    All}},
      {"DispatchService", "VoidCase",                 {No,    All,   All,   All,   No,    No,    No,    No}},
      {"DispatchService", "DispatchCase",             {No,    No,    All,   All,   No,    No,    No,    All}},
      {"DispatchService", "AcknowledgeCase",          kDepartment},
      {"DispatchService", "SubmitHandling",           kDepartment},
      {"DispatchService", "VerifyCase",               {Grids, No,    No,    All,   No,    No,    No,    No}},
      {"DispatchService", "ReturnCase",               kDepartment},
      {"DispatchService", "RequestExtension",         kDepartment},
      {"DispatchService", "DecideExtension",          kChief},
      {"DispatchService", "SuspendCase",              kChief},
      {"DispatchService", "ResumeCase",               kChief},
      {"DispatchService", "SuperviseCase",            {No,    No,    No,    All,   No,    No,    No,    All}},
      {"DispatchService", "SelfCloseCase",            {Self,  No,    No,    No,    No,    No,    No,    No}},
      {"DispatchService", "ReopenCase",               kChief},
      {"DispatchService", "CloseCase",                kChief},
      {"DispatchService", "RateCase",                 {No,    All,   No,    No,    No,    No,    Self,  All}},
      {"DispatchService", "ReviewRating",             kChief},
      {"DispatchService", "RequestCheck",             {No,    All,   All,   All,   No,    No,    No,    No}},
      {"DispatchService", "SubmitCheck",              {Grids, No,    No,    All,   No,    No,    No,    No}},
      {"DispatchService", "MergeCase",                {No,    All,   All,   All,   No,    No,    No,    No}},
      {"DispatchService", "UnmergeCase",              {No,    All,   All,   All,   No,    No,    No,    No}},
      {"DispatchService", "GetTimeline",              {All,   All,   All,   All,   All,   All,   Self,  All}},
      {"DispatchService", "ListQueue",                {Grids, All,   All,   All,   Dept,  No,    No,    All}},
      {"DispatchService", "GetRoutingPolicy",         kStaff},
      {"DispatchService", "UpdateRoutingPolicy",      {No,    No,    No,    All,   No,    All,   No,    No}},
      {"StatsService",    "Summary",                  kStaff},
      {"StatsService",    "Ranking",                  kStaff},
      {"StatsService",    "Trend",                    kStaff},
      {"StatsService",    "Hotspots",                 kStaff},
      {"StatsService",    "PublishReport",            {No,    No,    No,    All,   No,    All,   No,    All}},
      {"StatsService",    "GetReport",                kStaff},
      {"StatsService",    "ListReports",              kStaff},
      {"PatrolService",   "StartPatrol",              kPatrolWrite},
      {"PatrolService",   "RecordTrack",              kPatrolWrite},
      {"PatrolService",   "CheckIn",                  kPatrolWrite},
      {"PatrolService",   "EndPatrol",                kPatrolWrite},
      {"PatrolService",   "GetPatrol",                kPatrolRead},
      {"PatrolService",   "ListPatrols",              kPatrolRead},
      {"NotifyService",   "ListDeliveries",           {No,    All,   All,   All,   Dept,  All,   No,    All}},
  };
  // clang-format on
  std::vector<MethodPolicy> out;
  for (const Entry& e : kTable) {
    out.push_back(
        {absl::StrCat("gridcase.v1.", e.service, "/", e.method), e.scopes});
  }
  return out;
}

int IndexOf(v1::Role role) {
  const auto& roles = TableRoles();
  auto it = std::find(roles.begin(), roles.end(), role);
  return it == roles.end() ? -1 : static_cast<int>(it - roles.begin());
}

std::string RoleName(int role) {
  return std::string(
      absl::StripPrefix(v1::Role_Name(static_cast<v1::Role>(role)), "ROLE_"));
}

}  // namespace

const std::array<v1::Role, kRoleCount>& TableRoles() {
  static constexpr std::array<v1::Role, kRoleCount> kRoles = {
      v1::ROLE_GRID_MANAGER,     v1::ROLE_ACCEPTOR,
      v1::ROLE_DISPATCHER,       v1::ROLE_DUTY_CHIEF,
      v1::ROLE_DEPARTMENT_STAFF, v1::ROLE_ADMIN,
      v1::ROLE_CITIZEN,          v1::ROLE_SYSTEM};
  return kRoles;
}

Scope MethodPolicy::ScopeOf(v1::Role role) const {
  int i = IndexOf(role);
  return i < 0 ? Scope::kDenied : scopes[i];
}

const std::vector<MethodPolicy>& Policies() {
  static const auto* policies = new std::vector<MethodPolicy>(BuildPolicies());
  return *policies;
}

const MethodPolicy* FindPolicy(absl::string_view method) {
  for (const MethodPolicy& p : Policies()) {
    if (p.method == method) return &p;
  }
  return nullptr;
}

std::vector<v1::Role> AllowedRoles(absl::string_view method) {
  std::vector<v1::Role> roles;
  const MethodPolicy* p = FindPolicy(method);
  if (p == nullptr) return roles;
  for (v1::Role role : TableRoles()) {
    if (p->ScopeOf(role) != Scope::kDenied) roles.push_back(role);
  }
  return roles;
}

Scope ScopeFor(const v1::Actor& actor, absl::string_view method) {
  const MethodPolicy* p = FindPolicy(method);
  if (p == nullptr) return Scope::kDenied;
  Scope best = Scope::kDenied;
  for (int role : actor.roles()) {
    Scope s = p->ScopeOf(static_cast<v1::Role>(role));
    if (s == Scope::kAll) return s;
    if (best == Scope::kDenied) best = s;
  }
  return best;
}

absl::Status Authorize(const v1::Actor& actor, absl::string_view method) {
  const MethodPolicy* p = FindPolicy(method);
  if (p == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat(method,
                     " has no row in the authorization table and is denied "
                     "to everybody (docs/security.md)"));
  }
  if (ScopeFor(actor, method) != Scope::kDenied) return absl::OkStatus();
  std::vector<std::string> wanted;
  for (v1::Role role : AllowedRoles(method)) wanted.push_back(RoleName(role));
  std::vector<std::string> held;
  for (int role : actor.roles()) held.push_back(RoleName(role));
  std::string wanted_text =
      wanted.size() <= 1
          ? absl::StrJoin(wanted, "")
          : absl::StrCat(absl::StrJoin(wanted.begin(), wanted.end() - 1, ", "),
                         " or ", wanted.back());
  return absl::PermissionDeniedError(absl::StrCat(
      method, " needs role ", wanted_text, "; caller ", actor.subject(),
      " has ", held.empty() ? "no role" : absl::StrJoin(held, ", "),
      " (docs/security.md)"));
}

absl::string_view ScopeLabel(Scope scope) {
  switch (scope) {
    case Scope::kDenied:
      return "—";
    case Scope::kAll:
      return "all";
    case Scope::kOwnDepartment:
      return "own dept";
    case Scope::kOwnGrids:
      return "own grids";
    case Scope::kSelf:
      return "self";
    case Scope::kOwnOrPublic:
      return "own+public";
    case Scope::kBySource:
      return "by source";
  }
  return "?";
}

}  // namespace gridcase::auth
