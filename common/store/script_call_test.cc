#include "common/store/script_call.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::store {
namespace {

using ::testing::ElementsAre;

TEST(ScriptCall, NamesTheKeysAndArgumentsItSends) {
  redis::Script script("test_script", "return 1");
  ScriptCall call = ScriptCall(script)
                        .Key("case", "{s:1}:case:c-1")
                        .Keys("queues", {"{s:1}:q:a", "{s:1}:q:b"})
                        .Keys("none", {})
                        .Arg("note", "a b|c")
                        .Int("version", 7)
                        .Args("deltas", {"1", "f", "-1"});
  EXPECT_THAT(call.keys(),
              ElementsAre("{s:1}:case:c-1", "{s:1}:q:a", "{s:1}:q:b"));
  EXPECT_THAT(call.argv(), ElementsAre("case queues#2 none#0|note version "
                                       "deltas#3",
                                       "a b|c", "7", "1", "f", "-1"));
  redis::Args sha = call.EvalSha();
  ASSERT_EQ(sha.size(), 3u + 3u + 6u);
  EXPECT_EQ(sha[0], "EVALSHA");
  EXPECT_EQ(sha[1], script.sha1());
  EXPECT_EQ(sha[2], "3");
  EXPECT_EQ(sha[6], "case queues#2 none#0|note version deltas#3");
}

TEST(ScriptCall, ACallWithoutArgumentsStillNamesItsKeys) {
  redis::Script script("test_script", "return 1");
  EXPECT_THAT(ScriptCall(script).Key("k", "x").argv(), ElementsAre("k|"));
  EXPECT_THAT(ScriptCall(script).argv(), ElementsAre("|"));
}

}  // namespace
}  // namespace gridcase::store
