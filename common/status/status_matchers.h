// GoogleTest matchers for absl::Status and absl::StatusOr<T> (test-only):
//
//   EXPECT_THAT(store.Put(c), IsOk());
//   EXPECT_THAT(store.Get("x"), StatusIs(absl::StatusCode::kNotFound,
//                                        HasSubstr("case x")));
#ifndef GRIDCASE_COMMON_STATUS_STATUS_MATCHERS_H_
#define GRIDCASE_COMMON_STATUS_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace gridcase::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// Matches an OK absl::Status or an absl::StatusOr<T> holding a value.
MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

// Matches a status (or StatusOr) whose code equals `code` and whose message
// matches `message_matcher` (a string matcher; defaults to anything).
MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(status.message()), result_listener);
}

// Matches an absl::StatusOr<T> that holds a value matching `value_matcher`.
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace gridcase::testing

// ASSERT_OK(expr): asserts that a Status or StatusOr is OK.
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::gridcase::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::gridcase::testing::IsOk())

// ASSERT_OK_AND_ASSIGN(lhs, rexpr): asserts that `rexpr` (a StatusOr) is OK
// and moves its value into `lhs`, which may declare a variable.
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  GRIDCASE_ASSERT_OK_AND_ASSIGN_IMPL_(   \
      GRIDCASE_MATCHERS_CONCAT_(gridcase_statusor_, __LINE__), lhs, rexpr)
#define GRIDCASE_MATCHERS_CONCAT_INNER_(a, b) a##b
#define GRIDCASE_MATCHERS_CONCAT_(a, b) GRIDCASE_MATCHERS_CONCAT_INNER_(a, b)
#define GRIDCASE_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                        \
  ASSERT_THAT(statusor.status(), ::gridcase::testing::IsOk());    \
  lhs = std::move(statusor).value()

#endif  // GRIDCASE_COMMON_STATUS_STATUS_MATCHERS_H_
