// MakeRoom: the eviction rule of gridcase's small bounded caches (the
// verified-token cache, the stats query cache). When a cache holds
// `capacity` entries or more, its expired entries are dropped, and if none
// were, all of them: simple and bounded, at the price of refilling after a
// burst of distinct keys (not LRU).
#ifndef GRIDCASE_COMMON_CACHE_MAKE_ROOM_H_
#define GRIDCASE_COMMON_CACHE_MAKE_ROOM_H_

#include <cstddef>

#include "absl/container/flat_hash_map.h"

namespace gridcase::cache {

// `expired(value)` is true for an entry that may go. Call with the cache's
// lock held, before inserting a key that is not there yet.
template <typename Key, typename Value, typename Expired>
void MakeRoom(absl::flat_hash_map<Key, Value>& entries, size_t capacity,
              Expired expired) {
  if (entries.size() < capacity) return;
  absl::erase_if(
      entries, [&expired](const auto& entry) { return expired(entry.second); });
  if (entries.size() >= capacity) entries.clear();
}

}  // namespace gridcase::cache

#endif  // GRIDCASE_COMMON_CACHE_MAKE_ROOM_H_
