#include "common/redis/stream_read.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gridcase::redis {

std::vector<std::string> StreamReadCommand(const StreamRead& read,
                                           absl::Span<const size_t> streams,
                                           absl::Duration block) {
  std::vector<std::string> args;
  if (read.group.empty()) {
    args = {"XREAD"};
  } else {
    args = {"XREADGROUP", "GROUP", read.group, read.consumer};
  }
  if (read.count > 0) {
    args.insert(args.end(), {"COUNT", absl::StrCat(read.count)});
  }
  if (block > absl::ZeroDuration()) {
    // BLOCK 0 would wait forever: wait at least 1 ms.
    int64_t ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(block));
    args.insert(args.end(), {"BLOCK", absl::StrCat(ms)});
  }
  args.push_back("STREAMS");
  for (size_t i : streams) args.push_back(read.streams[i].first);
  for (size_t i : streams) args.push_back(read.streams[i].second);
  return args;
}

}  // namespace gridcase::redis
