// The case workflow as data: every transition DispatchService offers, the
// states it starts from, where it leads and the scope rule that applies (a
// department acts only on its own cases, a grid manager only in their
// grids). The roles that may take it come from the one authorization table
// (common/auth/policy.h). Authorize() is the one check every transition
// handler runs before its compare-and-set; docs/api.md shows the same table.
#ifndef GRIDCASE_SERVICES_DISPATCH_STATE_MACHINE_H_
#define GRIDCASE_SERVICES_DISPATCH_STATE_MACHINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::dispatch {

enum class Action {
  kRegister,          // 立案
  kVoid,              // 作废
  kDispatch,          // 派遣
  kAcknowledge,       // 签收
  kSubmitHandling,    // 处置反馈
  kVerifyPass,        // 核查通过 → 结案
  kVerifyFail,        // 核查不通过 → 返工
  kReturn,            // 回退
  kRequestExtension,  // 延期申请
  kDecideExtension,   // 延期审批
  kSuspend,           // 挂账
  kResume,            // 恢复
  kSupervise,         // 督办
  kSelfClose,         // 自行处置
  kReopen,            // 重新打开
  kClose,             // 特殊结案
  kRate,              // 满意度评价 / 回访 (no state change)
  kReviewRating,      // 不满意复核: the case stays closed
  kRequestCheck,      // 核实 (request): REPORTED → CHECKING
  kSubmitCheck,       // 核实 (finding): CHECKING → REPORTED
  kMerge,             // 合并: an open case → MERGED into another
  kUnmerge,           // 撤销合并: MERGED → REGISTERED
};

// Extra conditions beyond roles.
enum class Scope {
  kAny,
  // DEPARTMENT_STAFF must belong to the case's department.
  kOwnDepartment,
  // A GRID_MANAGER must cover the case's grid (a DUTY_CHIEF may always).
  kOwnGrid,
  // Only the GRID_MANAGER who reported the case, in one of their grids.
  kReporterInOwnGrid,
};

struct Rule {
  Action action;
  const char* rpc;                  // e.g. "VerifyCase"
  std::vector<v1::CaseState> from;  // allowed current states
  // Target state; UNSPECIFIED means "depends on the case" (resume: the state
  // it was suspended from; reopen: DISPATCHED if it has a department, else
  // REGISTERED) or "unchanged" (extension, supervise, rating), see
  // Target().
  v1::CaseState to;
  Scope scope;
  v1::CaseEventType event;
};

// Every rule, in workflow order.
const std::vector<Rule>& Rules();
const Rule& RuleFor(Action action);

// "gridcase.v1.DispatchService/<rpc>": the rule's row in the authorization
// table, which names the roles that may take it.
std::string MethodOf(const Rule& rule);

// The state `action` leads `c` to.
v1::CaseState Target(const Rule& rule, const v1::Case& c);

// Checks the actor's role and scope, then the case's state. Returns the
// target state, or:
//   PERMISSION_DENIED    naming the role or scope rule broken;
//   FAILED_PRECONDITION  "case <id> is <STATE>; <Rpc> needs <STATES>".
absl::StatusOr<v1::CaseState> Authorize(Action action, const v1::Case& c,
                                        const v1::Actor& actor);

}  // namespace gridcase::dispatch

#endif  // GRIDCASE_SERVICES_DISPATCH_STATE_MACHINE_H_
