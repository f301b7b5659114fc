#include "common/export/report_tables.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"

namespace gridcase::exporter {
namespace {

bool IsDecimal(v1::Indicator i) {
  return i == v1::INDICATOR_COMPOSITE || i == v1::INDICATOR_GRID_MEMBER_SCORE ||
         i == v1::INDICATOR_AVERAGE_HANDLING_WORKING_HOURS;
}

const Cell kUndefined = Cell::Text("—");

// A value of indicator `i` (a rate when `rate`), or "—" when undefined.
Cell ValueCell(v1::Indicator i, bool rate, double value, bool defined) {
  if (!defined) return kUndefined;
  if (rate) return Cell::Share(value);
  if (IsDecimal(i)) return Cell::Decimal(value);
  return Cell::Integer(static_cast<int64_t>(value));
}

Cell ChangeCell(v1::Indicator i, bool rate, double change, bool defined) {
  if (!defined) return kUndefined;
  if (rate) return Cell::ShareChange(change);
  if (IsDecimal(i)) return Cell::Decimal(change);
  return Cell::Integer(static_cast<int64_t>(change));
}

Cell RatioCell(const v1::Ratio& r) {
  return r.defined() ? Cell::Share(r.value()) : kUndefined;
}

std::string RankingTitle(v1::RankingLevel level) {
  switch (level) {
    case v1::RANKING_LEVEL_TOWN:
      return "镇街排名";
    case v1::RANKING_LEVEL_COMMUNITY:
      return "社区排名";
    case v1::RANKING_LEVEL_GRID:
      return "网格排名";
    case v1::RANKING_LEVEL_DEPARTMENT:
      return "部门排名";
    case v1::RANKING_LEVEL_GRID_MANAGER:
      return "网格员排名";
    default:
      return absl::StrCat("排名", static_cast<int>(level));
  }
}

absl::Status WriteInfo(const v1::Report& r, TableSink* sink) {
  RETURN_IF_ERROR(sink->BeginTable("通报", {{"项目", 14}, {"内容", 48}}));
  auto row = [&](const char* item, Cell value) {
    return sink->AddRow({Cell::Text(item), std::move(value)});
  };
  RETURN_IF_ERROR(row("报告编号", Cell::Text(r.report_id())));
  RETURN_IF_ERROR(row("区域", Cell::Text(absl::StrCat(r.region_name(), " (",
                                                      r.region_code(), ")"))));
  RETURN_IF_ERROR(row("周期", Cell::Text(PeriodLabel(r.period_kind()))));
  RETURN_IF_ERROR(
      row("本期", Cell::Text(absl::StrCat(r.period().start_date(), " 至 ",
                                          r.period().end_date()))));
  RETURN_IF_ERROR(row(
      "上期", Cell::Text(absl::StrCat(r.previous_period().start_date(), " 至 ",
                                      r.previous_period().end_date()))));
  RETURN_IF_ERROR(row("版本", Cell::Integer(r.revision())));
  RETURN_IF_ERROR(
      row("状态",
          Cell::Text(r.status() == v1::REPORT_STATUS_SUPERSEDED
                         ? absl::StrCat("已被替代 (", r.superseded_by(), ")")
                         : "现行")));
  RETURN_IF_ERROR(row("发布时间", Cell::Time(FromTimestamp(r.published_at()))));
  RETURN_IF_ERROR(row("发布人", Cell::Text(r.published_by())));
  RETURN_IF_ERROR(
      row("统计周期",
          Cell::Text(r.period_complete() ? "已结束" : "未结束 (阶段通报)")));
  RETURN_IF_ERROR(row("排名依据", Cell::Text(IndicatorLabel(r.indicator()))));
  RETURN_IF_ERROR(
      row("环比依据",
          Cell::Text(r.previous_report_id().empty()
                         ? "发布时按上期数据计算"
                         : absl::StrCat("上期通报 ", r.previous_report_id()))));
  if (!r.reason().empty()) {
    RETURN_IF_ERROR(row("重新发布原因", Cell::Text(r.reason())));
  }
  return absl::OkStatus();
}

absl::Status WriteSummary(const v1::Report& r, TableSink* sink) {
  RETURN_IF_ERROR(sink->BeginTable(
      "概况", {{"指标", 16}, {"本期", 12}, {"上期", 12}, {"环比", 12}}));
  const v1::Indicators& now = r.summary();
  const v1::Indicators& before = r.previous_summary();
  struct Count {
    const char* label;
    int64_t (v1::Indicators::*get)() const;
  };
  const Count counts[] = {
      {"上报数", &v1::Indicators::reports},
      {"有效上报数", &v1::Indicators::valid_reports},
      {"立案数", &v1::Indicators::registered},
      {"派遣数", &v1::Indicators::dispatched},
      {"处置数", &v1::Indicators::handled},
      {"结案数", &v1::Indicators::closed},
      {"按期结案数", &v1::Indicators::closed_on_time},
      {"超期结案数", &v1::Indicators::closed_overdue},
      {"特殊结案数", &v1::Indicators::closed_special},
      {"应结案数", &v1::Indicators::due_to_close},
      {"返工数", &v1::Indicators::reworked},
      {"回退数", &v1::Indicators::returned},
      {"延期数", &v1::Indicators::extended},
      {"挂账数", &v1::Indicators::suspended},
      {"督办数", &v1::Indicators::supervised},
      {"核查数", &v1::Indicators::verified},
      {"自行处置数", &v1::Indicators::self_handled},
      {"作废数", &v1::Indicators::voided},
      {"合并数", &v1::Indicators::merged},
      {"评价数", &v1::Indicators::rated},
      {"核实数", &v1::Indicators::checked},
      {"超期未处置数 (发布时)", &v1::Indicators::open_overdue_now},
  };
  for (const Count& c : counts) {
    int64_t a = (now.*c.get)(), b = (before.*c.get)();
    RETURN_IF_ERROR(sink->AddRow({Cell::Text(c.label), Cell::Integer(a),
                                  Cell::Integer(b), Cell::Integer(a - b)}));
  }
  struct Rate {
    const char* label;
    const v1::Ratio& (v1::Indicators::*get)() const;
  };
  const Rate rates[] = {
      {"有效上报率", &v1::Indicators::valid_report_rate},
      {"按时立案率", &v1::Indicators::on_time_register_rate},
      {"准确派遣率", &v1::Indicators::accurate_dispatch_rate},
      {"按期处置率", &v1::Indicators::on_time_handle_rate},
      {"结案率", &v1::Indicators::close_rate},
      {"按期结案率", &v1::Indicators::on_time_close_rate},
      {"超期结案率", &v1::Indicators::overdue_close_rate},
      {"返工率", &v1::Indicators::rework_rate},
      {"延期率", &v1::Indicators::extension_rate},
      {"按期核查率", &v1::Indicators::on_time_verify_rate},
      {"满意率", &v1::Indicators::satisfaction_rate},
      {"按期核实率", &v1::Indicators::on_time_check_rate},
  };
  for (const Rate& rate : rates) {
    const v1::Ratio& a = (now.*rate.get)();
    const v1::Ratio& b = (before.*rate.get)();
    RETURN_IF_ERROR(sink->AddRow(
        {Cell::Text(rate.label), RatioCell(a), RatioCell(b),
         a.defined() && b.defined() ? Cell::ShareChange(a.value() - b.value())
                                    : kUndefined}));
  }
  bool hours_a = now.handled() > 0, hours_b = before.handled() > 0;
  RETURN_IF_ERROR(sink->AddRow(
      {Cell::Text("平均处置时长 (工作小时)"),
       hours_a ? Cell::Decimal(now.average_handling_working_hours())
               : kUndefined,
       hours_b ? Cell::Decimal(before.average_handling_working_hours())
               : kUndefined,
       hours_a && hours_b
           ? Cell::Decimal(now.average_handling_working_hours() -
                           before.average_handling_working_hours())
           : kUndefined}));
  bool score_a = now.composite_defined(), score_b = before.composite_defined();
  return sink->AddRow(
      {Cell::Text("综合指标值"),
       score_a ? Cell::Decimal(now.composite_score()) : kUndefined,
       score_b ? Cell::Decimal(before.composite_score()) : kUndefined,
       score_a && score_b
           ? Cell::Decimal(now.composite_score() - before.composite_score())
           : kUndefined});
}

// The columns after the ranked value: the case indicators, or for grid
// managers their work.
std::vector<Column> DetailColumns(v1::RankingLevel level) {
  if (level == v1::RANKING_LEVEL_GRID_MANAGER) {
    return {{"网格数", 8},      {"已巡网格", 8},    {"巡查覆盖率", 10},
            {"巡查次数", 8},    {"打卡数", 8},      {"上报数", 8},
            {"有效上报率", 10}, {"自行处置数", 10}, {"核查数", 8},
            {"按期核查率", 10}, {"核实数", 8}};
  }
  return {{"按期结案率", 10},
          {"结案率", 10},
          {"返工率", 10},
          {"满意率", 10},
          {"综合指标值", 10}};
}

std::vector<Cell> DetailCells(v1::RankingLevel level,
                              const v1::RankingEntry& e) {
  if (level == v1::RANKING_LEVEL_GRID_MANAGER) {
    const v1::GridMemberWork& w = e.work();
    return {
        Cell::Integer(w.grids()),         Cell::Integer(w.grids_visited()),
        RatioCell(w.patrol_coverage()),   Cell::Integer(w.patrols()),
        Cell::Integer(w.check_ins()),     Cell::Integer(w.reports()),
        RatioCell(w.valid_report_rate()), Cell::Integer(w.self_handled()),
        Cell::Integer(w.verified()),      RatioCell(w.on_time_verify_rate()),
        Cell::Integer(w.checked())};
  }
  const v1::Indicators& x = e.indicators();
  return {
      RatioCell(x.on_time_close_rate()), RatioCell(x.close_rate()),
      RatioCell(x.rework_rate()), RatioCell(x.satisfaction_rate()),
      x.composite_defined() ? Cell::Decimal(x.composite_score()) : kUndefined};
}

absl::Status WriteRanking(const v1::ReportRanking& ranking, TableSink* sink) {
  v1::Indicator by = ranking.indicator();
  std::string label = IndicatorLabel(by);
  std::vector<Column> columns = {{"名次", 6},
                                 {"编码", 16},
                                 {"名称", 16},
                                 {label, 12},
                                 {"上期名次", 8},
                                 {"名次变化", 8},
                                 {absl::StrCat("上期", label), 12},
                                 {"环比", 10}};
  for (Column& c : DetailColumns(ranking.level())) {
    columns.push_back(std::move(c));
  }
  RETURN_IF_ERROR(sink->BeginTable(RankingTitle(ranking.level()), columns));
  for (const v1::ReportRow& row : ranking.rows()) {
    const v1::RankingEntry& e = row.entry();
    bool ranked_before = row.previous_rank() > 0;
    bool rate = e.has_ratio();  // Ranking sets the ratio for every rate
    std::vector<Cell> cells = {
        Cell::Integer(e.rank()),
        Cell::Text(e.key()),
        Cell::Text(e.name()),
        ValueCell(by, rate, e.value(), e.defined()),
        ranked_before ? Cell::Integer(row.previous_rank()) : kUndefined,
        ranked_before && e.defined() ? Cell::Integer(row.rank_change())
                                     : kUndefined,
        ValueCell(by, rate, row.previous_value(), row.previous_defined()),
        ChangeCell(by, rate, row.value_change(),
                   e.defined() && row.previous_defined())};
    for (Cell& c : DetailCells(ranking.level(), e)) cells.push_back(c);
    RETURN_IF_ERROR(sink->AddRow(cells));
  }
  return absl::OkStatus();
}

absl::Status WriteHotspots(
    const std::string& title, const std::string& what,
    const google::protobuf::RepeatedPtrField<v1::Hotspot>& hotspots,
    TableSink* sink) {
  RETURN_IF_ERROR(sink->BeginTable(title, {{absl::StrCat(what, "编码"), 16},
                                           {absl::StrCat(what, "名称"), 20},
                                           {"上报数", 8},
                                           {"未结案 (发布时)", 10},
                                           {"超期未结 (发布时)", 10}}));
  for (const v1::Hotspot& h : hotspots) {
    RETURN_IF_ERROR(sink->AddRow(
        {Cell::Text(h.key()), Cell::Text(h.name()), Cell::Integer(h.reports()),
         Cell::Integer(h.open()), Cell::Integer(h.overdue())}));
  }
  return absl::OkStatus();
}

}  // namespace

std::string IndicatorLabel(v1::Indicator indicator) {
  switch (indicator) {
    case v1::INDICATOR_VALID_REPORT_RATE:
      return "有效上报率";
    case v1::INDICATOR_ON_TIME_REGISTER_RATE:
      return "按时立案率";
    case v1::INDICATOR_ACCURATE_DISPATCH_RATE:
      return "准确派遣率";
    case v1::INDICATOR_ON_TIME_HANDLE_RATE:
      return "按期处置率";
    case v1::INDICATOR_CLOSE_RATE:
      return "结案率";
    case v1::INDICATOR_ON_TIME_CLOSE_RATE:
      return "按期结案率";
    case v1::INDICATOR_OVERDUE_CLOSE_RATE:
      return "超期结案率";
    case v1::INDICATOR_REWORK_RATE:
      return "返工率";
    case v1::INDICATOR_EXTENSION_RATE:
      return "延期率";
    case v1::INDICATOR_ON_TIME_VERIFY_RATE:
      return "按期核查率";
    case v1::INDICATOR_COMPOSITE:
      return "综合指标值";
    case v1::INDICATOR_REPORTS:
      return "上报数";
    case v1::INDICATOR_VALID_REPORTS:
      return "有效上报数";
    case v1::INDICATOR_REGISTERED:
      return "立案数";
    case v1::INDICATOR_HANDLED:
      return "处置数";
    case v1::INDICATOR_CLOSED:
      return "结案数";
    case v1::INDICATOR_OPEN_OVERDUE_NOW:
      return "超期未处置数";
    case v1::INDICATOR_AVERAGE_HANDLING_WORKING_HOURS:
      return "平均处置时长";
    case v1::INDICATOR_SATISFACTION_RATE:
      return "满意率";
    case v1::INDICATOR_ON_TIME_CHECK_RATE:
      return "按期核实率";
    case v1::INDICATOR_GRID_MEMBER_SCORE:
      return "工作量与质量得分";
    case v1::INDICATOR_PATROL_COVERAGE:
      return "巡查覆盖率";
    default:
      return v1::Indicator_Name(indicator);
  }
}

std::string PeriodLabel(v1::ReportPeriod kind) {
  switch (kind) {
    case v1::REPORT_PERIOD_DAY:
      return "日报";
    case v1::REPORT_PERIOD_WEEK:
      return "周报";
    case v1::REPORT_PERIOD_MONTH:
      return "月报";
    default:
      return "";
  }
}

absl::Status WriteReport(const v1::Report& report, TableSink* sink) {
  RETURN_IF_ERROR(WriteInfo(report, sink));
  RETURN_IF_ERROR(WriteSummary(report, sink));
  for (const v1::ReportRanking& ranking : report.rankings()) {
    RETURN_IF_ERROR(WriteRanking(ranking, sink));
  }
  RETURN_IF_ERROR(
      WriteHotspots("热点网格", "网格", report.grid_hotspots(), sink));
  return WriteHotspots("热点类别", "类别", report.category_hotspots(), sink);
}

}  // namespace gridcase::exporter
