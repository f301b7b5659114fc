#include "common/geo/grid_index.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "boost/geometry.hpp"
#include "boost/iterator/function_output_iterator.hpp"

namespace gridcase::geo {
namespace {

constexpr std::uint32_t kNoGrid = std::numeric_limits<std::uint32_t>::max();

}  // namespace

GridIndex::GridIndex(std::vector<GridShape> grids) {
  std::sort(
      grids.begin(), grids.end(),
      [](const GridShape& a, const GridShape& b) { return a.code < b.code; });
  std::vector<Entry> entries;
  codes_.reserve(grids.size());
  for (GridShape& grid : grids) {
    const auto number = static_cast<std::uint32_t>(codes_.size());
    for (Polygon& part : grid.shape) {
      const auto part_index = static_cast<std::uint32_t>(parts_.size());
      entries.emplace_back(bg::return_envelope<Box>(part), part_index);
      parts_.push_back(std::move(part));
      part_grid_.push_back(number);
    }
    codes_.push_back(std::move(grid.code));
  }
  // The range constructor bulk-loads (packs) the tree.
  rtree_ = RTree(entries.begin(), entries.end());
}

template <typename Visit>
void GridIndex::ForEachCandidate(const Point& point, Visit visit) const {
  // query() with an output iterator, not qbegin(): the type-erased query
  // iterator allocates on every lookup.
  rtree_.query(bg::index::intersects(point),
               boost::make_function_output_iterator(
                   [&visit](const Entry& entry) { visit(entry.second); }));
}

std::optional<std::string> GridIndex::Locate(double latitude,
                                             double longitude) const {
  const Point point(longitude, latitude);
  std::uint32_t best = kNoGrid;
  ForEachCandidate(point, [&](std::uint32_t part) {
    const std::uint32_t grid = part_grid_[part];
    if (grid < best && bg::covered_by(point, parts_[part])) best = grid;
  });
  if (best == kNoGrid) return std::nullopt;
  return codes_[best];
}

std::optional<std::string> GridIndex::HoleContaining(double latitude,
                                                     double longitude) const {
  const Point point(longitude, latitude);
  std::uint32_t best = kNoGrid;
  ForEachCandidate(point, [&](std::uint32_t part) {
    const std::uint32_t grid = part_grid_[part];
    const Polygon& polygon = parts_[part];
    if (grid < best && bg::covered_by(point, polygon.outer()) &&
        !bg::covered_by(point, polygon)) {
      best = grid;
    }
  });
  if (best == kNoGrid) return std::nullopt;
  return codes_[best];
}

}  // namespace gridcase::geo
