// StreamId: a Redis stream entry id "<ms>-<seq>", parsed so that ids compare
// the way Redis orders them (as a pair of numbers, not as text: "9-0" comes
// before "10-0").
#ifndef GRIDCASE_COMMON_REDIS_STREAM_ID_H_
#define GRIDCASE_COMMON_REDIS_STREAM_ID_H_

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "absl/strings/string_view.h"

namespace gridcase::redis {

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;

  // "1719712800000-3"; nullopt for anything else (also "1719712800000").
  static std::optional<StreamId> Parse(absl::string_view text);
  std::string ToString() const;

  friend bool operator<(const StreamId& a, const StreamId& b) {
    return std::tie(a.ms, a.seq) < std::tie(b.ms, b.seq);
  }
  friend bool operator==(const StreamId& a, const StreamId& b) {
    return a.ms == b.ms && a.seq == b.seq;
  }
};

// a < b as stream ids; a malformed id counts as "0-0".
bool StreamIdLess(absl::string_view a, absl::string_view b);

}  // namespace gridcase::redis

#endif  // GRIDCASE_COMMON_REDIS_STREAM_ID_H_
