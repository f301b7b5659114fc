#include "common/events/event_source.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/cases/case_keys.h"
#include "common/redis/script.h"
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
  // A key we asked for; a mismatch leaves shard 0 and cannot happen.
  (void)absl::SimpleAtoi(key.substr(3, key.find('}') - 3), &shard);
  return shard;
}

// Copies a pending entry to the dead-letter stream and acknowledges it, if
// it is still pending on the consumer (else another consumer owns it now).
// KEYS: 1 the shard's event stream, 2 its dead-letter stream.
// ARGV: 1 group, 2 entry id, 3 consumer, 4 deliveries, 5 error code name,
//       6 error message, 7 dead-letter MAXLEN, then the entry's fields as
//       the consumer read them (stored if the entry is gone from the
//       stream). Returns 1 if moved, 0 if not pending on the consumer.
const redis::Script& DeadLetterScript() {
  static const auto* script = new redis::Script("events_dead_letter", R"lua(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
local fields = {'group', ARGV[1], 'entry', ARGV[2], 'consumer', ARGV[3],
                'deliveries', ARGV[4], 'code', ARGV[5], 'error', ARGV[6]}
local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
if #e == 1 then
  for _, v in ipairs(e[1][2]) do fields[#fields + 1] = v end
else
  for i = 8, #ARGV do fields[#fields + 1] = ARGV[i] end
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', unpack(fields))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return 1
)lua");
  return *script;
}

// Sets the delivery count of an entry if it is pending on the consumer.
// KEYS: 1 the shard's event stream. ARGV: 1 group, 2 entry id, 3 consumer,
// 4 delivery count. Returns 1 if set.
const redis::Script& SetDeliveriesScript() {
  static const auto* script = new redis::Script("events_set_deliveries", R"lua(
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2],
           'RETRYCOUNT', ARGV[4], 'JUSTID')
return 1
)lua");
  return *script;
}

constexpr size_t kMaxErrorBytes = 1024;

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
  // One XREADGROUP over every shard on one Redis; per master on a cluster
  // (RedisClient::ReadStreams).
  redis::StreamRead read{
      .group = group_, .consumer = consumer, .count = count, .block = block};
  for (int shard = 0; shard < shards_; ++shard) {
    read.streams.emplace_back(cases::EventsKey(shard), ">");
  }
  ASSIGN_OR_RETURN(redis::Reply reply, redis_->ReadStreams(read));
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
  if (out.empty()) return out;
  // XAUTOCLAIM counted the delivery; XPENDING tells the count.
  std::vector<redis::Args> counts;
  for (const StreamEntry& e : out) {
    counts.push_back(
        {"XPENDING", cases::EventsKey(e.shard), group_, e.id, e.id, "1"});
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

absl::StatusOr<bool> RedisEventSource::DeadLetter(const std::string& consumer,
                                                  const StreamEntry& e,
                                                  const absl::Status& error) {
  std::string message(error.message().substr(0, kMaxErrorBytes));
  ASSIGN_OR_RETURN(
      redis::Reply r,
      redis_->Eval(DeadLetterScript(),
                   {cases::EventsKey(e.shard), cases::DeadEventsKey(e.shard)},
                   {group_, e.id, consumer, absl::StrCat(e.deliveries),
                    absl::StatusCodeToString(error.code()), message,
                    absl::StrCat(kDeadLetterMaxLen), "type", e.type, "case",
                    e.case_id, "related", e.related_case_id, "pb", e.pb}));
  return r.integer() == 1;
}

absl::Status RedisEventSource::SetDeliveries(const std::string& consumer,
                                             const StreamEntry& e,
                                             int64_t deliveries) {
  return redis_
      ->Eval(SetDeliveriesScript(), {cases::EventsKey(e.shard)},
             {group_, e.id, consumer, absl::StrCat(deliveries)})
      .status();
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
