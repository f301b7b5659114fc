// RETURN_IF_ERROR and ASSIGN_OR_RETURN: early returns for absl::Status and
// absl::StatusOr<T>, which Abseil 20220623 does not ship.
//
//   RETURN_IF_ERROR(store.Put(c));
//   ASSIGN_OR_RETURN(Case c, store.Get(id));
//   ASSIGN_OR_RETURN(auto reply, redis.Command({"PING"}));
#ifndef GRIDCASE_COMMON_STATUS_STATUS_MACROS_H_
#define GRIDCASE_COMMON_STATUS_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GRIDCASE_STATUS_CONCAT_INNER_(a, b) a##b
#define GRIDCASE_STATUS_CONCAT_(a, b) GRIDCASE_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::absl::Status gridcase_status_ = (expr);            \
    if (!gridcase_status_.ok()) return gridcase_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs`, which may declare a variable.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  GRIDCASE_ASSIGN_OR_RETURN_IMPL_(   \
      GRIDCASE_STATUS_CONCAT_(gridcase_statusor_, __LINE__), lhs, rexpr)

#define GRIDCASE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()

#endif  // GRIDCASE_COMMON_STATUS_STATUS_MACROS_H_
