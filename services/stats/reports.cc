#include "services/stats/reports.h"

#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"
#include "common/paging/page_token.h"
#include "common/status/status_macros.h"
#include "common/validation/field_errors.h"
#include "services/stats/dimensions.h"
#include "services/stats/indicators.h"
#include "services/stats/period.h"

namespace gridcase::stats {
namespace {

using validation::FieldError;

constexpr paging::PageLimits kReportPages{.default_size = 50, .max_size = 200};
constexpr int kMaxReasonChars = 500;
constexpr int kHotspots = 10;

v1::DateRange RangeOf(const Period& p) {
  v1::DateRange r;
  r.set_start_date(FormatDay(p.start));
  r.set_end_date(FormatDay(p.end));
  return r;
}

bool SameWeights(const v1::Report& a, const v1::Report& b) {
  if (a.weights_size() != b.weights_size()) return false;
  for (int i = 0; i < a.weights_size(); ++i) {
    if (a.weights(i).indicator() != b.weights(i).indicator() ||
        a.weights(i).weight() != b.weights(i).weight()) {
      return false;
    }
  }
  return true;
}

// The rows of `now` with their change against `before` (环比), by level,
// indicator and key.
void CompareRankings(const v1::Report& before, v1::Report* now) {
  std::map<std::tuple<int, int, std::string>, const v1::RankingEntry*> previous;
  for (const v1::ReportRanking& ranking : before.rankings()) {
    for (const v1::ReportRow& row : ranking.rows()) {
      previous[{ranking.level(), ranking.indicator(), row.entry().key()}] =
          &row.entry();
    }
  }
  for (v1::ReportRanking& ranking : *now->mutable_rankings()) {
    for (v1::ReportRow& row : *ranking.mutable_rows()) {
      auto it = previous.find(
          {ranking.level(), ranking.indicator(), row.entry().key()});
      if (it == previous.end()) continue;
      const v1::RankingEntry& p = *it->second;
      if (!p.defined()) continue;  // its rank then says nothing
      row.set_previous_rank(p.rank());
      row.set_previous_value(p.value());
      row.set_previous_defined(true);
      if (row.entry().defined()) {
        row.set_rank_change(p.rank() - row.entry().rank());
        row.set_value_change(row.entry().value() - p.value());
      }
    }
  }
}

}  // namespace

absl::StatusOr<v1::Report> Reports::Compose(const std::string& region,
                                            const v1::DateRange& period,
                                            v1::Indicator indicator,
                                            bool with_hotspots) {
  v1::Report out;
  v1::SummaryRequest summary;
  summary.mutable_scope()->set_kind(v1::SCOPE_KIND_REGION);
  summary.mutable_scope()->set_code(region);
  *summary.mutable_period() = period;
  ASSIGN_OR_RETURN(v1::SummaryResponse s, queries_->Summary(summary));
  out.set_region_name(s.name());
  *out.mutable_summary() = s.indicators();

  bool city = region.size() == 6;
  std::vector<v1::RankingLevel> levels = {city ? v1::RANKING_LEVEL_TOWN
                                               : v1::RANKING_LEVEL_COMMUNITY};
  if (city) levels.push_back(v1::RANKING_LEVEL_DEPARTMENT);
  levels.push_back(v1::RANKING_LEVEL_GRID_MANAGER);
  for (v1::RankingLevel level : levels) {
    // Grid managers are ranked on their work, whatever the report's
    // indicator (docs/indicators.md).
    v1::Indicator ranked_by = level == v1::RANKING_LEVEL_GRID_MANAGER
                                  ? v1::INDICATOR_GRID_MEMBER_SCORE
                                  : indicator;
    v1::RankingRequest req;
    req.set_level(level);
    req.set_indicator(ranked_by);
    *req.mutable_period() = period;
    if (level != v1::RANKING_LEVEL_DEPARTMENT) req.set_parent_code(region);
    ASSIGN_OR_RETURN(v1::RankingResponse ranking, queries_->Ranking(req));
    if (out.weights().empty()) *out.mutable_weights() = ranking.weights();
    v1::ReportRanking* r = out.add_rankings();
    r->set_level(level);
    r->set_indicator(ranked_by);
    for (v1::RankingEntry& entry : *ranking.mutable_entries()) {
      *r->add_rows()->mutable_entry() = std::move(entry);
    }
  }
  if (!with_hotspots) return out;
  for (v1::HotspotDimension by :
       {v1::HOTSPOT_DIMENSION_GRID, v1::HOTSPOT_DIMENSION_CATEGORY}) {
    v1::HotspotsRequest req;
    *req.mutable_scope() = summary.scope();
    *req.mutable_period() = period;
    req.set_by(by);
    req.set_top_n(kHotspots);
    ASSIGN_OR_RETURN(v1::HotspotsResponse h, queries_->Hotspots(req));
    *(by == v1::HOTSPOT_DIMENSION_GRID ? out.mutable_grid_hotspots()
                                       : out.mutable_category_hotspots()) =
        h.hotspots();
  }
  return out;
}

absl::StatusOr<v1::PublishReportResponse> Reports::Publish(
    const v1::PublishReportRequest& req, const std::string& publisher) {
  const std::string& region = req.region_code();
  if (!IsReportRegion(region)) {
    return FieldError("region_code",
                      "must be a city (6 digits) or town (9 digits) code");
  }
  v1::ReportPeriod kind = req.period_kind();
  if (KindLetter(kind) == '?') {
    return FieldError("period_kind",
                      "must be REPORT_PERIOD_DAY, _WEEK or _MONTH");
  }
  v1::Indicator indicator = req.indicator() == v1::INDICATOR_UNSPECIFIED
                                ? v1::INDICATOR_COMPOSITE
                                : req.indicator();
  RETURN_IF_ERROR(ValidateIndicator(indicator, "indicator"));
  if (req.reissue() && req.reason().empty()) {
    return FieldError("reason", "is required with reissue");
  }
  if (!req.reissue() && !req.reason().empty()) {
    return FieldError("reason", "is only taken with reissue");
  }
  if (validation::Utf8Chars(req.reason()) > kMaxReasonChars) {
    return FieldError("reason", absl::StrCat("must be at most ",
                                             kMaxReasonChars, " characters"));
  }
  absl::Time now = clock_->Now();
  absl::CivilDay today = absl::ToCivilDay(now, zone_);
  absl::CivilDay day = ReportPeriodOf(kind, today).start - 1;
  if (!req.date().empty()) {
    ASSIGN_OR_RETURN(day, ParseDay(req.date(), "date"));
    if (day > today) {
      return FieldError("date", absl::StrCat("must not be after today (",
                                             FormatDay(today), ")"));
    }
  }
  absl::StatusOr<std::string> name =
      directory_->NameOf(region.size() == 6 ? kCity : kTown, region);
  if (absl::IsNotFound(name.status())) {
    return absl::NotFoundError(absl::StrCat("region_code: no region ", region));
  }
  RETURN_IF_ERROR(name.status());

  Period period = ReportPeriodOf(kind, day);
  ASSIGN_OR_RETURN(std::optional<v1::Report> in_force,
                   store_->Current(region, kind, period.start));
  if (in_force.has_value() && !req.reissue()) {
    v1::PublishReportResponse out;
    *out.mutable_report() = *std::move(in_force);
    return out;
  }

  ASSIGN_OR_RETURN(v1::Report report,
                   Compose(region, RangeOf(period), indicator, true));
  Period before = ReportPeriodOf(kind, period.start - 1);
  ASSIGN_OR_RETURN(std::optional<v1::Report> published_before,
                   store_->Current(region, kind, before.start));
  v1::Report previous;
  if (published_before.has_value() &&
      published_before->indicator() == indicator &&
      SameWeights(*published_before, report)) {
    previous = *std::move(published_before);
    report.set_previous_report_id(previous.report_id());
  } else {
    ASSIGN_OR_RETURN(previous,
                     Compose(region, RangeOf(before), indicator, false));
  }
  CompareRankings(previous, &report);
  *report.mutable_previous_summary() = previous.summary();

  ReportId id{.region = region,
              .kind = kind,
              .start = period.start,
              .revision = in_force.has_value() ? in_force->revision() + 1 : 1};
  report.set_report_id(FormatReportId(id));
  report.set_region_code(region);
  report.set_period_kind(kind);
  *report.mutable_period() = RangeOf(period);
  *report.mutable_previous_period() = RangeOf(before);
  report.set_revision(id.revision);
  report.set_status(v1::REPORT_STATUS_CURRENT);
  report.set_reason(req.reason());
  *report.mutable_published_at() = ToTimestamp(now);
  report.set_published_by(publisher);
  report.set_period_complete(today > period.end);
  report.set_indicator(indicator);
  if (in_force.has_value()) {
    in_force->set_status(v1::REPORT_STATUS_SUPERSEDED);
    in_force->set_superseded_by(report.report_id());
  }

  ASSIGN_OR_RETURN(PublishOutcome outcome, store_->Publish(report, in_force));
  const std::string& winner = outcome.in_force;
  v1::PublishReportResponse out;
  if (outcome.stored) {
    *out.mutable_report() = std::move(report);
    out.set_created(true);
    return out;
  }
  if (req.reissue()) {
    return absl::AbortedError(
        absl::StrCat("report ", winner,
                     " was published for this period meanwhile; fetch it "
                     "and decide again"));
  }
  ASSIGN_OR_RETURN(ReportId winner_id, ParseReportId(winner, "report_id"));
  ASSIGN_OR_RETURN(std::optional<v1::Report> won, store_->Get(winner_id));
  if (!won.has_value()) {
    return absl::DataLossError(
        absl::StrCat("report ", winner, " is in force but missing"));
  }
  *out.mutable_report() = *std::move(won);
  return out;
}

absl::StatusOr<v1::Report> Reports::Get(const v1::GetReportRequest& req) {
  ASSIGN_OR_RETURN(ReportId id, ParseReportId(req.report_id(), "report_id"));
  ASSIGN_OR_RETURN(std::optional<v1::Report> report, store_->Get(id));
  if (!report.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("report_id: no report ", req.report_id()));
  }
  return *std::move(report);
}

absl::StatusOr<v1::ListReportsResponse> Reports::List(
    const v1::ListReportsRequest& req) {
  if (!IsReportRegion(req.region_code())) {
    return FieldError("region_code",
                      "must be a city (6 digits) or town (9 digits) code");
  }
  if (req.period_kind() != v1::REPORT_PERIOD_UNSPECIFIED &&
      KindLetter(req.period_kind()) == '?') {
    return FieldError("period_kind", "must be a ReportPeriod value");
  }
  ASSIGN_OR_RETURN(int page_size,
                   paging::PageSize(req.page_size(), kReportPages));
  // The token carries the last list position, bound to the filters.
  std::string filters = absl::StrCat(req.region_code(), "|", req.period_kind());
  ASSIGN_OR_RETURN(std::string after,
                   paging::DecodePageToken(req.page_token(), filters));
  ASSIGN_OR_RETURN(
      ReportPage page,
      store_->List(req.region_code(), req.period_kind(), page_size, after));
  v1::ListReportsResponse out;
  for (v1::Report& r : page.reports) *out.add_reports() = std::move(r);
  if (!page.next.empty()) {
    out.set_next_page_token(paging::EncodePageToken(page.next, filters));
  }
  return out;
}

}  // namespace gridcase::stats
