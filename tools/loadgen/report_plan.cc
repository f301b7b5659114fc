#include "tools/loadgen/report_plan.h"

#include <utility>

#include "absl/types/span.h"
#include "tools/sim/category_mix.h"

namespace gridcase::loadgen {
namespace {

// gridcase-sim's ten most frequent categories (tools/sim/category_mix.h).
constexpr size_t kMixSize = 10;

absl::Span<const sim::CategoryMixEntry> Mix() {
  const std::vector<sim::CategoryMixEntry>& mix = sim::CategoryMix();
  return absl::MakeConstSpan(mix).subspan(0, kMixSize);
}

}  // namespace

std::vector<CategoryChoice> ChooseCategories(
    const std::map<std::string, std::map<std::string, std::string>>& enabled) {
  std::vector<CategoryChoice> out;
  for (const sim::CategoryMixEntry& m : Mix()) {
    auto it = enabled.find(m.code);
    if (it == enabled.end()) continue;
    out.push_back({m.code, m.weight, it->second,
                   std::vector<std::string>(m.texts.begin(), m.texts.end())});
  }
  if (out.empty()) {
    for (const auto& [code, required] : enabled) {
      out.push_back({code, 1, required, {"loadgen: a problem to look at"}});
    }
  }
  return out;
}

std::vector<CategoryChoice> ChooseChainCategories(
    const std::map<std::string, std::map<std::string, std::string>>& enabled) {
  std::vector<CategoryChoice> out;
  for (const auto& [code, required] : enabled) {
    bool in_mix = false;
    for (const sim::CategoryMixEntry& m : Mix())
      in_mix = in_mix || code == m.code;
    if (in_mix) continue;
    out.push_back({code, 1, required, {"loadgen: 巡查发现的问题，请处置"}});
  }
  return out.empty() ? ChooseCategories(enabled) : out;
}

ReportPlanner::ReportPlanner(const std::vector<GridShape>* grids,
                             std::vector<int> usable,
                             std::vector<CategoryChoice> categories,
                             double duplicate_share, uint64_t seed)
    : grids_(grids),
      usable_(std::move(usable)),
      categories_(std::move(categories)),
      duplicate_share_(duplicate_share),
      rng_(seed) {
  if (usable_.empty()) {
    for (size_t i = 0; i < grids_->size(); ++i) {
      usable_.push_back(static_cast<int>(i));
    }
  }
  std::vector<double> weights;
  for (const CategoryChoice& c : categories_) weights.push_back(c.weight);
  pick_category_ =
      std::discrete_distribution<int>(weights.begin(), weights.end());
}

PlannedReport ReportPlanner::Next() {
  absl::MutexLock lock(&mu_);
  std::uniform_real_distribution<double> unit(0, 1);
  if (!recent_.empty() && unit(rng_) < duplicate_share_) {
    PlannedReport d = recent_[std::uniform_int_distribution<size_t>(
        0, recent_.size() - 1)(rng_)];
    d.duplicate = true;
    // Within 10 m and in the same grid, so that it locates as the first.
    const GridShape& g = (*grids_)[d.grid];
    for (int attempt = 0; attempt < 20; ++attempt) {
      LatLng p = PointNear(d.at, kDuplicateRadiusM, rng_);
      if (Contains(g, p)) {
        d.at = p;
        break;
      }
    }
    return d;
  }
  PlannedReport r;
  const CategoryChoice& c = categories_[pick_category_(rng_)];
  r.category = c.code;
  r.attributes = c.required;
  r.description = c.texts[rng_() % c.texts.size()];
  r.grid = usable_[std::uniform_int_distribution<size_t>(
      0, usable_.size() - 1)(rng_)];
  r.at = SamplePointIn((*grids_)[r.grid], rng_);
  recent_.push_back(r);
  if (static_cast<int>(recent_.size()) > kRecent) recent_.pop_front();
  return r;
}

}  // namespace gridcase::loadgen
