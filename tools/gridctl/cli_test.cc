#include "tools/gridctl/cli.h"

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

TEST(Cli, SplitsOptionsAndPositionals) {
  ASSERT_OK_AND_ASSIGN(
      Invocation in,
      Parse({"get", "--json", "--actor=subject=a; roles=admin", "x"},
            {"json", "actor"}));
  EXPECT_THAT(in.positional, ::testing::ElementsAre("get", "x"));
  EXPECT_TRUE(in.Has("json"));
  EXPECT_EQ(in.Get("actor", nullptr), "subject=a; roles=admin");
  EXPECT_EQ(in.Get("missing", nullptr, "fallback"), "fallback");
}

TEST(Cli, TokenIsAcceptedWhereverTheActorIs) {
  ASSERT_OK_AND_ASSIGN(Invocation in, Parse({"--token=eyJhbGciOi"}, {"actor"}));
  EXPECT_EQ(in.Get("token", nullptr), "eyJhbGciOi");
  EXPECT_THAT(Parse({"--token=x"}, {"json"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown option --token")));
}

TEST(Cli, PadCountsWideCharactersTwice) {
  EXPECT_EQ(Columns("濮院镇"), 6);
  EXPECT_EQ(Columns("works"), 5);
  EXPECT_EQ(Pad("濮院镇", 8), "濮院镇  ");
  EXPECT_EQ(Pad("works", 3), "works");
}

}  // namespace
}  // namespace gridcase::gridctl
