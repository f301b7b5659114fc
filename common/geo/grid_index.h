// GridIndex: which grid contains a point, for RegistryService.LocateGrid.
//
// Built once from every grid's shape and then only read, so one index can be
// shared by any number of threads without locking; a new registry version
// builds a new index and swaps the pointer.
//
// Coordinates are cartesian degrees (x = longitude, y = latitude; see
// geometry.h). Lookup: a Boost.Geometry R-tree (R*, 16 entries a node, bulk
// loaded) over the bounding box of every polygon part finds the candidates,
// then bg::covered_by decides on the real shapes. A point on a grid's border
// or vertex is covered by that grid; a point strictly inside a hole is not.
// When several grids cover a point (a border shared by neighbours, or grids
// that overlap), the grid with the smallest code in string (byte) order wins,
// so every replica gives the same answer whatever the order of its input.
#ifndef GRIDCASE_COMMON_GEO_GRID_INDEX_H_
#define GRIDCASE_COMMON_GEO_GRID_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "boost/geometry/index/rtree.hpp"
#include "common/geo/geometry.h"

namespace gridcase::geo {

// One grid to index.
struct GridShape {
  // 15-digit grid code.
  std::string code;
  // Its valid shape (e.g. from ParseGeoJsonGeometry).
  MultiPolygon shape;
};

class GridIndex final {
 public:
  // Indexes `grids`, in any order. Codes should be unique; a repeated code
  // does no harm (both shapes answer with that code).
  explicit GridIndex(std::vector<GridShape> grids);

  GridIndex(GridIndex&&) = default;
  GridIndex& operator=(GridIndex&&) = default;
  GridIndex(const GridIndex&) = delete;
  GridIndex& operator=(const GridIndex&) = delete;

  // The code of the grid covering the point (smallest code if several), or
  // nullopt if the point is outside every grid or inside a hole not covered
  // by another grid. The caller checks the range; a non-finite coordinate
  // finds nothing.
  std::optional<std::string> Locate(double latitude, double longitude) const;

  // For the NOT_FOUND message of a point Locate did not find: the smallest
  // code of a grid that has the point strictly inside one of its holes, or
  // nullopt if the point is outside every grid's exterior ring.
  std::optional<std::string> HoleContaining(double latitude,
                                            double longitude) const;

  // Number of grids (not polygon parts).
  std::size_t size() const { return codes_.size(); }

 private:
  // Bounding box of a polygon part, and the part's index in parts_.
  using Entry = std::pair<Box, std::uint32_t>;
  using RTree = bg::index::rtree<Entry, bg::index::rstar<16>>;

  // Calls `visit(part_index)` for every part whose box covers `point`.
  template <typename Visit>
  void ForEachCandidate(const Point& point, Visit visit) const;

  // Grid codes, ascending: a grid's number is its rank, so the smallest
  // number wins ties.
  std::vector<std::string> codes_;
  // Polygon parts of all grids, and the grid number of each.
  std::vector<Polygon> parts_;
  std::vector<std::uint32_t> part_grid_;
  RTree rtree_;
};

}  // namespace gridcase::geo

#endif  // GRIDCASE_COMMON_GEO_GRID_INDEX_H_
