#include "absl/status/status.h"

#include <string>

#include "absl/status/statusor.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::IsOkAndHolds;
using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return absl::InvalidArgumentError("n: must be even");
  return n / 2;
}

absl::StatusOr<int> Quarter(int n) {
  ASSIGN_OR_RETURN(int half, Half(n));
  ASSIGN_OR_RETURN(auto quarter, Half(half));
  return quarter;
}

absl::Status CheckQuarter(int n, int* calls) {
  ++*calls;
  RETURN_IF_ERROR(Quarter(n).status());
  ++*calls;
  return absl::OkStatus();
}

TEST(StatusMacros, AssignOrReturnPassesValuesAndErrors) {
  EXPECT_THAT(Quarter(8), IsOk());
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("must be even")));
}

TEST(StatusMacros, ReturnIfErrorStopsAtTheFirstError) {
  int calls = 0;
  EXPECT_THAT(CheckQuarter(8, &calls), IsOk());
  EXPECT_EQ(calls, 2);
  calls = 0;
  EXPECT_THAT(CheckQuarter(3, &calls),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("n:")));
  EXPECT_EQ(calls, 1);
}

TEST(StatusMatchers, IsOkAndHoldsChecksTheValue) {
  EXPECT_THAT(Quarter(8), IsOkAndHolds(2));
  EXPECT_THAT(Quarter(8), Not(IsOkAndHolds(3)));
  EXPECT_THAT(Quarter(6), Not(IsOkAndHolds(::testing::_)));
}

TEST(StatusMatchers, RejectWrongCodeOrMessage) {
  absl::Status s = absl::NotFoundError("case 7 not found");
  EXPECT_THAT(s, Not(IsOk()));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kInternal, ::testing::_)));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kNotFound, HasSubstr("x"))));
}

TEST(GrpcStatus, RoundTripsEveryCanonicalCode) {
  for (int c = 0; c <= static_cast<int>(absl::StatusCode::kUnauthenticated);
       ++c) {
    auto code = static_cast<absl::StatusCode>(c);
    absl::Status in = c == 0 ? absl::OkStatus() : absl::Status(code, "msg");
    grpc::Status wire = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(wire.error_code()), c);
    EXPECT_EQ(FromGrpcStatus(wire), in);
  }
}

TEST(GrpcStatus, KeepsTheMessage) {
  grpc::Status wire = ToGrpcStatus(
      absl::InvalidArgumentError("description: must not be empty"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(wire.error_message(), "description: must not be empty");
}

TEST(GrpcStatus, UnknownWireCodesBecomeUnknown) {
  grpc::Status odd(static_cast<grpc::StatusCode>(99), "odd");
  EXPECT_THAT(FromGrpcStatus(odd), StatusIs(absl::StatusCode::kUnknown, "odd"));
}

}  // namespace
}  // namespace gridcase
