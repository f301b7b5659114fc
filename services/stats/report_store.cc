#include "services/stats/report_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
#include "common/validation/field_errors.h"
#include "services/stats/period.h"

namespace gridcase::stats {
namespace {

// The list member of a report: "<start>|<kind>|<revision, 6 digits>".
std::string MemberOf(const ReportId& id) {
  return absl::StrFormat("%s|%c|%06d", CompactDay(id.start),
                         KindLetter(id.kind), id.revision);
}

// The id a list member stands for; INVALID_ARGUMENT naming page_token when
// `member` is not one.
absl::StatusOr<ReportId> IdOfMember(const std::string& region,
                                    absl::string_view member) {
  std::vector<absl::string_view> p = absl::StrSplit(member, '|');
  int revision = 0;
  if (p.size() != 3 || p[1].size() != 1 || p[2].size() != 6 ||
      !absl::SimpleAtoi(p[2], &revision)) {
    return validation::FieldError("page_token",
                                  "is not a token ListReports returned");
  }
  return ParseReportId(absl::StrCat(region, "-", p[1], p[0], "-", revision),
                       "page_token");
}

absl::StatusOr<std::optional<v1::Report>> ParseReport(const redis::Reply& reply,
                                                      absl::string_view key) {
  if (reply.is_nil()) return std::nullopt;
  ASSIGN_OR_RETURN(std::string bytes, reply.AsString());
  v1::Report report;
  if (!report.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("report ", key, " is corrupt"));
  }
  return report;
}

}  // namespace

v1::Report SummaryOf(const v1::Report& report) {
  v1::Report out = report;
  out.clear_rankings();
  out.clear_grid_hotspots();
  out.clear_category_hotspots();
  return out;
}

absl::StatusOr<std::optional<v1::Report>> RedisReportStore::Current(
    const std::string& region, v1::ReportPeriod kind, absl::CivilDay start) {
  ASSIGN_OR_RETURN(
      redis::Reply id,
      redis_->Command({"GET", store::ReportCurrentKey(region, KindLetter(kind),
                                                      CompactDay(start))}));
  if (id.is_nil()) return std::nullopt;
  ASSIGN_OR_RETURN(std::string text, id.AsString());
  ASSIGN_OR_RETURN(ReportId parsed, ParseReportId(text, "current report"));
  ASSIGN_OR_RETURN(std::optional<v1::Report> report, Get(parsed));
  if (!report.has_value()) {
    return absl::DataLossError(
        absl::StrCat("report ", text, " is in force but missing"));
  }
  return report;
}

absl::StatusOr<std::optional<v1::Report>> RedisReportStore::Get(
    const ReportId& id) {
  std::string key = store::ReportDocKey(id.region, FormatReportId(id));
  ASSIGN_OR_RETURN(redis::Reply doc, redis_->Command({"GET", key}));
  return ParseReport(doc, key);
}

absl::StatusOr<PublishOutcome> RedisReportStore::Publish(
    const v1::Report& report, const std::optional<v1::Report>& replaced) {
  ASSIGN_OR_RETURN(ReportId id, ParseReportId(report.report_id(), "report_id"));
  const std::string& region = id.region;
  std::vector<std::string> old_keys, old_values;
  if (replaced.has_value()) {
    old_keys = {store::ReportDocKey(region, replaced->report_id()),
                store::ReportSummaryKey(region, replaced->report_id())};
    old_values = {replaced->SerializeAsString(),
                  SummaryOf(*replaced).SerializeAsString()};
  }
  ASSIGN_OR_RETURN(
      redis::Reply in_force,
      store::ScriptCall(store::scripts::StatsPublishReport())
          .Key("current", store::ReportCurrentKey(region, KindLetter(id.kind),
                                                  CompactDay(id.start)))
          .Key("doc", store::ReportDocKey(region, report.report_id()))
          .Key("summary", store::ReportSummaryKey(region, report.report_id()))
          .Key("list", store::ReportListKey(region))
          .Key("kind_list",
               store::ReportKindListKey(region, KindLetter(id.kind)))
          .Keys("old", std::move(old_keys))
          .Arg("expected", replaced.has_value() ? replaced->report_id() : "")
          .Arg("id", report.report_id())
          .Arg("member", MemberOf(id))
          .Arg("doc", report.SerializeAsString())
          .Arg("summary", SummaryOf(report).SerializeAsString())
          .Args("old", std::move(old_values))
          .Run(*redis_));
  if (in_force.elements().size() != 2) {
    return absl::InternalError("stats_publish_report: unexpected reply");
  }
  ASSIGN_OR_RETURN(int64_t stored, in_force.elements()[0].AsInteger());
  ASSIGN_OR_RETURN(std::string winner, in_force.elements()[1].AsString());
  return PublishOutcome{.stored = stored == 1, .in_force = std::move(winner)};
}

absl::StatusOr<ReportPage> RedisReportStore::List(const std::string& region,
                                                  v1::ReportPeriod kind,
                                                  int page_size,
                                                  const std::string& after) {
  if (!after.empty()) RETURN_IF_ERROR(IdOfMember(region, after).status());
  std::string key = kind == v1::REPORT_PERIOD_UNSPECIFIED
                        ? store::ReportListKey(region)
                        : store::ReportKindListKey(region, KindLetter(kind));
  ASSIGN_OR_RETURN(
      redis::Reply members,
      redis_->Command({"ZREVRANGEBYLEX", key,
                       after.empty() ? "+" : absl::StrCat("(", after), "-",
                       "LIMIT", "0", absl::StrCat(page_size + 1)}));
  ReportPage page;
  const std::vector<redis::Reply>& found = members.elements();
  size_t n = std::min(found.size(), static_cast<size_t>(page_size));
  if (n == 0) return page;
  redis::Args mget = {"MGET"};
  for (size_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(ReportId id, IdOfMember(region, found[i].str()));
    mget.push_back(store::ReportSummaryKey(region, FormatReportId(id)));
  }
  ASSIGN_OR_RETURN(redis::Reply docs, redis_->Command(mget));
  for (size_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(std::optional<v1::Report> r,
                     ParseReport(docs.elements()[i], mget[i + 1]));
    if (r.has_value()) page.reports.push_back(*std::move(r));
  }
  if (found.size() > n) page.next = found[n - 1].str();
  return page;
}

}  // namespace gridcase::stats
