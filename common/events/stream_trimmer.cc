#include "common/events/stream_trimmer.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/store/keys.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"

namespace gridcase::events {
namespace {

using redis::Reply;
using redis::StreamId;

// The entry right after `id`.
StreamId Next(StreamId id) {
  if (id.seq == std::numeric_limits<uint64_t>::max()) return {id.ms + 1, 0};
  return {id.ms, id.seq + 1};
}

absl::Status Malformed(absl::string_view what, const Reply& reply) {
  return absl::InternalError(absl::StrCat("stream trim: unexpected ", what,
                                          ": ", reply.DebugString()));
}

// One group of an XINFO GROUPS reply (a flat field/value array), and its
// pending count.
absl::StatusOr<std::pair<GroupPosition, int64_t>> ParseGroup(
    const Reply& reply) {
  const std::vector<Reply>& f = reply.elements();
  if (reply.type() != Reply::Type::kArray || f.size() % 2 != 0) {
    return Malformed("XINFO GROUPS entry", reply);
  }
  GroupPosition group;
  int64_t pending = -1;
  bool have_last = false;
  for (size_t i = 0; i + 1 < f.size(); i += 2) {
    const std::string& field = f[i].str();
    if (field == "name") {
      group.name = f[i + 1].str();
    } else if (field == "pending") {
      pending = f[i + 1].integer();
    } else if (field == "last-delivered-id") {
      std::optional<StreamId> id = StreamId::Parse(f[i + 1].str());
      if (!id) return Malformed("last-delivered-id", reply);
      group.last_delivered = *id;
      have_last = true;
    }
  }
  if (group.name.empty() || pending < 0 || !have_last) {
    return Malformed("XINFO GROUPS entry", reply);
  }
  return std::make_pair(std::move(group), pending);
}

// Redis' clock (TIME) in milliseconds: stream ids are made from it.
absl::StatusOr<uint64_t> TimeMs(const Reply& reply) {
  uint64_t seconds = 0, micros = 0;
  if (reply.elements().size() != 2 ||
      !absl::SimpleAtoi(reply.elements()[0].str(), &seconds) ||
      !absl::SimpleAtoi(reply.elements()[1].str(), &micros)) {
    return Malformed("TIME reply", reply);
  }
  return seconds * 1000 + micros / 1000;
}

// Trims one stream; the entries removed, or nullopt when a required group
// is missing.
absl::StatusOr<std::optional<int64_t>> TrimOne(redis::RedisClient& redis,
                                               const std::string& key,
                                               const TrimOptions& options) {
  ASSIGN_OR_RETURN(std::vector<Reply> replies,
                   redis.Pipeline({{"XINFO", "GROUPS", key}, {"TIME"}}));
  if (replies[0].is_error()) {
    // No stream yet: nothing to trim.
    if (replies[0].str().find("no such key") != std::string::npos) {
      return std::optional<int64_t>(0);
    }
    return replies[0].ToStatus();
  }
  ASSIGN_OR_RETURN(uint64_t now_ms, TimeMs(replies[1]));
  std::vector<GroupPosition> groups;
  for (const Reply& entry : replies[0].elements()) {
    ASSIGN_OR_RETURN(auto parsed, ParseGroup(entry));
    auto& [group, pending] = parsed;
    bool required = std::find(options.groups.begin(), options.groups.end(),
                              group.name) != options.groups.end();
    if (required && pending > 0) {
      // Summary form: count, smallest id, greatest id, consumers.
      ASSIGN_OR_RETURN(Reply summary,
                       redis.Command({"XPENDING", key, group.name}));
      if (summary.elements().size() < 2) {
        return Malformed("XPENDING summary", summary);
      }
      // Acknowledged meanwhile: nil, and last_delivered bounds it.
      if (!summary.elements()[1].is_nil()) {
        std::optional<StreamId> oldest =
            StreamId::Parse(summary.elements()[1].str());
        if (!oldest) return Malformed("XPENDING summary", summary);
        group.oldest_pending = *oldest;
      }
    }
    groups.push_back(std::move(group));
  }
  std::optional<StreamId> point =
      TrimPoint(groups, options.groups, now_ms, options.keep);
  if (!point) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(Reply removed,
                   redis.Command({"XTRIM", key, "MINID", point->ToString()}));
  ASSIGN_OR_RETURN(int64_t n, removed.AsInteger());
  return std::optional<int64_t>(n);
}

}  // namespace

std::optional<StreamId> TrimPoint(const std::vector<GroupPosition>& groups,
                                  const std::vector<std::string>& required,
                                  uint64_t now_ms, absl::Duration keep) {
  uint64_t keep_ms = static_cast<uint64_t>(
      std::max<int64_t>(0, absl::ToInt64Milliseconds(keep)));
  StreamId point{now_ms > keep_ms ? now_ms - keep_ms : 0, 0};
  for (const std::string& name : required) {
    auto it =
        std::find_if(groups.begin(), groups.end(),
                     [&](const GroupPosition& g) { return g.name == name; });
    if (it == groups.end()) return std::nullopt;
    StreamId needed =
        it->oldest_pending ? *it->oldest_pending : Next(it->last_delivered);
    point = std::min(point, needed);
  }
  return point;
}

absl::StatusOr<TrimResult> TrimStreams(redis::RedisClient& redis,
                                       const TrimOptions& options) {
  TrimResult result;
  for (int shard = 0; shard < options.shards; ++shard) {
    ASSIGN_OR_RETURN(std::optional<int64_t> removed,
                     TrimOne(redis, store::EventsKey(shard), options));
    if (removed) {
      result.removed += *removed;
    } else {
      ++result.missing_groups;
    }
  }
  return result;
}

StreamTrimLoop::StreamTrimLoop(redis::RedisClient* redis, TrimOptions options,
                               absl::Duration interval,
                               prometheus::Registry& metrics)
    : redis_(redis),
      options_(std::move(options)),
      interval_(interval),
      trimmed_(prometheus::BuildCounter()
                   .Name("gridcase_events_trimmed_total")
                   .Help("Event stream entries removed once every required "
                         "consumer group had acknowledged them")
                   .Register(metrics)
                   .Add({})),
      untrimmed_(prometheus::BuildGauge()
                     .Name("gridcase_events_untrimmed_streams")
                     .Help("Shard event streams left untrimmed at the last "
                           "pass because a required consumer group is "
                           "missing")
                     .Register(metrics)
                     .Add({})) {}

void StreamTrimLoop::Start() {
  loops_.Run([this] {
    while (loops_.Sleep(interval_)) {
      absl::StatusOr<TrimResult> result = TrimStreams(*redis_, options_);
      if (!result.ok()) {
        log::Warn("stream trim failed; will retry",
                  {{"error", std::string(result.status().message())}});
        continue;
      }
      trimmed_.Increment(static_cast<double>(result->removed));
      untrimmed_.Set(static_cast<double>(result->missing_groups));
    }
  });
}

}  // namespace gridcase::events
