#include "tools/sim/plan.h"

#include <cmath>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::sim {
namespace {

// Three towns of four grids each; the last grid of town 3 has no manager.
World SmallWorld() {
  World w;
  w.towns = {{"330483101", "濮院镇"},
             {"330483102", "乌镇镇"},
             {"330483103", "崇福镇"}};
  for (int t = 0; t < 3; ++t) {
    for (int g = 0; g < 4; ++g) {
      Grid grid;
      grid.code = absl::StrCat(w.towns[t].code, "00100", g);
      grid.town = w.towns[t].code;
      grid.lat = 30.6 + 0.01 * t;
      grid.lng = 120.5 + 0.01 * g;
      grid.manager = (t == 2 && g == 3) ? "" : absl::StrCat("m-", t, g);
      w.grids.push_back(grid);
    }
  }
  for (const char* code : {"E0101", "E0402", "C0103", "E0404"}) {
    w.categories[code] = {code, code, {}};
  }
  return w;
}

std::vector<Report> Plan(int reports, uint64_t seed = 1) {
  PlanOptions o;
  o.reports = reports;
  o.window = absl::Seconds(60);
  o.seed = seed;
  return PlanDay(SmallWorld(), o);
}

TEST(PlanDay, EvenASmallPlanTakesEveryPath) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<Report> plan = Plan(6, seed);
    ASSERT_EQ(plan.size(), 6u);
    std::set<Fate> fates;
    for (const Report& r : plan) fates.insert(r.fate);
    EXPECT_THAT(fates, testing::IsSupersetOf({Fate::kLate, Fate::kRework,
                                              Fate::kReturn, Fate::kExtend,
                                              Fate::kVoid, Fate::kDuplicate}))
        << "seed " << seed;
    for (const Report& r : plan) {
      if (r.fate != Fate::kDuplicate) {
        EXPECT_LE(r.at, absl::Seconds(18));
      }
    }
  }
}

TEST(PlanDay, IsInTimeOrderWithinTheWindowAndRepeatable) {
  std::vector<Report> a = Plan(500, 7);
  std::vector<Report> b = Plan(500, 7);
  std::vector<Report> c = Plan(500, 8);
  ASSERT_EQ(a.size(), 500u);
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(a[i - 1].at, a[i].at);
    }
    EXPECT_GE(a[i].at, absl::ZeroDuration());
    EXPECT_LT(a[i].at, absl::Seconds(60));
    EXPECT_EQ(a[i].at, b[i].at);
    EXPECT_EQ(a[i].category, b[i].category);
    EXPECT_EQ(a[i].fate, b[i].fate);
    differ += a[i].category != c[i].category || a[i].grid != c[i].grid;
  }
  EXPECT_GT(differ, 100) << "another seed gives another day";
}

TEST(PlanDay, DuplicatesRepeatAnEarlierReportNearbyFromACitizen) {
  std::vector<Report> plan = Plan(2000);
  int duplicates = 0;
  for (size_t i = 0; i < plan.size(); ++i) {
    const Report& r = plan[i];
    if (r.fate != Fate::kDuplicate) {
      if (r.fate != Fate::kMisfiled) {
        EXPECT_EQ(r.duplicate_of, -1);
      }
      continue;
    }
    ++duplicates;
    ASSERT_GE(r.duplicate_of, 0);
    ASSERT_LT(static_cast<size_t>(r.duplicate_of), i);
    const Report& of = plan[r.duplicate_of];
    EXPECT_NE(of.fate, Fate::kDuplicate);
    EXPECT_EQ(r.category, of.category);
    EXPECT_EQ(r.grid, of.grid);
    EXPECT_LE(std::abs(r.lat - of.lat), 0.00006 + 1e-12);  // under 10 m
    EXPECT_LE(std::abs(r.lng - of.lng), 0.00006 + 1e-12);
    EXPECT_GE(r.at - of.at, absl::Seconds(1));
    EXPECT_LE(r.at - of.at, absl::Seconds(4));
    EXPECT_TRUE(r.source == v1::SOURCE_WECHAT ||
                r.source == v1::SOURCE_CITIZEN_APP);
  }
  // About 8% of the originals bring a second report.
  EXPECT_GT(duplicates, 100);
  EXPECT_LT(duplicates, 220);
}

TEST(PlanDay, MisfiledReportsRepeatAnOpenProblemUnderAnotherCategory) {
  for (int reports : {7, 40, 2000}) {
    std::vector<Report> plan = Plan(reports);
    int misfiled = 0;
    for (size_t i = 0; i < plan.size(); ++i) {
      const Report& r = plan[i];
      if (r.fate != Fate::kMisfiled) continue;
      ++misfiled;
      ASSERT_GE(r.duplicate_of, 0);
      ASSERT_LT(static_cast<size_t>(r.duplicate_of), i);
      const Report& of = plan[r.duplicate_of];
      EXPECT_NE(r.category, of.category);
      EXPECT_NE(of.fate, Fate::kVoid);
      EXPECT_NE(of.fate, Fate::kDuplicate);
      EXPECT_EQ(r.grid, of.grid);
      EXPECT_LE(std::abs(r.lat - of.lat), 0.00006 + 1e-12);
      EXPECT_GE(r.at - of.at, absl::Seconds(2));
      EXPECT_TRUE(r.source == v1::SOURCE_WECHAT ||
                  r.source == v1::SOURCE_CITIZEN_APP);
    }
    // The first original after the early five that is not void brings
    // one, when the plan has room; then about 3% of the originals.
    if (reports == 2000) {
      EXPECT_GT(misfiled, 25);
      EXPECT_LT(misfiled, 100);
    } else if (reports == 40) {
      EXPECT_GE(misfiled, 1);
      EXPECT_LE(misfiled, 3);
    } else {
      EXPECT_EQ(misfiled, 0) << "no room in a plan of " << reports;
    }
  }
}

TEST(PlanDay, ReportersMatchTheirChannelAndTheMixIsRealistic) {
  World w = SmallWorld();
  std::vector<Report> plan = Plan(5000);
  std::map<v1::Source, int> sources;
  std::map<std::string, int> towns;
  std::map<std::string, int> categories;
  for (const Report& r : plan) {
    const Grid& g = w.grids[r.grid];
    if (r.fate != Fate::kDuplicate) ++sources[r.source];
    ++towns[g.town];
    ++categories[r.category];
    EXPECT_TRUE(w.categories.count(r.category)) << r.category;
    EXPECT_LE(std::abs(r.lat - g.lat), 0.0009 + 0.00006 + 1e-12);
    EXPECT_LE(std::abs(r.lng - g.lng), 0.001 + 0.00006 + 1e-12);
    EXPECT_FALSE(r.description.empty());
    switch (r.source) {
      case v1::SOURCE_GRID_PATROL:
        EXPECT_EQ(r.reporter, g.manager);
        EXPECT_FALSE(g.manager.empty());
        EXPECT_NE(r.fate, Fate::kVoid) << "patrol reports are trusted";
        break;
      case v1::SOURCE_WECHAT:
        EXPECT_THAT(r.reporter, testing::StartsWith("wx-"));
        break;
      case v1::SOURCE_CITIZEN_APP:
        EXPECT_THAT(r.reporter, testing::StartsWith("app-"));
        break;
      default:
        EXPECT_EQ(r.reporter, "m-0002");
    }
  }
  int originals = 0;
  for (const auto& [s, n] : sources) originals += n;
  // 55% patrol, less the manager-less grid's share and the void re-routes.
  EXPECT_NEAR(1.0 * sources[v1::SOURCE_GRID_PATROL] / originals, 0.52, 0.04);
  EXPECT_NEAR(1.0 * sources[v1::SOURCE_HOTLINE] / originals, 0.12, 0.02);
  // Puyuan's share is about 2.5 towns' worth.
  EXPECT_GT(towns["330483101"], towns["330483102"] * 3 / 2);
  EXPECT_GT(towns["330483101"], towns["330483103"] * 3 / 2);
  // 暴露垃圾 (weight 14) leads the four categories this world knows.
  EXPECT_GT(categories["E0101"], categories["E0404"]);
  EXPECT_GT(categories["E0101"], categories["C0103"]);
}

TEST(PlanDay, RareFatesKeepTheirOdds) {
  std::vector<Report> plan = Plan(5000);
  std::map<Fate, int> fates;
  for (const Report& r : plan) ++fates[r.fate];
  const int n = static_cast<int>(plan.size()) - fates[Fate::kDuplicate] -
                fates[Fate::kMisfiled];
  EXPECT_NEAR(1.0 * fates[Fate::kLate] / n, 0.05, 0.015);
  EXPECT_NEAR(1.0 * fates[Fate::kRework] / n, 0.06, 0.015);
  EXPECT_NEAR(1.0 * fates[Fate::kReturn] / n, 0.05, 0.015);
  EXPECT_NEAR(1.0 * fates[Fate::kExtend] / n, 0.04, 0.015);
  EXPECT_GT(fates[Fate::kNormal], n * 7 / 10);
}

TEST(PlanDay, EmptyWorldOrNoReportsGivesNothing) {
  EXPECT_TRUE(Plan(0).empty());
  PlanOptions o;
  EXPECT_TRUE(PlanDay(World{}, o).empty());
}

TEST(Pace, DepartmentsDifferAndLateMeansPastTheDeadline) {
  std::set<std::string> labels;
  for (const char* d : {"sanitation", "law-enforcement", "municipal", "water",
                        "power", "gas", "telecom", "landscaping", "housing",
                        "traffic-police", "market", "planning"}) {
    Pace p = PaceOf(d);
    labels.insert(std::string(p.label));
    EXPECT_EQ(PaceOf(d).label, p.label) << "stable for " << d;
    EXPECT_LT(p.low, p.high);
    EXPECT_LT(p.high, 1.0) << "only slips and fates run late";
  }
  EXPECT_EQ(labels.size(), 3u);
  std::mt19937_64 rng(3);
  const Pace quick{0.15, 0.45, 0.0, "quick"};
  for (int i = 0; i < 1000; ++i) {
    EXPECT_GT(HandleShare(Fate::kLate, quick, rng), 1.0);
    double extend = HandleShare(Fate::kExtend, quick, rng);
    EXPECT_GT(extend, 1.0);
    EXPECT_LT(extend, 2.0) << "within the extension of one more limit";
    double normal = HandleShare(Fate::kNormal, quick, rng);
    EXPECT_GE(normal, 0.15);
    EXPECT_LE(normal, 0.45);
  }
  const Pace slow{0.5, 0.95, 0.12, "slow"};
  int late = 0;
  for (int i = 0; i < 2000; ++i)
    late += HandleShare(Fate::kNormal, slow, rng) > 1;
  EXPECT_NEAR(late / 2000.0, 0.12, 0.03);
}

TEST(StableHash, IsFnv1a) {
  EXPECT_EQ(StableHash(""), 14695981039346656037ull);
  EXPECT_EQ(StableHash("a"), 0xaf63dc4c8601ec8cull);
}

}  // namespace
}  // namespace gridcase::sim
