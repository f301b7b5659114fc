// XlsxSink, read back by Python's zipfile and XML modules: sheets, text
// kept as text, numbers with their formats, Shanghai date-times; and
// 100,000 case rows written in bounded memory, to XLSX and to CSV.
#include "common/export/xlsx_sink.h"

#include <sys/resource.h>

#include <fstream>

#include "common/export/case_rows.h"
#include "common/export/csv_sink.h"
#include "common/export/export_testing.h"
#include "common/status/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::exporter {
namespace {

using ::gridcase::testing::StatusIs;
using ::gridcase::testing::TempDir;

TEST(XlsxSink, CellsReadBackAsWritten) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  std::string path = dir.File("t.xlsx");
  ASSERT_OK_AND_ASSIGN(auto sink, XlsxSink::Create(path));
  ASSERT_OK(sink->BeginTable("概况", {{"指标"}, {"本期"}, {"环比"}}));
  ASSERT_OK(sink->AddRow(
      {Cell::Text("按期结案率"), Cell::Share(0.5), Cell::ShareChange(-0.25)}));
  ASSERT_OK(sink->AddRow(
      {Cell::Text("=1+1"), Cell::Integer(7), Cell::Decimal(69.041666)}));
  ASSERT_OK(sink->BeginTable("案件", {{"上报时间"}, {"空"}}));
  // 2026-12-05 06:03:22 UTC is 14:03:22 in Shanghai.
  ASSERT_OK(sink->AddRow(
      {Cell::Time(absl::FromUnixSeconds(1796450602)), Cell::Empty()}));
  EXPECT_THAT(
      sink->BeginTable("概况", {{"x"}}),
      StatusIs(absl::StatusCode::kInternal, ::testing::HasSubstr("概况")));
  ASSERT_OK(sink->Finish());

  ASSERT_OK_AND_ASSIGN(auto cells, ReadXlsx(GRIDCASE_SOURCE_DIR, path));
  EXPECT_EQ(cells["概况!A1"].value, "指标");
  EXPECT_EQ(cells["概况!A2"].value, "按期结案率");
  EXPECT_EQ(cells["概况!B2"].value, "0.5");
  EXPECT_EQ(cells["概况!B2"].format, "0.0%");
  EXPECT_EQ(cells["概况!C2"].value, "-0.25");
  EXPECT_EQ(cells["概况!A3"].value, "=1+1");  // text, not a formula
  EXPECT_EQ(cells["概况!B3"].value, "7");
  EXPECT_EQ(cells["概况!C3"].format, "0.00");
  // Excel's serial date: days since 1899-12-30, 14:03:22 as a fraction.
  ASSERT_TRUE(cells.count("案件!A2"));
  EXPECT_NEAR(std::stod(cells["案件!A2"].value), 46361 + 50602.0 / 86400, 1e-6);
  EXPECT_EQ(cells["案件!A2"].format, "yyyy-mm-dd hh:mm:ss");
  EXPECT_FALSE(cells.count("案件!B2"));
}

// Kilobytes of the process' peak resident set.
long PeakKb() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

v1::Case SampleCase(int i) {
  v1::Case c;
  c.set_id(absl::StrCat("330483-20261205-", 100000 + i));
  c.set_state(v1::CASE_STATE_CLOSED);
  c.set_source(v1::SOURCE_GRID_PATROL);
  c.set_category_code("E0101");
  c.set_category_name("暴露垃圾");
  c.set_town_code("330483101");
  c.set_grid_code("330483101002002");
  c.set_department_name("环卫所");
  c.set_closure_type(v1::CLOSURE_TYPE_NORMAL);
  c.mutable_reported_at()->set_seconds(1796450602 + i);
  for (v1::Stage s : {v1::STAGE_REGISTER, v1::STAGE_DISPATCH, v1::STAGE_HANDLE,
                      v1::STAGE_VERIFY}) {
    v1::StageDeadline* d = c.add_deadlines();
    d->set_stage(s);
    d->set_attempt(1);
    d->mutable_started_at()->set_seconds(1796450602 + i);
    d->mutable_effective_deadline()->set_seconds(1796450602 + i + 3600);
    d->mutable_completed_at()->set_seconds(1796450602 + i + 600);
  }
  return c;
}

// 100,000 rows of 50 columns are about 60 MB of cells; the peak resident
// set grows by far less, because each row is written as it comes.
TEST(Exports, HundredThousandCasesRunInBoundedMemory) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create());
  constexpr int kCases = 100000;
  long before = PeakKb();
  {
    ASSERT_OK_AND_ASSIGN(auto xlsx, XlsxSink::Create(dir.File("c.xlsx")));
    std::ofstream csv_file(dir.File("c.csv"), std::ios::binary);
    CsvSink csv(&csv_file);
    ASSERT_OK(xlsx->BeginTable(kCasesTitle, CaseColumns()));
    ASSERT_OK(csv.BeginTable(kCasesTitle, CaseColumns()));
    for (int i = 0; i < kCases; ++i) {
      std::vector<Cell> row = CaseRow(SampleCase(i));
      ASSERT_OK(xlsx->AddRow(row));
      ASSERT_OK(csv.AddRow(row));
    }
    ASSERT_OK(xlsx->Finish());
    ASSERT_OK(csv.Finish());
  }
  long grown_mb = (PeakKb() - before) / 1024;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // A sanitizer keeps freed memory aside (ASan's quarantine, TSan's shadow),
  // so the peak says nothing about what the export holds; the run above
  // still checks its memory safety.
  (void)grown_mb;
#else
  EXPECT_LT(grown_mb, 24) << "the export held rows in memory";
#endif
  std::ifstream csv(dir.File("c.csv"));
  int lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_EQ(lines, kCases + 1);
  ASSERT_OK_AND_ASSIGN(auto rows,
                       XlsxRows(GRIDCASE_SOURCE_DIR, dir.File("c.xlsx")));
  EXPECT_EQ(rows[kCasesTitle], kCases + 1);
}

}  // namespace
}  // namespace gridcase::exporter
