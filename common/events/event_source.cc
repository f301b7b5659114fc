#include "common/events/event_source.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/cases/case_keys.h"
#include "common/status/status_macros.h"

namespace gridcase::events {
namespace {

// Entries of one stream from an XREADGROUP / XAUTOCLAIM entry array.
void ParseEntries(int shard, const redis::Reply& entries,
                  std::vector<StreamEntry>* out) {
  for (const redis::Reply& entry : entries.elements()) {
    const auto& pair = entry.elements();
    if (pair.size() != 2) continue;  // deleted entry (nil fields)
    StreamEntry e;
    e.shard = shard;
    e.id = pair[0].str();
    const auto& fields = pair[1].elements();
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str() == "type") e.type = fields[i + 1].str();
      if (fields[i].str() == "case") e.case_id = fields[i + 1].str();
      if (fields[i].str() == "related") e.related_case_id = fields[i + 1].str();
      if (fields[i].str() == "pb") e.pb = fields[i + 1].str();
    }
    out->push_back(std::move(e));
  }
}

int ShardOfKey(const std::string& key) {  // "{s:N}:events"
  int shard = 0;
  (void)absl::SimpleAtoi(key.substr(3, key.find('}') - 3), &shard);
  return shard;
}

}  // namespace

absl::StatusOr<v1::CaseEvent> ToCaseEvent(const StreamEntry& entry) {
  v1::CaseEvent event;
  if (!event.ParseFromString(entry.pb)) {
    return absl::DataLossError(absl::StrCat("stream entry ", entry.id,
                                            " of shard ", entry.shard,
                                            " has a corrupt event"));
  }
  event.set_id(entry.id);
  event.set_shard(entry.shard);
  event.set_case_id(entry.case_id);
  event.set_related_case_id(entry.related_case_id);
  return event;
}

absl::Status RedisEventSource::EnsureGroups() {
  for (int shard = 0; shard < shards_; ++shard) {
    absl::StatusOr<redis::Reply> r = redis_->Command(
        {"XGROUP", "CREATE", cases::EventsKey(shard), group_, "0", "MKSTREAM"});
    if (!r.ok() && !absl::StrContains(r.status().message(), "BUSYGROUP")) {
      return r.status();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StreamEntry>> RedisEventSource::Read(
    const std::string& consumer, int count, absl::Duration block) {
  redis::Args args = {
      "XREADGROUP", "GROUP",
      group_,       consumer,
      "COUNT",      absl::StrCat(count),
      "BLOCK",      absl::StrCat(absl::ToInt64Milliseconds(block)),
      "STREAMS"};
  for (int shard = 0; shard < shards_; ++shard) {
    args.push_back(cases::EventsKey(shard));
  }
  for (int shard = 0; shard < shards_; ++shard) args.push_back(">");
  ASSIGN_OR_RETURN(redis::Reply reply, redis_->Command(std::move(args)));
  std::vector<StreamEntry> out;
  for (const redis::Reply& stream : reply.elements()) {
    const auto& kv = stream.elements();
    if (kv.size() != 2) continue;
    ParseEntries(ShardOfKey(kv[0].str()), kv[1], &out);
  }
  return out;
}

absl::StatusOr<std::vector<StreamEntry>> RedisEventSource::Claim(
    const std::string& consumer, absl::Duration min_idle, int count) {
  std::vector<StreamEntry> out;
  for (int shard = 0; shard < shards_; ++shard) {
    ASSIGN_OR_RETURN(
        redis::Reply reply,
        redis_->Command({"XAUTOCLAIM", cases::EventsKey(shard), group_,
                         consumer,
                         absl::StrCat(absl::ToInt64Milliseconds(min_idle)),
                         "0-0", "COUNT", absl::StrCat(count)}));
    if (reply.elements().size() >= 2) {
      ParseEntries(shard, reply.elements()[1], &out);
    }
  }
  return out;
}

absl::Status RedisEventSource::Ack(const StreamEntry& e) {
  return redis_->Command({"XACK", cases::EventsKey(e.shard), group_, e.id})
      .status();
}

absl::Status RedisEventSource::Ack(const std::vector<StreamEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  std::vector<redis::Args> commands;
  for (const StreamEntry& e : entries) {
    commands.push_back({"XACK", cases::EventsKey(e.shard), group_, e.id});
  }
  return redis_->Pipeline(commands).status();
}

absl::StatusOr<std::pair<int64_t, int64_t>> RedisEventSource::Backlog() {
  std::vector<redis::Args> commands;
  for (int shard = 0; shard < shards_; ++shard) {
    commands.push_back({"XINFO", "GROUPS", cases::EventsKey(shard)});
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
