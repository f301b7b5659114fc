#include "tools/loadgen/report_plan.h"

#include <utility>

namespace gridcase::loadgen {
namespace {

struct MixEntry {
  const char* code;
  double weight;
  std::vector<std::string> texts;
};

// The ten most frequent categories of gridcase-sim's day (tools/sim/plan.cc),
// with what a reporter would write.
const std::vector<MixEntry>& Mix() {
  static const auto* mix = new std::vector<MixEntry>{
      {"E0101", 14, {"绿化带旁暴露垃圾，两天无人清理", "路边一堆生活垃圾"}},
      {"E0402", 10, {"流动摊贩占用人行道经营", "早市摊位占道"}},
      {"E0403", 8, {"服装店把货架摆到店外", "店家在门口加工作业"}},
      {"E0404", 8, {"机动车占用人行道停放", "车辆堵住小区消防通道"}},
      {"E0405", 7, {"电动车堵住盲道", "共享单车乱停一片"}},
      {"E0112", 7, {"垃圾桶满溢，周边散落", "垃圾箱满了没人清"}},
      {"E0201", 6, {"电线杆上贴满小广告", "墙面喷涂办证电话"}},
      {"E0103", 6, {"路面泥土和油污没有清扫", "道路上有大量落叶垃圾"}},
      {"E0406", 5, {"楼道口乱堆建材", "路边堆放杂物"}},
      {"C0109", 4, {"路灯不亮，晚上很黑", "连续三盏路灯熄灭"}},
  };
  return *mix;
}

}  // namespace

std::vector<CategoryChoice> ChooseCategories(
    const std::map<std::string, std::map<std::string, std::string>>& enabled) {
  std::vector<CategoryChoice> out;
  for (const MixEntry& m : Mix()) {
    auto it = enabled.find(m.code);
    if (it == enabled.end()) continue;
    out.push_back({m.code, m.weight, it->second, m.texts});
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
    for (const MixEntry& m : Mix()) in_mix = in_mix || code == m.code;
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
