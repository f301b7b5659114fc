#include "tools/gridctl/stats_commands.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "gridcase/v1/stats.grpc.pb.h"
#include "tools/gridctl/report_commands.h"

namespace gridcase::gridctl {
namespace {

constexpr char kStatsUsage[] =
    R"(gridctl stats: indicators, rankings, trends, hotspots (StatsService).

Usage:
  gridctl stats summary  [--scope=S] [--period=P] [--weights=W] [--json]
  gridctl stats ranking  --level=L [--by=I] [--period=P] [--parent=CODE]
                         [--limit=N] [--weights=W] [--json]
  gridctl stats trend    [--scope=S] --indicator=I [--period=P]
                         [--step=day|week|month] [--json]
  gridctl stats hotspots [--scope=S] [--by=grid|category] [--top=N]
                         [--period=P] [--json]
  gridctl stats publish  --region=CODE [--period=day|week|month]
                         [--date=YYYY-MM-DD] [--by=I] [--reissue --reason=R]
                         [--csv=FILE] [--xlsx=FILE] [--quiet] [--json]
      Publishes the 通报 of a city or town (PublishReport): without --date
      the last period that has ended. A period already published is shown
      as published ("already published" on stderr) unless --reissue.
  gridctl stats reports  --region=CODE [--period=day|week|month]
                         [--page-size=N] [--page-token=T] [--json]
  gridctl stats report   REPORT_ID [--csv=FILE] [--xlsx=FILE] [--json]
      A published report as tables; --csv (UTF-8 with BOM, "-" for stdout)
      and --xlsx write it to files as well.

  --scope   all (default), region:CODE, department:ID, category:CODE,
            source:NAME (grid_patrol, wechat, ...), reporter:MEMBER_ID (the
            cases they reported), worker:MEMBER_ID (the verifications and
            on-site checks they did)
  --period  month (default), today, yesterday, week, YYYY-MM, YYYY-MM-DD,
            or FROM..TO (YYYY-MM-DD..YYYY-MM-DD); days are Asia/Shanghai
  --level   town, community, grid, department, grid_manager
  --by, --indicator
            composite (ranking default), on_time_close_rate, close_rate,
            overdue_close_rate, on_time_handle_rate, rework_rate,
            extension_rate, accurate_dispatch_rate, on_time_register_rate,
            on_time_verify_rate, valid_report_rate, reports, valid_reports,
            satisfaction_rate, on_time_check_rate, registered, handled,
            closed,
            open_overdue_now, average_handling_working_hours; for
            --level=grid_manager also grid_member_score (workload and
            quality) and patrol_coverage, and the table shows each
            member's patrol coverage and verification credit
  --weights composite weights, e.g. ON_TIME_CLOSE_RATE=0.5,REWORK_RATE=0.5
  --target / $GRIDCASE_STATS_TARGET, --actor / $GRIDCASE_ACTOR as for every
  command. Formulas: docs/indicators.md.
)";

std::string Pct(const v1::Ratio& r) {
  if (!r.defined()) return "—";
  return absl::StrFormat("%.1f%% (%d/%d)", 100 * r.value(), r.numerator(),
                         r.denominator());
}

std::string ValueText(const v1::RankingEntry& e, v1::Indicator i) {
  if (!e.defined()) return "—";
  if (e.has_ratio()) return Pct(e.ratio());
  if (i == v1::INDICATOR_COMPOSITE || i == v1::INDICATOR_GRID_MEMBER_SCORE) {
    return absl::StrFormat("%.2f", e.value());
  }
  if (i == v1::INDICATOR_AVERAGE_HANDLING_WORKING_HOURS) {
    return absl::StrFormat("%.2f h", e.value());
  }
  return absl::StrFormat("%.0f", e.value());
}

absl::Status ParseWeights(const std::string& text,
                          google::protobuf::RepeatedPtrField<v1::Weight>* out) {
  for (absl::string_view entry :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(entry, absl::MaxSplits('=', 1));
    absl::StatusOr<v1::Indicator> i = ParseIndicator(kv.first);
    double w = 0;
    if (!i.ok() || !absl::SimpleAtod(kv.second, &w)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--weights: '", entry, "' is not RATE=weight, e.g. CLOSE_RATE=0.2"));
    }
    v1::Weight* weight = out->Add();
    weight->set_indicator(*i);
    weight->set_weight(w);
  }
  return absl::OkStatus();
}

void PrintIndicators(const v1::Indicators& x) {
  struct Count {
    const char* label;
    int64_t value;
  };
  const Count counts[] = {
      {"上报数 reports", x.reports()},
      {"有效上报数 valid reports", x.valid_reports()},
      {"立案数 registered", x.registered()},
      {"派遣数 dispatched", x.dispatched()},
      {"处置数 handled", x.handled()},
      {"结案数 closed", x.closed()},
      {"按期结案数 closed on time", x.closed_on_time()},
      {"超期结案数 closed overdue", x.closed_overdue()},
      {"特殊结案数 closed special", x.closed_special()},
      {"应结案数 due to close", x.due_to_close()},
      {"返工数 reworked", x.reworked()},
      {"回退数 returned", x.returned()},
      {"延期数 extended", x.extended()},
      {"挂账数 suspended", x.suspended()},
      {"督办数 supervised", x.supervised()},
      {"自行处置数 self-handled", x.self_handled()},
      {"作废数 voided", x.voided()},
      {"合并数 merged", x.merged()},
      {"评价数 rated", x.rated()},
      {"满意数 satisfied", x.satisfied()},
      {"基本满意数 basically satisfied", x.basically_satisfied()},
      {"不满意数 unsatisfied", x.unsatisfied()},
      {"核实数 checked on site", x.checked()},
      {"超期未处置数 open overdue now", x.open_overdue_now()},
  };
  for (const Count& c : counts) {
    std::printf("  %s %lld\n", Pad(c.label, 34).c_str(),
                static_cast<long long>(c.value));
  }
  struct Rate {
    const char* label;
    const v1::Ratio& ratio;
  };
  const Rate rates[] = {
      {"有效上报率 valid report rate", x.valid_report_rate()},
      {"按时立案率 on-time register rate", x.on_time_register_rate()},
      {"准确派遣率 accurate dispatch rate", x.accurate_dispatch_rate()},
      {"按期处置率 on-time handle rate", x.on_time_handle_rate()},
      {"结案率 close rate", x.close_rate()},
      {"按期结案率 on-time close rate", x.on_time_close_rate()},
      {"超期结案率 overdue close rate", x.overdue_close_rate()},
      {"返工率 rework rate", x.rework_rate()},
      {"延期率 extension rate", x.extension_rate()},
      {"按期核查率 on-time verify rate", x.on_time_verify_rate()},
      {"满意率 satisfaction rate", x.satisfaction_rate()},
      {"按期核实率 on-time check rate", x.on_time_check_rate()},
  };
  for (const Rate& r : rates) {
    std::printf("  %s %s\n", Pad(r.label, 34).c_str(), Pct(r.ratio).c_str());
  }
  std::printf("  %s %s\n", Pad("平均处置时长 avg handling", 34).c_str(),
              x.handled() > 0
                  ? absl::StrFormat("%.2f working hours",
                                    x.average_handling_working_hours())
                        .c_str()
                  : "—");
  std::printf("  %s %s\n", Pad("综合指标值 composite", 34).c_str(),
              x.composite_defined()
                  ? absl::StrFormat("%.2f", x.composite_score()).c_str()
                  : "—");
}

template <typename Req, typename Resp>
int Call(const Invocation& in,
         grpc::Status (v1::StatsService::Stub::*rpc)(grpc::ClientContext*,
                                                     const Req&, Resp*),
         const Req& req, Resp* resp) {
  auto stub = v1::StatsService::NewStub(Channel(in, "GRIDCASE_STATS_TARGET"));
  auto context = Context(in);
  absl::Status s = FromGrpcStatus(((*stub).*rpc)(context.get(), req, resp));
  return s.ok() ? 0 : Fail(s);
}

int Summary(const Invocation& in) {
  v1::SummaryRequest req;
  auto scope = ParseScope(in.Get("scope", nullptr, "all"));
  if (!scope.ok()) return Fail(scope.status());
  auto period = ParsePeriod(in.Get("period", nullptr, "month"), absl::Now());
  if (!period.ok()) return Fail(period.status());
  *req.mutable_scope() = *scope;
  *req.mutable_period() = *period;
  if (absl::Status s =
          ParseWeights(in.Get("weights", nullptr), req.mutable_weights());
      !s.ok()) {
    return Fail(s);
  }
  v1::SummaryResponse resp;
  if (int rc = Call(in, &v1::StatsService::Stub::Summary, req, &resp)) {
    return rc;
  }
  if (in.Has("json")) {
    PrintJson(resp);
    return 0;
  }
  std::printf("%s  %s..%s\n", resp.name().c_str(),
              resp.period().start_date().c_str(),
              resp.period().end_date().c_str());
  PrintIndicators(resp.indicators());
  return 0;
}

int Ranking(const Invocation& in) {
  v1::RankingRequest req;
  std::string level = absl::AsciiStrToUpper(in.Get("level", nullptr));
  v1::RankingLevel parsed = v1::RANKING_LEVEL_UNSPECIFIED;
  if (!v1::RankingLevel_Parse(absl::StrCat("RANKING_LEVEL_", level), &parsed) ||
      parsed == v1::RANKING_LEVEL_UNSPECIFIED) {
    return Fail(absl::InvalidArgumentError(
        "--level: town, community, grid, department or grid_manager"));
  }
  req.set_level(parsed);
  auto by = ParseIndicator(in.Get("by", nullptr, "composite"));
  if (!by.ok()) return Fail(by.status());
  req.set_indicator(*by);
  auto period = ParsePeriod(in.Get("period", nullptr, "month"), absl::Now());
  if (!period.ok()) return Fail(period.status());
  *req.mutable_period() = *period;
  req.set_parent_code(in.Get("parent", nullptr));
  int limit = 0;
  if (in.Has("limit") && !absl::SimpleAtoi(in.Get("limit", nullptr), &limit)) {
    return Fail(absl::InvalidArgumentError("--limit: a number, 0 for all"));
  }
  req.set_limit(limit);
  if (absl::Status s =
          ParseWeights(in.Get("weights", nullptr), req.mutable_weights());
      !s.ok()) {
    return Fail(s);
  }
  v1::RankingResponse resp;
  if (int rc = Call(in, &v1::StatsService::Stub::Ranking, req, &resp)) {
    return rc;
  }
  if (in.Has("json")) {
    PrintJson(resp);
    return 0;
  }
  int key_width = 3;
  int name_width = 4;
  for (const v1::RankingEntry& e : resp.entries()) {
    key_width = std::max(key_width, Columns(e.key()));
    name_width = std::max(name_width, Columns(e.name()));
  }
  if (req.level() == v1::RANKING_LEVEL_GRID_MANAGER) {
    // Grid managers: their work (patrol coverage, reports, verification
    // credit) and its score.
    std::printf("%-4s %s %s %-22s %9s %7s %7s %7s %6s %8s %9s %7s\n", "rank",
                Pad("key", key_width).c_str(), Pad("name", name_width).c_str(),
                absl::AsciiStrToLower(
                    absl::StripPrefix(v1::Indicator_Name(*by), "INDICATOR_"))
                    .c_str(),
                "coverage", "patrols", "reports", "valid", "self", "verified",
                "v-ontime", "score");
    auto pct = [](const v1::Ratio& r) {
      return r.defined() ? absl::StrFormat("%.0f%%", 100 * r.value())
                         : std::string("—");
    };
    for (const v1::RankingEntry& e : resp.entries()) {
      const v1::GridMemberWork& w = e.work();
      std::printf(
          "%-4d %s %s %s %9s %7lld %7lld %7s %6lld %8lld %9s %7s\n", e.rank(),
          Pad(e.key(), key_width).c_str(), Pad(e.name(), name_width).c_str(),
          Pad(ValueText(e, *by), 22).c_str(),
          absl::StrFormat("%d/%d", w.grids_visited(), w.grids()).c_str(),
          static_cast<long long>(w.patrols()),
          static_cast<long long>(w.reports()),
          pct(w.valid_report_rate()).c_str(),
          static_cast<long long>(w.self_handled()),
          static_cast<long long>(w.verified()),
          pct(w.on_time_verify_rate()).c_str(),
          w.score_defined() ? absl::StrFormat("%.2f", w.score()).c_str() : "—");
    }
    return 0;
  }
  std::printf("%-4s %s %s %-22s %9s %9s %9s %9s %9s\n", "rank",
              Pad("key", key_width).c_str(), Pad("name", name_width).c_str(),
              absl::AsciiStrToLower(
                  absl::StripPrefix(v1::Indicator_Name(*by), "INDICATOR_"))
                  .c_str(),
              "on-time", "closed", "rework", "satisfied", "score");
  for (const v1::RankingEntry& e : resp.entries()) {
    const v1::Indicators& x = e.indicators();
    auto pct = [](const v1::Ratio& r) {
      return r.defined() ? absl::StrFormat("%.1f%%", 100 * r.value())
                         : std::string("—");
    };
    std::printf(
        "%-4d %s %s %s %9s %9s %9s %9s %9s\n", e.rank(),
        Pad(e.key(), key_width).c_str(), Pad(e.name(), name_width).c_str(),
        Pad(ValueText(e, *by), 22).c_str(), pct(x.on_time_close_rate()).c_str(),
        pct(x.close_rate()).c_str(), pct(x.rework_rate()).c_str(),
        pct(x.satisfaction_rate()).c_str(),
        x.composite_defined()
            ? absl::StrFormat("%.2f", x.composite_score()).c_str()
            : "—");
  }
  return 0;
}

int Trend(const Invocation& in) {
  v1::TrendRequest req;
  auto scope = ParseScope(in.Get("scope", nullptr, "all"));
  if (!scope.ok()) return Fail(scope.status());
  *req.mutable_scope() = *scope;
  auto indicator = ParseIndicator(in.Get("indicator", nullptr));
  if (!indicator.ok()) return Fail(indicator.status());
  req.set_indicator(*indicator);
  auto period = ParsePeriod(in.Get("period", nullptr, "month"), absl::Now());
  if (!period.ok()) return Fail(period.status());
  *req.mutable_period() = *period;
  v1::TrendStep step = v1::TREND_STEP_UNSPECIFIED;
  if (!v1::TrendStep_Parse(
          absl::StrCat("TREND_STEP_",
                       absl::AsciiStrToUpper(in.Get("step", nullptr, "day"))),
          &step)) {
    return Fail(absl::InvalidArgumentError("--step: day, week or month"));
  }
  req.set_step(step);
  v1::TrendResponse resp;
  if (int rc = Call(in, &v1::StatsService::Stub::Trend, req, &resp)) return rc;
  if (in.Has("json")) {
    PrintJson(resp);
    return 0;
  }
  for (const v1::TrendPoint& p : resp.points()) {
    std::string value = "—";
    if (p.defined()) {
      value = p.denominator() > 0
                  ? absl::StrFormat("%.1f%% (%d/%d)", 100 * p.value(),
                                    p.numerator(), p.denominator())
                  : absl::StrFormat("%g", p.value());
    }
    std::printf("%s..%s  %s\n", p.start_date().c_str(), p.end_date().c_str(),
                value.c_str());
  }
  return 0;
}

int Hotspots(const Invocation& in) {
  v1::HotspotsRequest req;
  auto scope = ParseScope(in.Get("scope", nullptr, "all"));
  if (!scope.ok()) return Fail(scope.status());
  *req.mutable_scope() = *scope;
  auto period = ParsePeriod(in.Get("period", nullptr, "month"), absl::Now());
  if (!period.ok()) return Fail(period.status());
  *req.mutable_period() = *period;
  std::string by = in.Get("by", nullptr, "grid");
  if (by != "grid" && by != "category") {
    return Fail(absl::InvalidArgumentError("--by: grid or category"));
  }
  req.set_by(by == "grid" ? v1::HOTSPOT_DIMENSION_GRID
                          : v1::HOTSPOT_DIMENSION_CATEGORY);
  int top = 0;
  if (in.Has("top") && !absl::SimpleAtoi(in.Get("top", nullptr), &top)) {
    return Fail(absl::InvalidArgumentError("--top: a number, 1 to 100"));
  }
  req.set_top_n(top);
  v1::HotspotsResponse resp;
  if (int rc = Call(in, &v1::StatsService::Stub::Hotspots, req, &resp)) {
    return rc;
  }
  if (in.Has("json")) {
    PrintJson(resp);
    return 0;
  }
  int name_width = 4;
  for (const v1::Hotspot& h : resp.hotspots()) {
    name_width = std::max(name_width, Columns(h.name()));
  }
  std::printf("%-16s %s %8s %6s %8s\n", by.c_str(),
              Pad("name", name_width).c_str(), "reports", "open", "overdue");
  for (const v1::Hotspot& h : resp.hotspots()) {
    std::printf(
        "%-16s %s %8lld %6lld %8lld\n", h.key().c_str(),
        Pad(h.name(), name_width).c_str(), static_cast<long long>(h.reports()),
        static_cast<long long>(h.open()), static_cast<long long>(h.overdue()));
  }
  return 0;
}

}  // namespace

absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  absl::LoadTimeZone("Asia/Shanghai", &tz);
  return tz;
}

absl::StatusOr<v1::Scope> ParseScope(const std::string& text) {
  v1::Scope scope;
  if (text == "all") {
    scope.set_kind(v1::SCOPE_KIND_ALL);
    return scope;
  }
  std::pair<std::string, std::string> kv =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  const std::pair<const char*, v1::ScopeKind> kinds[] = {
      {"region", v1::SCOPE_KIND_REGION},
      {"department", v1::SCOPE_KIND_DEPARTMENT},
      {"category", v1::SCOPE_KIND_CATEGORY},
      {"source", v1::SCOPE_KIND_SOURCE},
      {"reporter", v1::SCOPE_KIND_REPORTER},
      {"worker", v1::SCOPE_KIND_WORKER}};
  for (const auto& [name, kind] : kinds) {
    if (kv.first != name || kv.second.empty()) continue;
    scope.set_kind(kind);
    scope.set_code(
        kind == v1::SCOPE_KIND_SOURCE
            ? absl::StrCat("SOURCE_",
                           absl::AsciiStrToUpper(absl::StripPrefix(
                               absl::AsciiStrToLower(kv.second), "source_")))
            : kv.second);
    return scope;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--scope: '", text,
      "' is not all, region:CODE, department:ID, category:CODE, source:NAME, "
      "reporter:ID or worker:ID"));
}

absl::StatusOr<v1::DateRange> ParsePeriod(const std::string& text,
                                          absl::Time now) {
  absl::CivilDay today = absl::ToCivilDay(now, Shanghai());
  absl::CivilDay from = today, to = today;
  absl::CivilMonth month;
  absl::CivilDay a, b;
  std::pair<std::string, std::string> range =
      absl::StrSplit(text, absl::MaxSplits("..", 1));
  if (text == "today") {
  } else if (text == "yesterday") {
    from = to = today - 1;
  } else if (text == "week") {
    from = today - ((static_cast<int>(absl::GetWeekday(today)) + 7 -
                     static_cast<int>(absl::Weekday::monday)) %
                    7);
    to = from + 6;
  } else if (text == "month") {
    from = absl::CivilDay(absl::CivilMonth(today));
    to = absl::CivilDay(absl::CivilMonth(today) + 1) - 1;
  } else if (text.size() == 7 && absl::ParseCivilTime(text, &month)) {
    from = absl::CivilDay(month);
    to = absl::CivilDay(month + 1) - 1;
  } else if (!range.second.empty() && absl::ParseCivilTime(range.first, &a) &&
             absl::ParseCivilTime(range.second, &b)) {
    from = a;
    to = b;
  } else if (absl::ParseCivilTime(text, &a)) {
    from = to = a;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--period: '", text,
        "' is not today, yesterday, week, month, YYYY-MM, YYYY-MM-DD or "
        "FROM..TO"));
  }
  v1::DateRange r;
  r.set_start_date(absl::FormatCivilTime(from));
  r.set_end_date(absl::FormatCivilTime(to));
  return r;
}

absl::StatusOr<v1::Indicator> ParseIndicator(const std::string& text) {
  v1::Indicator i = v1::INDICATOR_UNSPECIFIED;
  std::string name = absl::AsciiStrToUpper(text);
  if (!v1::Indicator_Parse(
          absl::StrCat("INDICATOR_", absl::StripPrefix(name, "INDICATOR_")),
          &i) ||
      i == v1::INDICATOR_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "indicator '", text, "' is unknown; see gridctl stats --help"));
  }
  return i;
}

int RunStats(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    std::fputs(kStatsUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  absl::StatusOr<Invocation> in = Parse(
      std::vector<std::string>(args.begin() + 1, args.end()),
      {"target",    "actor",   "timeout", "json",   "help",      "scope",
       "period",    "weights", "level",   "by",     "parent",    "limit",
       "indicator", "step",    "top",     "region", "date",      "reissue",
       "reason",    "csv",     "xlsx",    "quiet",  "page-size", "page-token"});
  if (!in.ok()) return Fail(in.status());
  if (in->Has("help")) {
    std::fputs(kStatsUsage, stdout);
    return 0;
  }
  if (args[0] == "summary") return Summary(*in);
  if (args[0] == "ranking") return Ranking(*in);
  if (args[0] == "trend") return Trend(*in);
  if (args[0] == "hotspots") return Hotspots(*in);
  if (args[0] == "publish") return PublishReport(*in);
  if (args[0] == "reports") return ListReports(*in);
  if (args[0] == "report") return ShowReport(*in);
  std::fprintf(stderr, "gridctl stats: unknown subcommand '%s'\n\n%s",
               args[0].c_str(), kStatsUsage);
  return 2;
}

}  // namespace gridcase::gridctl
