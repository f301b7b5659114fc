// The authorization table: for every RPC of every gridcase service, which
// roles may call it and on what scope. It is the one place that says so:
// ServeAs (common/auth/serve.h) checks the caller's roles against it before
// any handler runs, and the dispatch state machine takes its roles from it.
// Scope rules (own department, own grids, own reports) are enforced where
// the resource is known, by the handler, and named here for the docs.
// docs/security.md shows the same table; authz_table_test holds the two
// equal, and a process test calls every RPC of every service as every role.
#ifndef GRIDCASE_COMMON_AUTH_POLICY_H_
#define GRIDCASE_COMMON_AUTH_POLICY_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::auth {

// What a role may do with an RPC. Labels (ScopeLabel) are the cells of the
// table in docs/security.md.
enum class Scope {
  kDenied,         // "—"          may not call it
  kAll,            // "all"        centre-wide
  kOwnDepartment,  // "own dept"   cases dispatched to their department
  kOwnGrids,       // "own grids"  cases in the grids they cover
  kSelf,           // "self"       as themselves, on what they reported
  kOwnOrPublic,    // "own+public" their own cases in full, others' public view
  kBySource,       // "by source"  for any reporter, from the sources the role
                   //              covers (docs/security.md)
};

// The roles in the table's column order: GRID_MANAGER .. SYSTEM.
inline constexpr int kRoleCount = 8;
const std::array<v1::Role, kRoleCount>& TableRoles();

struct MethodPolicy {
  // "gridcase.v1.DispatchService/VerifyCase".
  std::string method;
  // Indexed like TableRoles().
  std::array<Scope, kRoleCount> scopes;

  Scope ScopeOf(v1::Role role) const;
};

// Every row, grouped by service, in the services' declaration order.
const std::vector<MethodPolicy>& Policies();

// The row of `method` ("gridcase.v1.X/Y"), or nullptr.
const MethodPolicy* FindPolicy(absl::string_view method);

// The roles that may call `method` at all.
std::vector<v1::Role> AllowedRoles(absl::string_view method);

// OK if one of the actor's roles may call `method`; otherwise
// PERMISSION_DENIED naming the rule, e.g. "gridcase.v1.DispatchService/
// VoidCase needs role ACCEPTOR, DISPATCHER or DUTY_CHIEF; caller wx:1 has
// CITIZEN (docs/security.md)". A method without a row is denied to everybody
// (deny by default).
absl::Status Authorize(const v1::Actor& actor, absl::string_view method);

// The widest scope the actor's roles give on `method` (kAll beats the
// others); kDenied if none.
Scope ScopeFor(const v1::Actor& actor, absl::string_view method);

absl::string_view ScopeLabel(Scope scope);

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_POLICY_H_
