// FindOrNotFound: a map's record under a key, or NOT_FOUND in the words the
// registry and stats use ("department 'x' not found").
#ifndef GRIDCASE_COMMON_STATUS_FIND_H_
#define GRIDCASE_COMMON_STATUS_FIND_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace gridcase {

template <typename Map>
absl::StatusOr<typename Map::mapped_type> FindOrNotFound(
    const Map& map, const std::string& key, absl::string_view what) {
  auto it = map.find(key);
  if (it == map.end()) {
    return absl::NotFoundError(absl::StrCat(what, " '", key, "' not found"));
  }
  return it->second;
}

}  // namespace gridcase

#endif  // GRIDCASE_COMMON_STATUS_FIND_H_
