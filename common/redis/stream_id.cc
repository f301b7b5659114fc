#include "common/redis/stream_id.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gridcase::redis {

std::optional<StreamId> StreamId::Parse(absl::string_view text) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('-', 1));
  StreamId id;
  if (parts.first.empty() || parts.second.empty() ||
      !absl::SimpleAtoi(parts.first, &id.ms) ||
      !absl::SimpleAtoi(parts.second, &id.seq) ||
      parts.second.find('-') != absl::string_view::npos) {
    return std::nullopt;
  }
  return id;
}

std::string StreamId::ToString() const { return absl::StrCat(ms, "-", seq); }

bool StreamIdLess(absl::string_view a, absl::string_view b) {
  return StreamId::Parse(a).value_or(StreamId{}) <
         StreamId::Parse(b).value_or(StreamId{});
}

}  // namespace gridcase::redis
