#include "common/redis/reply.h"

#include "common/redis/script.h"
#include "common/redis/stream_read.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::redis {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(Reply, TypedAccessChecksTheType) {
  EXPECT_EQ(*Reply::String("v").AsString(), "v");
  EXPECT_EQ(*Reply::Status("OK").AsString(), "OK");
  EXPECT_EQ(*Reply::Integer(42).AsInteger(), 42);
  EXPECT_THAT(Reply::Nil().AsString(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("(nil)")));
  EXPECT_THAT(Reply::String("x").AsInteger(),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("integer")));
}

TEST(Reply, DebugStringShowsNestedArrays) {
  Reply r = Reply::Array(
      {Reply::Integer(1), Reply::String("a"), Reply::Array({Reply::Nil()})});
  EXPECT_EQ(r.DebugString(), "[(integer) 1, \"a\", [(nil)]]");
}

struct ErrorCase {
  const char* error;
  absl::StatusCode code;
  const char* message;
};

class ErrorMapping : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorMapping, MapsToTheCanonicalCode) {
  const ErrorCase& c = GetParam();
  EXPECT_THAT(StatusFromErrorReply(c.error), StatusIs(c.code, c.message));
  EXPECT_THAT(Reply::Error(c.error).ToStatus(), StatusIs(c.code, c.message));
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, ErrorMapping,
    ::testing::Values(
        ErrorCase{"FAILED_PRECONDITION case is CLOSED",
                  absl::StatusCode::kFailedPrecondition, "case is CLOSED"},
        ErrorCase{"ABORTED version 3 != 4", absl::StatusCode::kAborted,
                  "version 3 != 4"},
        ErrorCase{"OOM command not allowed when used memory > 'maxmemory'.",
                  absl::StatusCode::kResourceExhausted, kStoreFull},
        ErrorCase{"ERR Error running script (call to f_1): @user_script:3: "
                  "@user_script: 3: -OOM command not allowed when used "
                  "memory > 'maxmemory'.",
                  absl::StatusCode::kResourceExhausted, kStoreFull},
        ErrorCase{"NOT_FOUND", absl::StatusCode::kNotFound, ""},
        ErrorCase{"LOADING Redis is loading the dataset in memory",
                  absl::StatusCode::kUnavailable,
                  "redis: LOADING Redis is loading the dataset in memory"},
        ErrorCase{"READONLY You can't write against a read only replica.",
                  absl::StatusCode::kUnavailable,
                  "redis: READONLY You can't write against a read only "
                  "replica."},
        // A redirection the cluster client could not follow (cluster_client.h).
        ErrorCase{"MOVED 3999 127.0.0.1:6381", absl::StatusCode::kUnavailable,
                  "redis: MOVED 3999 127.0.0.1:6381"},
        ErrorCase{"ASK 3999 127.0.0.1:6381", absl::StatusCode::kUnavailable,
                  "redis: ASK 3999 127.0.0.1:6381"},
        ErrorCase{"ERR unknown command 'FOO'", absl::StatusCode::kInternal,
                  "redis: ERR unknown command 'FOO'"},
        ErrorCase{"WRONGTYPE Operation against a key",
                  absl::StatusCode::kInternal,
                  "redis: WRONGTYPE Operation against a key"}));

TEST(StreamReadCommand, BuildsXreadAndXreadgroup) {
  StreamRead read{.count = 5,
                  .streams = {{"a", "0-0"}, {"b", "1-2"}, {"c", "$"}}};
  EXPECT_EQ(StreamReadCommand(read, {0, 2}, absl::ZeroDuration()),
            (std::vector<std::string>{"XREAD", "COUNT", "5", "STREAMS", "a",
                                      "c", "0-0", "$"}));
  read.group = "stats";
  read.consumer = "c1";
  read.count = 0;
  // A wait below 1 ms is 1 ms: BLOCK 0 would wait forever.
  EXPECT_EQ(StreamReadCommand(read, {1}, absl::Microseconds(10)),
            (std::vector<std::string>{"XREADGROUP", "GROUP", "stats", "c1",
                                      "BLOCK", "1", "STREAMS", "b", "1-2"}));
}

TEST(Script, Sha1MatchesRedis) {
  // SHA1("return 1"), as SCRIPT LOAD reports it.
  Script s("one", "return 1");
  EXPECT_EQ(s.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

}  // namespace
}  // namespace gridcase::redis
