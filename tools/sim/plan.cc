#include "tools/sim/plan.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/sim/category_mix.h"

namespace gridcase::sim {
namespace {

struct SourceShare {
  v1::Source source;
  double share;
};
constexpr SourceShare kSources[] = {
    {v1::SOURCE_GRID_PATROL, 0.55}, {v1::SOURCE_WECHAT, 0.15},
    {v1::SOURCE_CITIZEN_APP, 0.10}, {v1::SOURCE_HOTLINE, 0.12},
    {v1::SOURCE_VIDEO, 0.08},
};

// Fates of the first reports, so that even a short plan shows every path.
constexpr Fate kFirstFates[] = {Fate::kReturn, Fate::kRework, Fate::kExtend,
                                Fate::kLate, Fate::kVoid};

double Uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

bool IsCitizen(v1::Source s) {
  return s == v1::SOURCE_WECHAT || s == v1::SOURCE_CITIZEN_APP;
}

std::string CitizenId(v1::Source s, std::mt19937_64& rng) {
  return absl::StrFormat("%s-%08x", s == v1::SOURCE_WECHAT ? "wx" : "app",
                         static_cast<uint32_t>(rng()));
}

class Planner {
 public:
  Planner(const World& w, const PlanOptions& o) : w_(w), o_(o), rng_(o.seed) {
    for (const CategoryMixEntry& m : CategoryMix()) {
      if (w.categories.count(m.code)) {
        mix_.push_back(&m);
        mix_weights_.push_back(m.weight);
      }
    }
    if (mix_.empty()) {  // a registry without the usual categories
      for (const auto& [code, c] : w.categories) fallback_.push_back(code);
    }
    for (size_t i = 0; i < w.grids.size(); ++i) {
      grids_of_[w.grids[i].town].push_back(static_cast<int>(i));
    }
    for (const Town& t : w.towns) {
      if (grids_of_[t.code].empty()) continue;
      towns_.push_back(t.code);
      // Puyuan reports hundreds a day (the seed); the others vary around
      // one share each.
      bool puyuan = t.name.find("濮院") != std::string::npos;
      town_weights_.push_back((puyuan ? 2.5 : 1.0) * Uniform(rng_, 0.7, 1.3));
    }
  }

  std::vector<Report> Plan() {
    std::vector<Report> out;
    int originals = 0;
    const int n = std::max(0, o_.reports);
    while (static_cast<int>(out.size()) < n && !towns_.empty()) {
      bool early = originals < static_cast<int>(std::size(kFirstFates));
      Report r = Original(early);
      r.fate = early ? kFirstFates[originals] : RollFate(r.source);
      if (r.fate == Fate::kVoid && !IsCitizen(r.source)) {
        r.source = v1::SOURCE_WECHAT;  // the centre voids unchecked reports
        r.reporter = CitizenId(r.source, rng_);
      }
      out.push_back(r);
      ++originals;
      const int index = static_cast<int>(out.size()) - 1;
      if (static_cast<int>(out.size()) < n &&
          (originals == 1 || (!early && Uniform(rng_, 0, 1) < 0.08))) {
        out.push_back(Duplicate(r, index));
      }
      if (static_cast<int>(out.size()) < n && !early && r.fate != Fate::kVoid &&
          (!misfiled_ || Uniform(rng_, 0, 1) < 0.03)) {
        std::optional<Report> m = Misfiled(r, index);
        if (m.has_value()) out.push_back(*std::move(m));
        misfiled_ = true;
      }
    }
    return InTimeOrder(std::move(out));
  }

 private:
  Report Original(bool early) {
    Report r;
    double end = absl::ToDoubleSeconds(o_.window) * (early ? 0.3 : 0.9);
    r.at = absl::Seconds(Uniform(rng_, 0, std::max(end, 0.001)));
    std::discrete_distribution<int> town(town_weights_.begin(),
                                         town_weights_.end());
    const std::vector<int>& grids = grids_of_[towns_[town(rng_)]];
    r.grid =
        grids[std::uniform_int_distribution<size_t>(0, grids.size() - 1)(rng_)];
    const Grid& g = w_.grids[r.grid];
    // Within about 100 m of the centre of a grid about 400 m across.
    r.lat = g.lat + Uniform(rng_, -0.0009, 0.0009);
    r.lng = g.lng + Uniform(rng_, -0.001, 0.001);
    if (!mix_.empty()) {
      std::discrete_distribution<int> pick(mix_weights_.begin(),
                                           mix_weights_.end());
      const CategoryMixEntry& m = *mix_[pick(rng_)];
      r.category = m.code;
      r.description = m.texts[rng_() % m.texts.size()];
    } else {
      r.category = fallback_[rng_() % fallback_.size()];
      r.description = "模拟上报的问题";
    }
    double roll = Uniform(rng_, 0, 1);
    r.source = v1::SOURCE_GRID_PATROL;
    for (const SourceShare& s : kSources) {
      if (roll < s.share) {
        r.source = s.source;
        break;
      }
      roll -= s.share;
    }
    if (r.source == v1::SOURCE_GRID_PATROL && g.manager.empty()) {
      r.source = v1::SOURCE_WECHAT;
    }
    if (r.source == v1::SOURCE_GRID_PATROL) {
      r.reporter = g.manager;
    } else if (IsCitizen(r.source)) {
      r.reporter = CitizenId(r.source, rng_);
    } else {
      r.reporter = o_.operator_id;
    }
    return r;
  }

  Fate RollFate(v1::Source source) {
    double roll = Uniform(rng_, 0, 1);
    const std::pair<Fate, double> odds[] = {
        {Fate::kLate, 0.05},
        {Fate::kRework, 0.06},
        {Fate::kReturn, 0.05},
        {Fate::kExtend, 0.04},
        {Fate::kVoid, IsCitizen(source) ? 0.08 : 0.0},
    };
    for (const auto& [fate, p] : odds) {
      if (roll < p) return fate;
      roll -= p;
    }
    return Fate::kNormal;
  }

  // A citizen's report of the same problem as report `index` a few metres
  // away, `low_s` to `high_s` seconds later.
  Report Again(const Report& of, int index, Fate fate, double low_s,
               double high_s, absl::string_view prefix) {
    Report d = of;
    d.at = of.at + absl::Seconds(Uniform(rng_, low_s, high_s));
    d.lat += Uniform(rng_, -0.00006, 0.00006);
    d.lng += Uniform(rng_, -0.00006, 0.00006);
    d.source = rng_() % 2 ? v1::SOURCE_WECHAT : v1::SOURCE_CITIZEN_APP;
    d.reporter = CitizenId(d.source, rng_);
    d.fate = fate;
    d.duplicate_of = index;
    d.description = absl::StrCat(prefix, of.description);
    return d;
  }

  // The same problem, seconds later: intake merges it.
  Report Duplicate(const Report& of, int index) {
    return Again(of, index, Fate::kDuplicate, 1, 4, "又看到了：");
  }

  // The same problem under another category, a little later; none when the
  // world knows one category only.
  std::optional<Report> Misfiled(const Report& of, int index) {
    std::vector<const CategoryMixEntry*> others;
    for (const CategoryMixEntry* m : mix_) {
      if (m->code != of.category) others.push_back(m);
    }
    if (others.empty()) return std::nullopt;
    const CategoryMixEntry& m = *others[rng_() % others.size()];
    Report d = Again(of, index, Fate::kMisfiled, 2, 6, "这里也有问题：");
    d.category = m.code;
    return d;
  }

  static std::vector<Report> InTimeOrder(std::vector<Report> in) {
    std::vector<int> order(in.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return in[a].at < in[b].at; });
    std::vector<int> position(in.size());
    for (size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
    std::vector<Report> out;
    out.reserve(in.size());
    for (int i : order) {
      out.push_back(std::move(in[i]));
      if (out.back().duplicate_of >= 0) {
        out.back().duplicate_of = position[out.back().duplicate_of];
      }
    }
    return out;
  }

  const World& w_;
  const PlanOptions& o_;
  std::mt19937_64 rng_;
  std::vector<const CategoryMixEntry*> mix_;
  std::vector<double> mix_weights_;
  std::vector<std::string> fallback_;
  std::map<std::string, std::vector<int>> grids_of_;
  std::vector<std::string> towns_;
  std::vector<double> town_weights_;
  bool misfiled_ = false;  // the first misfiled report was planned
};

}  // namespace

std::vector<Report> PlanDay(const World& world, const PlanOptions& options) {
  return Planner(world, options).Plan();
}

uint64_t StableHash(absl::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

Pace PaceOf(absl::string_view department) {
  switch (StableHash(department) % 4) {
    case 0:
      return {0.15, 0.45, 0.0, "quick"};
    case 3:
      return {0.5, 0.95, 0.12, "slow"};
    default:
      return {0.3, 0.75, 0.02, "steady"};
  }
}

double HandleShare(Fate fate, const Pace& pace, std::mt19937_64& rng) {
  switch (fate) {
    case Fate::kLate:
      return Uniform(rng, 1.15, 1.5);
    case Fate::kExtend:  // past the first deadline, within the extension
      return Uniform(rng, 1.15, 1.4);
    default:
      if (Uniform(rng, 0, 1) < pace.slip) return Uniform(rng, 1.1, 1.35);
      return Uniform(rng, pace.low, pace.high);
  }
}

v1::Satisfaction RatingOf(absl::string_view town, Fate fate,
                          std::mt19937_64& rng) {
  double unsatisfied = 0.08;
  if (fate == Fate::kLate || fate == Fate::kRework) unsatisfied += 0.25;
  if (StableHash(town) % 4 == 3) unsatisfied += 0.10;  // the slow towns
  double u = Uniform(rng, 0, 1);
  if (u < unsatisfied) return v1::SATISFACTION_UNSATISFIED;
  if (u < unsatisfied + 0.25) return v1::SATISFACTION_BASICALLY_SATISFIED;
  return v1::SATISFACTION_SATISFIED;
}

double VerifyShare(absl::string_view town, std::mt19937_64& rng) {
  if (StableHash(town) % 4 == 3) return Uniform(rng, 0.3, 1.1);
  return Uniform(rng, 0.1, 0.5);
}

}  // namespace gridcase::sim
