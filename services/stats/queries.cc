#include "services/stats/queries.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "common/validation/field_errors.h"
#include "services/stats/dimensions.h"
#include "services/stats/period.h"

namespace gridcase::stats {
namespace {

using validation::FieldError;

constexpr int kMaxRankingLimit = 1000;
constexpr int kDefaultTopN = 10;
constexpr int kMaxTopN = 100;

// The scope's display name; NOT_FOUND names the field.
absl::StatusOr<std::string> ScopeName(Directory* directory, const Dim& dim,
                                      absl::string_view field) {
  absl::StatusOr<std::string> name = directory->NameOf(dim.kind, dim.value);
  if (name.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(
        absl::StrCat(field, ": ", name.status().message()));
  }
  return name;
}

absl::string_view RegionKindOf(const std::string& code) {
  switch (code.size()) {
    case 6:
      return kCity;
    case 9:
      return kTown;
    case 12:
      return kCommunity;
    case 15:
      return kGrid;
    default:
      return "";
  }
}

// parent_code must be a region code of a level above `level`.
absl::Status CheckParent(Directory* directory, v1::RankingLevel level,
                         const std::string& parent) {
  if (parent.empty()) return absl::OkStatus();
  size_t max_len = level == v1::RANKING_LEVEL_TOWN           ? 6
                   : level == v1::RANKING_LEVEL_COMMUNITY    ? 9
                   : level == v1::RANKING_LEVEL_GRID         ? 12
                   : level == v1::RANKING_LEVEL_GRID_MANAGER ? 15
                                                             : 0;
  if (max_len == 0) {
    return FieldError("parent_code",
                      "only TOWN, COMMUNITY, GRID and GRID_MANAGER rankings "
                      "take a parent");
  }
  bool digits = std::all_of(parent.begin(), parent.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  if (!digits || RegionKindOf(parent).empty() || parent.size() > max_len) {
    return FieldError("parent_code",
                      absl::StrCat("must be the code of a region above the "
                                   "ranked level (",
                                   max_len == 6    ? "a city"
                                   : max_len == 9  ? "a city or town"
                                   : max_len == 12 ? "a city, town or community"
                                                   : "a city, town, community "
                                                     "or grid",
                                   ")"));
  }
  return ScopeName(directory, {RegionKindOf(parent), parent}, "parent_code")
      .status();
}

bool Better(const v1::RankingEntry& a, const v1::RankingEntry& b,
            bool higher_is_better) {
  if (a.defined() != b.defined()) return a.defined();
  if (a.defined()) {
    if (a.value() != b.value()) {
      return higher_is_better ? a.value() > b.value() : a.value() < b.value();
    }
    if (a.has_ratio() && a.ratio().denominator() != b.ratio().denominator()) {
      return a.ratio().denominator() > b.ratio().denominator();
    }
  }
  return a.key() < b.key();
}

// Regions by code prefix; grid managers by any of their grids.
bool InParent(const Entity& entity, absl::string_view kind,
              const std::string& parent) {
  if (kind != kReporter) return absl::StartsWith(entity.key, parent);
  if (parent.empty()) return true;
  return std::any_of(
      entity.grids.begin(), entity.grids.end(),
      [&](const std::string& grid) { return absl::StartsWith(grid, parent); });
}

bool InScope(const Dim& dim, const HotspotCell& cell) {
  if (dim.kind == kAll) return true;
  if (dim.kind == kCity || dim.kind == kTown || dim.kind == kCommunity ||
      dim.kind == kGrid) {
    return absl::StartsWith(cell.grid, dim.value);
  }
  if (dim.kind == kCategory) return cell.category == dim.value;
  if (dim.kind == kMajor) return absl::StartsWith(cell.category, dim.value);
  if (dim.kind == kSource) return cell.source == dim.value;
  return false;
}

}  // namespace

absl::StatusOr<v1::SummaryResponse> StatsQueries::Summary(
    const v1::SummaryRequest& req) {
  ASSIGN_OR_RETURN(Dim dim, DimOfScope(req.scope(), "scope"));
  ASSIGN_OR_RETURN(Period period, ParsePeriod(req.period(), "period"));
  ASSIGN_OR_RETURN(Weights weights,
                   WeightsFromRequest(req.weights(), default_weights_));
  ASSIGN_OR_RETURN(std::string name, ScopeName(directory_, dim, "scope.code"));
  ASSIGN_OR_RETURN(auto counters, aggregates_->Counters(dim.kind, dim.value,
                                                        {BucketsOf(period)}));
  ASSIGN_OR_RETURN(auto now, aggregates_->Now(dim.kind, dim.value));
  v1::SummaryResponse out;
  *out.mutable_scope() = req.scope();
  *out.mutable_period() = req.period();
  out.set_name(name);
  *out.mutable_indicators() =
      Derive(counters[0][dim.value], now[dim.value].red, weights);
  *out.mutable_computed_at() = ToTimestamp(clock_->Now());
  return out;
}

absl::StatusOr<v1::RankingResponse> StatsQueries::Ranking(
    const v1::RankingRequest& req) {
  absl::string_view kind = KindOfLevel(req.level());
  if (kind.empty()) {
    return FieldError("level", "must be set to a RankingLevel value");
  }
  RETURN_IF_ERROR(ValidateIndicator(req.indicator(), "indicator"));
  ASSIGN_OR_RETURN(Period period, ParsePeriod(req.period(), "period"));
  ASSIGN_OR_RETURN(Weights weights,
                   WeightsFromRequest(req.weights(), default_weights_));
  if (req.limit() < 0 || req.limit() > kMaxRankingLimit) {
    return FieldError("limit",
                      absl::StrCat("must be 0 (all) to ", kMaxRankingLimit));
  }
  bool member_work = IsMemberWorkIndicator(req.indicator());
  if (member_work && req.level() != v1::RANKING_LEVEL_GRID_MANAGER) {
    return FieldError("indicator",
                      absl::StrCat(v1::Indicator_Name(req.indicator()),
                                   " ranks RANKING_LEVEL_GRID_MANAGER only"));
  }
  RETURN_IF_ERROR(CheckParent(directory_, req.level(), req.parent_code()));
  ASSIGN_OR_RETURN(std::vector<Entity> entities, directory_->Entities(kind));
  ASSIGN_OR_RETURN(auto counters, aggregates_->Counters(kind, std::nullopt,
                                                        {BucketsOf(period)}));
  ASSIGN_OR_RETURN(auto now, aggregates_->Now(kind, std::nullopt));
  std::vector<v1::RankingEntry> entries;
  std::vector<Entity> ranked;
  for (const Entity& entity : entities) {
    if (!InParent(entity, kind, req.parent_code())) continue;
    ranked.push_back(entity);
    v1::RankingEntry e;
    e.set_key(entity.key);
    e.set_name(entity.name);
    auto c = counters[0].find(entity.key);
    auto n = now.find(entity.key);
    *e.mutable_indicators() =
        Derive(c == counters[0].end() ? Counts{} : c->second,
               n == now.end() ? 0 : n->second.red, weights);
    entries.push_back(std::move(e));
  }
  if (req.level() == v1::RANKING_LEVEL_GRID_MANAGER) {
    RETURN_IF_ERROR(AddWork(ranked, period, entries));
  }
  for (v1::RankingEntry& e : entries) {
    IndicatorValue v = member_work ? ValueOf(e.work(), req.indicator())
                                   : ValueOf(e.indicators(), req.indicator());
    e.set_value(v.defined ? v.value : 0.0);
    e.set_defined(v.defined);
    if (v.is_rate) *e.mutable_ratio() = v.ratio;
  }
  bool higher = HigherIsBetter(req.indicator());
  std::sort(entries.begin(), entries.end(),
            [higher](const v1::RankingEntry& a, const v1::RankingEntry& b) {
              return Better(a, b, higher);
            });
  v1::RankingResponse out;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (req.limit() > 0 && static_cast<int>(i) >= req.limit()) break;
    entries[i].set_rank(static_cast<int>(i) + 1);
    *out.add_entries() = std::move(entries[i]);
  }
  ToProto(weights, out.mutable_weights());
  *out.mutable_computed_at() = ToTimestamp(clock_->Now());
  return out;
}

absl::Status StatsQueries::AddWork(const std::vector<Entity>& members,
                                   const Period& period,
                                   std::vector<v1::RankingEntry>& entries) {
  ASSIGN_OR_RETURN(auto worked, aggregates_->Counters(kWorker, std::nullopt,
                                                      {BucketsOf(period)}));
  std::map<std::string, MemberPatrols> patrols;
  if (patrols_ != nullptr) {
    std::vector<std::string> ids;
    for (const Entity& m : members) ids.push_back(m.key);
    ASSIGN_OR_RETURN(patrols, patrols_->Read(ids, DaysOf(period)));
  }
  std::vector<v1::GridMemberWork*> scored;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto c = worked[0].find(members[i].key);
    v1::Indicators as_worker =
        Derive(c == worked[0].end() ? Counts{} : c->second, 0, {});
    *entries[i].mutable_work() =
        WorkOf(members[i].grids, patrols[members[i].key],
               entries[i].indicators(), as_worker);
    scored.push_back(entries[i].mutable_work());
  }
  ScoreWork(scored);
  return absl::OkStatus();
}

absl::StatusOr<v1::TrendResponse> StatsQueries::Trend(
    const v1::TrendRequest& req) {
  ASSIGN_OR_RETURN(Dim dim, DimOfScope(req.scope(), "scope"));
  RETURN_IF_ERROR(ValidateIndicator(req.indicator(), "indicator"));
  if (IsMemberWorkIndicator(req.indicator())) {
    return FieldError("indicator",
                      absl::StrCat(v1::Indicator_Name(req.indicator()),
                                   " ranks RANKING_LEVEL_GRID_MANAGER only; "
                                   "it has no trend"));
  }
  if (req.indicator() == v1::INDICATOR_OPEN_OVERDUE_NOW) {
    return FieldError("indicator",
                      "INDICATOR_OPEN_OVERDUE_NOW is a current count and has "
                      "no trend; use Summary");
  }
  ASSIGN_OR_RETURN(Period period, ParsePeriod(req.period(), "period"));
  if (req.step() == v1::TREND_STEP_UNSPECIFIED ||
      !v1::TrendStep_IsValid(req.step())) {
    return FieldError("step", "must be set to a TrendStep value");
  }
  ASSIGN_OR_RETURN(Weights weights,
                   WeightsFromRequest(req.weights(), default_weights_));
  std::vector<Period> steps = Steps(period, req.step());
  if (steps.size() > kMaxTrendPoints) {
    return FieldError("period", absl::StrCat("gives ", steps.size(),
                                             " points at this step; at most ",
                                             kMaxTrendPoints));
  }
  RETURN_IF_ERROR(ScopeName(directory_, dim, "scope.code").status());
  std::vector<Buckets> groups;
  for (const Period& p : steps) groups.push_back(BucketsOf(p));
  ASSIGN_OR_RETURN(auto counters,
                   aggregates_->Counters(dim.kind, dim.value, groups));
  v1::TrendResponse out;
  for (size_t i = 0; i < steps.size(); ++i) {
    v1::Indicators indicators = Derive(counters[i][dim.value], 0, weights);
    IndicatorValue v = ValueOf(indicators, req.indicator());
    v1::TrendPoint* point = out.add_points();
    point->set_start_date(FormatDay(steps[i].start));
    point->set_end_date(FormatDay(steps[i].end));
    point->set_value(v.defined ? v.value : 0.0);
    point->set_defined(v.defined);
    point->set_numerator(v.numerator);
    point->set_denominator(v.denominator);
  }
  return out;
}

absl::StatusOr<v1::HotspotsResponse> StatsQueries::Hotspots(
    const v1::HotspotsRequest& req) {
  ASSIGN_OR_RETURN(Dim dim, DimOfScope(req.scope(), "scope"));
  if (dim.kind == kDepartment || dim.kind == kReporter || dim.kind == kWorker) {
    return FieldError("scope.kind",
                      "Hotspots takes ALL, REGION, CATEGORY or SOURCE scopes");
  }
  ASSIGN_OR_RETURN(Period period, ParsePeriod(req.period(), "period"));
  if (req.by() == v1::HOTSPOT_DIMENSION_UNSPECIFIED ||
      !v1::HotspotDimension_IsValid(req.by())) {
    return FieldError("by", "must be set to a HotspotDimension value");
  }
  if (req.top_n() < 0 || req.top_n() > kMaxTopN) {
    return FieldError("top_n", absl::StrCat("must be 0 (default ", kDefaultTopN,
                                            ") to ", kMaxTopN));
  }
  int top_n = req.top_n() == 0 ? kDefaultTopN : req.top_n();
  RETURN_IF_ERROR(ScopeName(directory_, dim, "scope.code").status());
  // Cells are kept per town: a town, community or grid scope reads one town.
  std::vector<std::string> towns;
  if (dim.kind == kTown || dim.kind == kCommunity || dim.kind == kGrid) {
    towns.push_back(dim.value.substr(0, 9));
  } else {
    ASSIGN_OR_RETURN(std::vector<Entity> all, directory_->Entities(kTown));
    for (const Entity& town : all) {
      if (dim.kind != kCity || absl::StartsWith(town.key, dim.value)) {
        towns.push_back(town.key);
      }
    }
  }
  ASSIGN_OR_RETURN(std::vector<HotspotCell> cells,
                   aggregates_->Hotspots(BucketsOf(period), towns));
  bool by_grid = req.by() == v1::HOTSPOT_DIMENSION_GRID;
  std::map<std::string, v1::Hotspot> groups;
  for (const HotspotCell& cell : cells) {
    if (!InScope(dim, cell)) continue;
    const std::string& key = by_grid ? cell.grid : cell.category;
    v1::Hotspot& h = groups[key];
    h.set_key(key);
    h.set_reports(h.reports() + cell.reports);
    h.set_open(h.open() + cell.open);
    h.set_overdue(h.overdue() + cell.red);
  }
  std::vector<v1::Hotspot> sorted;
  for (auto& [key, h] : groups) {
    if (h.reports() > 0 || h.open() > 0) sorted.push_back(std::move(h));
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const v1::Hotspot& a, const v1::Hotspot& b) {
              if (a.reports() != b.reports()) return a.reports() > b.reports();
              return a.key() < b.key();
            });
  v1::HotspotsResponse out;
  for (size_t i = 0; i < sorted.size() && static_cast<int>(i) < top_n; ++i) {
    absl::StatusOr<std::string> name =
        directory_->NameOf(by_grid ? kGrid : kCategory, sorted[i].key());
    sorted[i].set_name(name.ok() ? *name : sorted[i].key());
    *out.add_hotspots() = std::move(sorted[i]);
  }
  *out.mutable_computed_at() = ToTimestamp(clock_->Now());
  return out;
}

}  // namespace gridcase::stats
