#include "common/config/env_flags.h"

#include <map>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_FLAG(int32_t, test_pool_size, 8, "a test flag");
ABSL_FLAG(std::string, test_redis, "", "a test flag");
ABSL_FLAG(absl::Duration, test_drain_timeout, absl::Seconds(10), "a test flag");

namespace gridcase::config {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(EnvName, UppercasesWithPrefix) {
  EXPECT_EQ(EnvName("grpc_address"), "GRIDCASE_GRPC_ADDRESS");
}

TEST(ApplyEnvironment, SetsFlagsFromGridcaseVariables) {
  ASSERT_OK(ApplyEnvironment(
      FakeEnv({{"GRIDCASE_TEST_POOL_SIZE", "32"},
               {"GRIDCASE_TEST_REDIS", "unix:///run/redis.sock"},
               {"GRIDCASE_TEST_DRAIN_TIMEOUT", "25s"},
               {"TEST_POOL_SIZE", "99"}})));
  EXPECT_EQ(absl::GetFlag(FLAGS_test_pool_size), 32);
  EXPECT_EQ(absl::GetFlag(FLAGS_test_redis), "unix:///run/redis.sock");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_drain_timeout), absl::Seconds(25));
}

TEST(ApplyEnvironment, UnsetVariablesKeepDefaults) {
  absl::SetFlag(&FLAGS_test_pool_size, 8);
  ASSERT_OK(ApplyEnvironment(FakeEnv({})));
  EXPECT_EQ(absl::GetFlag(FLAGS_test_pool_size), 8);
}

TEST(ApplyEnvironment, BadValueNamesTheVariableAndTheFlag) {
  EXPECT_THAT(
      ApplyEnvironment(FakeEnv({{"GRIDCASE_TEST_POOL_SIZE", "lots"}})),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("GRIDCASE_TEST_POOL_SIZE"),
                     HasSubstr("--test_pool_size"), HasSubstr("'lots'"))));
  EXPECT_THAT(ApplyEnvironment(
                  FakeEnv({{"GRIDCASE_TEST_DRAIN_TIMEOUT", "10 parsecs"}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("GRIDCASE_TEST_DRAIN_TIMEOUT")));
}

}  // namespace
}  // namespace gridcase::config
