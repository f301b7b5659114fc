#include "common/events/event_source.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"

namespace gridcase::events {
namespace {

// Entries of one stream from an XREADGROUP / XAUTOCLAIM entry array; an
// entry deleted while pending (nil fields) is skipped.
void ParseEntries(int shard, const redis::Reply& entries,
                  std::vector<StreamEntry>* out) {
  for (const redis::Reply& element : entries.elements()) {
    absl::StatusOr<StreamEntry> e = store::DecodeStreamEntry(shard, element);
    if (e.ok()) out->push_back(*std::move(e));
  }
}

constexpr size_t kMaxErrorBytes = 1024;

}  // namespace

absl::Status RedisEventSource::EnsureGroups() {
  for (int shard = 0; shard < shards_; ++shard) {
    absl::StatusOr<redis::Reply> r = redis_->Command(
        {"XGROUP", "CREATE", store::EventsKey(shard), group_, "0", "MKSTREAM"});
    if (!r.ok() && !absl::StrContains(r.status().message(), "BUSYGROUP")) {
      return r.status();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StreamEntry>> RedisEventSource::Read(
    const std::string& consumer, int count, absl::Duration block) {
  // One XREADGROUP over every shard on one Redis; per master on a cluster
  // (RedisClient::ReadStreams).
  redis::StreamRead read{
      .group = group_, .consumer = consumer, .count = count, .block = block};
  for (int shard = 0; shard < shards_; ++shard) {
    read.streams.emplace_back(store::EventsKey(shard), ">");
  }
  ASSIGN_OR_RETURN(redis::Reply reply, redis_->ReadStreams(read));
  std::vector<StreamEntry> out;
  for (const redis::Reply& stream : reply.elements()) {
    const auto& kv = stream.elements();
    if (kv.size() != 2) continue;
    // A key we asked for; a mismatch cannot happen.
    ParseEntries(store::ShardOfEventsKey(kv[0].str()).value_or(0), kv[1], &out);
  }
  return out;
}

absl::StatusOr<std::vector<StreamEntry>> RedisEventSource::Claim(
    const std::string& consumer, absl::Duration min_idle, int count) {
  std::vector<StreamEntry> out;
  for (int shard = 0; shard < shards_; ++shard) {
    ASSIGN_OR_RETURN(
        redis::Reply reply,
        redis_->Command({"XAUTOCLAIM", store::EventsKey(shard), group_,
                         consumer,
                         absl::StrCat(absl::ToInt64Milliseconds(min_idle)),
                         "0-0", "COUNT", absl::StrCat(count)}));
    if (reply.elements().size() >= 2) {
      ParseEntries(shard, reply.elements()[1], &out);
    }
  }
  if (out.empty()) return out;
  // XAUTOCLAIM counted the delivery; XPENDING tells the count.
  std::vector<redis::Args> counts;
  for (const StreamEntry& e : out) {
    counts.push_back(
        {"XPENDING", store::EventsKey(e.shard), group_, e.id, e.id, "1"});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis_->Pipeline(counts));
  for (size_t i = 0; i < out.size(); ++i) {
    RETURN_IF_ERROR(replies[i].ToStatus());
    const auto& rows = replies[i].elements();
    // [[id, consumer, idle ms, deliveries]]; none if acked meanwhile.
    if (rows.size() == 1 && rows[0].elements().size() == 4) {
      out[i].deliveries = rows[0].elements()[3].integer();
    }
  }
  return out;
}

absl::Status RedisEventSource::Ack(const StreamEntry& e) {
  return redis_->Command({"XACK", store::EventsKey(e.shard), group_, e.id})
      .status();
}

absl::Status RedisEventSource::Ack(const std::vector<StreamEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  std::vector<redis::Args> commands;
  for (const StreamEntry& e : entries) {
    commands.push_back({"XACK", store::EventsKey(e.shard), group_, e.id});
  }
  return redis_->Pipeline(commands).status();
}

absl::StatusOr<bool> RedisEventSource::DeadLetter(const std::string& consumer,
                                                  const StreamEntry& e,
                                                  const absl::Status& error) {
  std::string message(error.message().substr(0, kMaxErrorBytes));
  std::vector<std::string> fields = store::StreamFields(e);
  ASSIGN_OR_RETURN(redis::Reply r,
                   store::ScriptCall(store::scripts::EventsDeadLetter())
                       .Key("events", store::EventsKey(e.shard))
                       .Key("dead", store::DeadEventsKey(e.shard))
                       .Arg("group", group_)
                       .Arg("entry", e.id)
                       .Arg("consumer", consumer)
                       .Int("deliveries", e.deliveries)
                       .Arg("code", absl::StatusCodeToString(error.code()))
                       .Arg("error", message)
                       .Int("maxlen", kDeadLetterMaxLen)
                       .Args("fields", std::move(fields))
                       .Run(*redis_));
  return r.integer() == 1;
}

absl::Status RedisEventSource::SetDeliveries(const std::string& consumer,
                                             const StreamEntry& e,
                                             int64_t deliveries) {
  return store::ScriptCall(store::scripts::EventsSetDeliveries())
      .Key("events", store::EventsKey(e.shard))
      .Arg("group", group_)
      .Arg("entry", e.id)
      .Arg("consumer", consumer)
      .Int("deliveries", deliveries)
      .Run(*redis_)
      .status();
}

absl::StatusOr<std::pair<int64_t, int64_t>> RedisEventSource::Backlog() {
  std::vector<redis::Args> commands;
  for (int shard = 0; shard < shards_; ++shard) {
    commands.push_back({"XINFO", "GROUPS", store::EventsKey(shard)});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  int64_t lag = 0;
  int64_t pending = 0;
  for (const redis::Reply& reply : replies) {
    if (reply.is_error()) continue;  // no stream yet
    for (const redis::Reply& group : reply.elements()) {
      const auto& f = group.elements();
      bool ours = false;
      int64_t g_lag = 0;
      int64_t g_pending = 0;
      for (size_t i = 0; i + 1 < f.size(); i += 2) {
        const std::string& name = f[i].str();
        if (name == "name") ours = f[i + 1].str() == group_;
        if (name == "lag") g_lag = f[i + 1].integer();
        if (name == "pending") g_pending = f[i + 1].integer();
      }
      if (ours) {
        lag += g_lag;
        pending += g_pending;
      }
    }
  }
  return std::make_pair(lag, pending);
}

}  // namespace gridcase::events
