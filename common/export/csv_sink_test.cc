// CsvSink: a byte order mark, CRLF, RFC 4180 quoting, formula guards, and
// every cell kind as text.
#include "common/export/csv_sink.h"

#include <sstream>

#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::exporter {
namespace {

using ::gridcase::testing::StatusIs;

TEST(CsvSink, StartsWithABomQuotesWhatNeedsItAndGuardsFormulas) {
  std::ostringstream out;
  CsvSink sink(&out);
  ASSERT_OK(sink.BeginTable("案件", {{"编号"}, {"描述"}, {"数"}}));
  ASSERT_OK(sink.AddRow(
      {Cell::Text("A-1"), Cell::Text("路灯不亮, \"急\""), Cell::Integer(-3)}));
  ASSERT_OK(sink.AddRow({Cell::Text("=HYPERLINK(\"http://x\")"),
                         Cell::Text("两行\n文字"), Cell::Empty()}));
  ASSERT_OK(sink.AddRow(
      {Cell::Text("+1"), Cell::Text("@SUM(A1)"), Cell::Text(" 空格 ")}));
  ASSERT_OK(sink.Finish());
  EXPECT_EQ(out.str(),
            "\xEF\xBB\xBF"
            "编号,描述,数\r\n"
            "A-1,\"路灯不亮, \"\"急\"\"\",-3\r\n"
            "\"'=HYPERLINK(\"\"http://x\"\")\",\"两行\n文字\",\r\n"
            "'+1,'@SUM(A1),\" 空格 \"\r\n");
}

TEST(CsvSink, SectionsHaveTitlesAndABlankLineBetween) {
  std::ostringstream out;
  CsvSink sink(&out, {.section_titles = true});
  ASSERT_OK(sink.BeginTable("概况", {{"指标"}, {"本期"}}));
  ASSERT_OK(sink.AddRow({Cell::Text("结案率"), Cell::Share(0.75)}));
  ASSERT_OK(sink.BeginTable("排名", {{"名次"}, {"环比"}}));
  ASSERT_OK(sink.AddRow({Cell::Integer(1), Cell::ShareChange(-0.0333)}));
  ASSERT_OK(sink.AddRow({Cell::Integer(2), Cell::Decimal(69.04166)}));
  ASSERT_OK(sink.Finish());
  EXPECT_EQ(out.str(),
            "\xEF\xBB\xBF"
            "概况\r\n指标,本期\r\n结案率,75.0%\r\n\r\n"
            "排名\r\n名次,环比\r\n1,-3.3%\r\n2,69.04\r\n");
}

TEST(CsvSink, TimesAreShownInShanghaiAndRowsMustFitTheHeader) {
  std::ostringstream out;
  CsvSink sink(&out);
  ASSERT_OK(sink.BeginTable("t", {{"时间"}}));
  // 2026-12-05 06:03:22 UTC is 14:03:22 in Shanghai.
  ASSERT_OK(sink.AddRow({Cell::Time(absl::FromUnixSeconds(1796450602))}));
  EXPECT_THAT(
      sink.AddRow({Cell::Empty(), Cell::Empty()}),
      StatusIs(absl::StatusCode::kInternal, ::testing::HasSubstr("cells")));
  ASSERT_OK(sink.Finish());
  EXPECT_EQ(out.str(), "\xEF\xBB\xBF时间\r\n2026-12-05 14:03:22\r\n");
  EXPECT_EQ(CellText(Cell::Time(absl::InfinitePast())), "");
}

}  // namespace
}  // namespace gridcase::exporter
