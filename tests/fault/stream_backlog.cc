#include "tests/fault/stream_backlog.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"

namespace gridcase::fault {
namespace {

// A flat [name, value, name, value, ...] reply (XINFO) as a map.
std::map<std::string, redis::Reply> Fields(const redis::Reply& reply) {
  std::map<std::string, redis::Reply> fields;
  const auto& e = reply.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) fields[e[i].str()] = e[i + 1];
  return fields;
}

}  // namespace

absl::StatusOr<StreamBacklog> ReadBacklog(
    redis::RedisClient* redis, int shards,
    const std::vector<std::string>& groups) {
  StreamBacklog b;
  for (int shard = 0; shard < shards; ++shard) {
    const std::string key = store::EventsKey(shard);
    ASSIGN_OR_RETURN(redis::Reply exists, redis->Command({"EXISTS", key}));
    if (exists.integer() == 0) continue;
    ASSIGN_OR_RETURN(redis::Reply stream,
                     redis->Command({"XINFO", "STREAM", key}));
    std::map<std::string, redis::Reply> s = Fields(stream);
    b.entries += s["length"].integer();
    const std::string last = s["last-generated-id"].str();
    ASSIGN_OR_RETURN(redis::Reply infos,
                     redis->Command({"XINFO", "GROUPS", key}));
    std::map<std::string, std::map<std::string, redis::Reply>> by_name;
    for (const redis::Reply& info : infos.elements()) {
      std::map<std::string, redis::Reply> g = Fields(info);
      by_name[g["name"].str()] = g;
    }
    for (const std::string& name : groups) {
      auto g = by_name.find(name);
      if (g == by_name.end()) {
        b.problems.push_back(absl::StrCat(key, ": no group ", name));
        continue;
      }
      int64_t pending = g->second["pending"].integer();
      b.pending += pending;
      if (g->second["last-delivered-id"].str() != last) ++b.undelivered;
    }
  }
  return b;
}

StreamBacklog AwaitDrained(redis::RedisClient* redis, int shards,
                           const std::vector<std::string>& groups,
                           absl::Duration quiet, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  StreamBacklog last;
  int64_t entries = -1;
  absl::Time since = absl::Now();
  while (absl::Now() < deadline) {
    absl::StatusOr<StreamBacklog> b = ReadBacklog(redis, shards, groups);
    if (b.ok()) {
      last = *b;
      if (!last.empty() || last.entries != entries) {
        entries = last.entries;
        since = absl::Now();
      } else if (absl::Now() - since >= quiet) {
        return last;
      }
    } else {
      last.problems = {std::string(b.status().message())};
    }
    absl::SleepFor(absl::Milliseconds(100));  // polling the consumers
  }
  return last;
}

}  // namespace gridcase::fault
