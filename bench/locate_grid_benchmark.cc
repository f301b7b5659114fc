// Benchmark of GridIndex::Locate, the lookup behind RegistryService.LocateGrid
// (issue #3: median under 5 µs per lookup over 10,000 grids).
//
// The grids are a 100 × 100 lattice of small quadrilaterals (about 200 m
// across) around Tongxiang, 30.63 N 120.56 E. Lattice corners are shifted by
// a fixed pattern so the grids are irregular quadrilaterals sharing exact
// borders with their neighbours, and one grid in 101 has a square hole. The
// lookups are uniformly random points (fixed seed) over the lattice's area,
// so a few land in holes or just outside the jagged edge.
//
// Run (numbers for docs/benchmarks.md):
//   locate_grid_benchmark --benchmark_repetitions=5
//                         --benchmark_report_aggregates_only=true
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "boost/geometry.hpp"
#include "common/geo/geometry.h"
#include "common/geo/grid_index.h"

namespace gridcase::geo {
namespace {

constexpr int kRows = 100;
constexpr int kColumns = 100;
constexpr double kCenterLatitude = 30.63;
constexpr double kCenterLongitude = 120.56;
constexpr double kStep = 0.002;  // degrees, about 200 m
constexpr double kSouth = kCenterLatitude - kRows * kStep / 2;
constexpr double kWest = kCenterLongitude - kColumns * kStep / 2;
constexpr int kHoleEvery = 101;
constexpr std::uint64_t kSeed = 20260630;

// Lattice corner (row, column), shifted by up to 0.2 step in a fixed
// pattern; shared by the four grids around it.
Point Corner(int row, int column) {
  const double dx = 0.2 * kStep * std::sin(row * 1.3 + column * 0.7);
  const double dy = 0.2 * kStep * std::cos(row * 0.9 - column * 1.1);
  return Point(kWest + column * kStep + dx, kSouth + row * kStep + dy);
}

std::vector<GridShape> Lattice() {
  std::vector<GridShape> grids;
  grids.reserve(kRows * kColumns);
  for (int row = 0; row < kRows; ++row) {
    for (int column = 0; column < kColumns; ++column) {
      const int n = row * kColumns + column;
      Polygon polygon;
      polygon.outer() = {Corner(row, column), Corner(row, column + 1),
                         Corner(row + 1, column + 1), Corner(row + 1, column),
                         Corner(row, column)};
      if (n % kHoleEvery == 0) {
        const double x = kWest + (column + 0.4) * kStep;
        const double y = kSouth + (row + 0.4) * kStep;
        const double side = 0.2 * kStep;
        polygon.inners().push_back({Point(x, y), Point(x, y + side),
                                    Point(x + side, y + side),
                                    Point(x + side, y), Point(x, y)});
      }
      GridShape grid;
      // 330483 (Tongxiang) + town + community + grid, 10 towns of 10
      // communities of 100 grids.
      grid.code = absl::StrFormat("330483%03d%03d%03d", 1 + n / 1000,
                                  1 + n / 100 % 10, 1 + n % 100);
      grid.shape.push_back(std::move(polygon));
      bg::correct(grid.shape);
      grids.push_back(std::move(grid));
    }
  }
  return grids;
}

void BM_Locate(benchmark::State& state) {
  const GridIndex index(Lattice());
  if (index.size() != kRows * kColumns) {
    state.SkipWithError("lattice has the wrong number of grids");
    return;
  }
  std::mt19937_64 random(kSeed);
  std::uniform_real_distribution<double> latitude(kSouth,
                                                  kSouth + kRows * kStep);
  std::uniform_real_distribution<double> longitude(kWest,
                                                   kWest + kColumns * kStep);
  constexpr std::size_t kPoints = 1 << 16;
  std::vector<Point> points;
  points.reserve(kPoints);
  for (std::size_t i = 0; i < kPoints; ++i) {
    const double lat = latitude(random);
    points.emplace_back(longitude(random), lat);
  }

  std::size_t i = 0;
  std::int64_t found = 0;
  for (auto _ : state) {
    const Point& point = points[i++ & (kPoints - 1)];
    auto code = index.Locate(point.y(), point.x());
    found += code.has_value();
    benchmark::DoNotOptimize(code);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["found_ratio"] =
      static_cast<double>(found) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Locate);

void BM_BuildIndex(benchmark::State& state) {
  const std::vector<GridShape> lattice = Lattice();
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<GridShape> grids = lattice;
    state.ResumeTiming();
    GridIndex index(std::move(grids));
    benchmark::DoNotOptimize(index.size());
  }
  state.SetItemsProcessed(state.iterations() * kRows * kColumns);
}
BENCHMARK(BM_BuildIndex)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gridcase::geo

BENCHMARK_MAIN();
