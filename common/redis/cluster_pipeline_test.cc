#include "common/redis/cluster_pipeline.h"

#include <vector>

#include "common/redis/cluster_slots.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::redis {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ShapeOf, GivesEachCommandItsSlot) {
  std::vector<Args> commands = {{"GET", "{s:0}:a"},
                                {"INFO", "memory"},
                                {"HGETALL", "{s:1}:b"},
                                {"EVALSHA", "sha", "0"}};
  ASSERT_OK_AND_ASSIGN(PipelineShape shape, ShapeOf(commands));
  EXPECT_FALSE(shape.bound);
  EXPECT_THAT(shape.slots, ElementsAre(KeySlot("s:0"), -1, KeySlot("s:1"), -1));
}

TEST(ShapeOf, ABoundPipelineKeepsItsKeysInOneSlot) {
  std::vector<Args> eval_wait = {{"EVALSHA", "sha", "2", "{s:3}:a", "{s:3}:b"},
                                 {"WAIT", "1", "500"}};
  ASSERT_OK_AND_ASSIGN(PipelineShape shape, ShapeOf(eval_wait));
  EXPECT_TRUE(shape.bound);
  std::vector<Args> multi = {
      {"MULTI"}, {"GET", "{reg}:v"}, {"GET", "{reg}:w"}, {"EXEC"}};
  EXPECT_TRUE(ShapeOf(multi)->bound);

  std::vector<Args> across = {
      {"SET", "{s:3}:a", "1"}, {"SET", "{s:4}:a", "1"}, {"WAIT", "1", "500"}};
  EXPECT_THAT(ShapeOf(across),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("a pipeline with WAIT or MULTI runs on one "
                                 "connection, so all its keys must hash to "
                                 "one slot (use one hash tag); command 1 "
                                 "(SET) is in slot")));
  // Without WAIT or MULTI, commands of many slots may share a pipeline.
  across.pop_back();
  EXPECT_FALSE(ShapeOf(across)->bound);
}

TEST(VerdictOf, TellsWhetherTheCommandRan) {
  EXPECT_EQ(VerdictOf(Reply::String("v")), Verdict::kDone);
  EXPECT_EQ(VerdictOf(Reply::Error("WRONGTYPE x")), Verdict::kDone);
  EXPECT_EQ(VerdictOf(Reply::Error("MOVED 1 h:1")), Verdict::kMoved);
  EXPECT_EQ(VerdictOf(Reply::Error("ASK 1 h:1")), Verdict::kAsk);
  EXPECT_EQ(VerdictOf(Reply::Error("TRYAGAIN Multiple keys request during "
                                   "rehashing of slot")),
            Verdict::kRetryLater);
  EXPECT_EQ(VerdictOf(Reply::Error("CLUSTERDOWN The cluster is down")),
            Verdict::kRetryLater);
  EXPECT_EQ(VerdictOf(Reply::Error("ASKING")), Verdict::kDone);
}

std::vector<int> Slots(const std::vector<Args>& commands) {
  return ShapeOf(commands)->slots;
}

TEST(NoneRanBecause, AScriptAndItsWaitAreResentWhenTheScriptWasRedirected) {
  std::vector<Args> commands = {{"EVALSHA", "sha", "1", "{s:1}:k"},
                                {"WAIT", "1", "500"}};
  EXPECT_EQ(NoneRanBecause(commands, Slots(commands),
                           {Reply::Error("MOVED 5 h:1"), Reply::Integer(0)}),
            0);
  EXPECT_EQ(NoneRanBecause(commands, Slots(commands),
                           {Reply::Error("ASK 5 h:1"), Reply::Integer(0)}),
            0);
  EXPECT_EQ(NoneRanBecause(commands, Slots(commands),
                           {Reply::Integer(1), Reply::Integer(1)}),
            -1);
  // A script that failed on its own ran: nothing to resend.
  EXPECT_EQ(NoneRanBecause(commands, Slots(commands),
                           {Reply::Error("ABORTED x"), Reply::Integer(0)}),
            -1);
}

TEST(NoneRanBecause, OneKeyedCommandThatRanForbidsResending) {
  std::vector<Args> commands = {
      {"SET", "{t}a", "1"}, {"SET", "{t}b", "1"}, {"WAIT", "1", "5"}};
  EXPECT_EQ(NoneRanBecause(
                commands, Slots(commands),
                {Reply::Status("OK"), Reply::Error("ASK 1 h:1"), Reply::Nil()}),
            -1);
  EXPECT_EQ(NoneRanBecause(commands, Slots(commands),
                           {Reply::Error("ASK 1 h:1"),
                            Reply::Error("ASK 1 h:1"), Reply::Integer(0)}),
            0);
}

TEST(NoneRanBecause, AnAbortedTransactionWithARedirectRanNothing) {
  std::vector<Args> commands = {
      {"MULTI"}, {"GET", "{reg}:a"}, {"GET", "{reg}:b"}, {"EXEC"}};
  std::vector<Reply> aborted = {
      Reply::Status("OK"), Reply::Status("QUEUED"), Reply::Error("ASK 9 h:2"),
      Reply::Error("EXECABORT Transaction discarded because of previous "
                   "errors.")};
  EXPECT_EQ(NoneRanBecause(commands, Slots(commands), aborted), 2);
  std::vector<Reply> ran = {Reply::Status("OK"), Reply::Status("QUEUED"),
                            Reply::Status("QUEUED"),
                            Reply::Array({Reply::String("1"), Reply::Nil()})};
  EXPECT_EQ(NoneRanBecause(commands, Slots(commands), ran), -1);
}

TEST(FrameWithAsking, PutsAskingBeforeEachCommandAndEachTransaction) {
  std::vector<Args> commands = {{"EVALSHA", "sha", "1", "k"},
                                {"WAIT", "1", "5"},
                                {"MULTI"},
                                {"GET", "k"},
                                {"EXEC"},
                                {"GET", "k"}};
  Framed framed = FrameWithAsking(commands);
  std::vector<Args> want = {{"ASKING"},   {"EVALSHA", "sha", "1", "k"},
                            {"ASKING"},   {"WAIT", "1", "5"},
                            {"ASKING"},   {"MULTI"},
                            {"GET", "k"}, {"EXEC"},
                            {"ASKING"},   {"GET", "k"}};
  EXPECT_EQ(framed.commands, want);
  EXPECT_THAT(framed.keep, ElementsAre(1, 3, 5, 6, 7, 9));
}

}  // namespace
}  // namespace gridcase::redis
