#include "common/log/log.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"

namespace gridcase::log {
namespace {

using ::gridcase::testing::StatusIs;
using ::testing::HasSubstr;

std::vector<nlohmann::json> Lines(const std::ostringstream& out) {
  std::vector<nlohmann::json> lines;
  for (absl::string_view line :
       absl::StrSplit(out.str(), '\n', absl::SkipEmpty())) {
    lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

TEST(Log, WritesOneJsonObjectPerLine) {
  std::ostringstream out;
  ASSERT_OK(InitWithSink(
      "intake", "info", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  Info("case reported", {{"case_id", "330483-20260630-000123"},
                         {"request_id", "r-1"},
                         {"merged", false}});
  Warn("odd \"quoted\"\nmulti-line text", {{"address", "桐星大道718号"}});
  Debug("hidden at info level");

  std::vector<nlohmann::json> lines = Lines(out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["service"], "intake");
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["msg"], "case reported");
  EXPECT_EQ(lines[0]["case_id"], "330483-20260630-000123");
  EXPECT_EQ(lines[0]["merged"], false);
  EXPECT_THAT(lines[0]["ts"].get<std::string>(), HasSubstr("Z"));
  EXPECT_EQ(lines[1]["msg"], "odd \"quoted\"\nmulti-line text");
  EXPECT_EQ(lines[1]["address"], "桐星大道718号");
}

TEST(Log, InvalidUtf8IsReplacedNotFatal) {
  std::ostringstream out;
  ASSERT_OK(
      InitWithSink("intake", "debug",
                   std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  Debug("bad bytes", {{"text", std::string("a\xff"
                                           "b")}});
  std::vector<nlohmann::json> lines = Lines(out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["level"], "debug");
}

TEST(Log, RejectsUnknownLevels) {
  EXPECT_TRUE(IsValidLevel("warn"));
  EXPECT_TRUE(IsValidLevel("off"));
  EXPECT_FALSE(IsValidLevel("loud"));
  EXPECT_THAT(Init("x", "loud"), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("log level")));
}

}  // namespace
}  // namespace gridcase::log
