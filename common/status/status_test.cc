#include "absl/status/status.h"

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "common/status/grpc_status.h"
#include "common/status/retry_delay.h"
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
  // 17: no gRPC code, but inside grpc::StatusCode's range of values (-32 to
  // 31); a value outside it, such as 99, cannot be held by the enum at all
  // (undefined behaviour, caught by UBSan's enum check).
  grpc::Status odd(static_cast<grpc::StatusCode>(17), "odd");
  EXPECT_THAT(FromGrpcStatus(odd), StatusIs(absl::StatusCode::kUnknown, "odd"));
}

TEST(GrpcStatus, HidesNetworkAddresses) {
  EXPECT_EQ(PublicMessage("registry unavailable: ipv4:127.0.0.1:40123: "
                          "connection refused"),
            "registry unavailable: ipv4:<address>: connection refused");
  EXPECT_EQ(PublicMessage("redis 10.0.0.12:6379 and [::1]:8080, "
                          "localhost:6379, unix:/tmp/r.sock down"),
            "redis <address> and <address>, <address>, <address> down");
  // Versions, dates, case ids and coordinates are not addresses.
  for (const char* kept :
       {"version 1.2.3 of 2026-12-04", "case 330483-20261204-000123",
        "point (30.684300, 120.628300)", "grid 330483101002002"}) {
    EXPECT_EQ(PublicMessage(kept), kept);
  }
}

TEST(GrpcStatus, CutsLongMessagesAtACharacterBoundary) {
  std::string input = "case_id: malformed id '";
  for (int i = 0; i < 2500; ++i) input += "濮";  // 3 bytes each
  grpc::Status wire = ToGrpcStatus(absl::InvalidArgumentError(input));
  EXPECT_LE(wire.error_message().size(), kMaxPublicMessageBytes + 3);
  EXPECT_TRUE(absl::StartsWith(wire.error_message(), "case_id: malformed"));
  EXPECT_TRUE(absl::EndsWith(wire.error_message(), "濮…"));
}

TEST(RetryDelay, TravelsWithTheStatusInWholeMilliseconds) {
  absl::Status refused = WithRetryDelay(
      absl::ResourceExhaustedError("rate limit"), absl::Microseconds(2001));
  EXPECT_EQ(RetryDelayMillis(refused), 3);  // rounded up
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kResourceExhausted, "rate limit"));
  // Never 0: a delay of nothing still says "wait, then retry".
  EXPECT_EQ(RetryDelayMillis(WithRetryDelay(absl::ResourceExhaustedError("x"),
                                            absl::ZeroDuration())),
            1);
  EXPECT_EQ(RetryDelayMillis(WithRetryDelay(absl::ResourceExhaustedError("x"),
                                            absl::Hours(5))),
            5 * 3600 * 1000);
  EXPECT_EQ(RetryDelayMillis(absl::ResourceExhaustedError("x")), std::nullopt);
  EXPECT_EQ(RetryDelayMillis(absl::OkStatus()), std::nullopt);
}

}  // namespace
}  // namespace gridcase
