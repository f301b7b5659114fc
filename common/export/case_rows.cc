#include "common/export/case_rows.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"

namespace gridcase::exporter {
namespace {

// An unset timestamp is an empty cell.
absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return absl::InfinitePast();
  return FromTimestamp(t);
}

std::string StateLabel(v1::CaseState s) {
  switch (s) {
    case v1::CASE_STATE_REPORTED:
      return "已上报";
    case v1::CASE_STATE_REGISTERED:
      return "已立案";
    case v1::CASE_STATE_DISPATCHED:
      return "已派遣";
    case v1::CASE_STATE_IN_PROGRESS:
      return "处置中";
    case v1::CASE_STATE_HANDLED:
      return "已处置待核查";
    case v1::CASE_STATE_CLOSED:
      return "已结案";
    case v1::CASE_STATE_VOIDED:
      return "已作废";
    case v1::CASE_STATE_SUSPENDED:
      return "挂账";
    case v1::CASE_STATE_MERGED:
      return "已合并";
    case v1::CASE_STATE_CHECKING:
      return "核实中";
    default:
      return v1::CaseState_Name(s);
  }
}

std::string SourceLabel(v1::Source s) {
  switch (s) {
    case v1::SOURCE_GRID_PATROL:
      return "网格巡查";
    case v1::SOURCE_CITIZEN_APP:
      return "市民APP";
    case v1::SOURCE_WECHAT:
      return "微信";
    case v1::SOURCE_HOTLINE:
      return "12345热线";
    case v1::SOURCE_VIDEO:
      return "视频巡查";
    case v1::SOURCE_INSTRUCTION:
      return "领导交办";
    default:
      return "";
  }
}

std::string ClosureLabel(v1::ClosureType t) {
  switch (t) {
    case v1::CLOSURE_TYPE_NORMAL:
      return "按期结案";
    case v1::CLOSURE_TYPE_OVERDUE:
      return "超期结案";
    case v1::CLOSURE_TYPE_SPECIAL:
      return "特殊结案";
    default:
      return "";
  }
}

std::string LightLabel(v1::TrafficLight l) {
  switch (l) {
    case v1::TRAFFIC_LIGHT_GREEN:
      return "绿";
    case v1::TRAFFIC_LIGHT_YELLOW:
      return "黄";
    case v1::TRAFFIC_LIGHT_RED:
      return "红";
    default:
      return "";
  }
}

std::string SatisfactionLabel(v1::Satisfaction s) {
  switch (s) {
    case v1::SATISFACTION_SATISFIED:
      return "满意";
    case v1::SATISFACTION_BASICALLY_SATISFIED:
      return "基本满意";
    case v1::SATISFACTION_UNSATISFIED:
      return "不满意";
    default:
      return "";
  }
}

std::string ReporterLabel(v1::ReporterKind k) {
  switch (k) {
    case v1::REPORTER_KIND_GRID_MANAGER:
      return "网格员";
    case v1::REPORTER_KIND_CITIZEN:
      return "市民";
    case v1::REPORTER_KIND_STAFF:
      return "工作人员";
    default:
      return "";
  }
}

struct StageColumns {
  v1::Stage stage;
  const char* label;
};

constexpr StageColumns kStages[] = {{v1::STAGE_REGISTER, "立案"},
                                    {v1::STAGE_DISPATCH, "派遣"},
                                    {v1::STAGE_HANDLE, "处置"},
                                    {v1::STAGE_VERIFY, "核查"},
                                    {v1::STAGE_CHECK, "核实"}};

// The last attempt of `stage`, or null.
const v1::StageDeadline* LastAttempt(const v1::Case& c, v1::Stage stage) {
  const v1::StageDeadline* last = nullptr;
  for (const v1::StageDeadline& d : c.deadlines()) {
    if (d.stage() == stage &&
        (last == nullptr || d.attempt() >= last->attempt())) {
      last = &d;
    }
  }
  return last;
}

}  // namespace

std::vector<Column> CaseColumns() {
  std::vector<Column> out = {
      {"案件编号", 22}, {"状态", 10},     {"来源", 10},     {"上报人类型", 8},
      {"类别编码", 8},  {"类别", 14},     {"镇街编码", 10}, {"社区编码", 13},
      {"网格编码", 16}, {"发生时间", 19}, {"上报时间", 19}, {"部门编码", 12},
      {"部门", 14},     {"亮灯", 5},      {"督办", 5},      {"返工次数", 6},
      {"回退次数", 6},  {"延期次数", 6},  {"重开次数", 6},  {"结案类型", 10},
      {"自行处置", 6},  {"结案时间", 19}, {"评价", 8},      {"评价时间", 19},
      {"合并至", 22}};
  for (const StageColumns& s : kStages) {
    out.push_back({absl::StrCat(s.label, "开始"), 19});
    out.push_back({absl::StrCat(s.label, "期限"), 19});
    out.push_back({absl::StrCat(s.label, "完成"), 19});
    out.push_back({absl::StrCat(s.label, "超期时间"), 19});
    out.push_back({absl::StrCat(s.label, "次数"), 6});
  }
  return out;
}

std::vector<Cell> CaseRow(const v1::Case& c) {
  const v1::Rating* rating =
      c.ratings().empty() ? nullptr : &c.ratings(c.ratings_size() - 1);
  std::vector<Cell> out = {
      Cell::Text(c.id()),
      Cell::Text(StateLabel(c.state())),
      Cell::Text(SourceLabel(c.source())),
      Cell::Text(ReporterLabel(c.reporter().kind())),
      Cell::Text(c.category_code()),
      Cell::Text(c.category_name()),
      Cell::Text(c.town_code()),
      Cell::Text(c.community_code()),
      Cell::Text(c.grid_code()),
      Cell::Time(TimeOf(c.occurred_at())),
      Cell::Time(TimeOf(c.reported_at())),
      Cell::Text(c.department_id()),
      Cell::Text(c.department_name()),
      Cell::Text(LightLabel(c.light())),
      Cell::Text(c.supervised() ? "是" : ""),
      Cell::Integer(c.rework_count()),
      Cell::Integer(c.return_count()),
      Cell::Integer(c.extension_count()),
      Cell::Integer(c.reopen_count()),
      Cell::Text(ClosureLabel(c.closure_type())),
      Cell::Text(c.self_handled() ? "是" : ""),
      Cell::Time(TimeOf(c.closed_at())),
      Cell::Text(rating ? SatisfactionLabel(rating->satisfaction()) : ""),
      rating ? Cell::Time(TimeOf(rating->rated_at())) : Cell::Empty(),
      Cell::Text(c.merged_into()),
  };
  for (const StageColumns& s : kStages) {
    const v1::StageDeadline* d = LastAttempt(c, s.stage);
    if (d == nullptr) {
      for (int i = 0; i < 5; ++i) out.push_back(Cell::Empty());
      continue;
    }
    out.push_back(Cell::Time(TimeOf(d->started_at())));
    out.push_back(Cell::Time(TimeOf(d->effective_deadline())));
    out.push_back(Cell::Time(TimeOf(d->completed_at())));
    out.push_back(Cell::Time(TimeOf(d->overdue_at())));
    out.push_back(Cell::Integer(d->attempt()));
  }
  return out;
}

}  // namespace gridcase::exporter
