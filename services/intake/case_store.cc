#include "services/intake/case_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/case_keys.h"
#include "common/cases/timeline_entry.h"
#include "common/redis/script.h"
#include "common/redis/stream_id.h"
#include "common/status/status_macros.h"

namespace gridcase::intake {
namespace {

// KEYS: 1 idempotency, 2 sequence, 3 events stream, 4 open-cases geo set of
//       the category, 5 geo set of all reported cases, 6 run_id of the Redis
//       process that last moved the sequence, 7.. index sorted sets (score:
//       reported ms).
// ARGV: 1 tag, 2 division, 3 date, 4 shards, 5 shard, 6 fingerprint,
//       7 now ms, 8 lng, 9 lat, 10 radius m, 11 window ms, 12 case pb,
//       13 reported event pb, 14 merged event pb, 15 idempotency ttl s,
//       16 stream maxlen, 17 reporter id, 18 town code (open-case counts
//       "<state>|<town>" in {s:N}:open, shared with dispatch), 19 the
//       counter's gap after a restore, 20 when the id's day began (Unix
//       ms), 21 the clock skew margin (ms) between intake and Redis.
// Returns {"replay", id} | {"created", id, ""} | {"merged", id, original}.
// The merged event gets data["distance_m"] (metres to the original, one
// decimal) appended as one encoded CaseEvent.data map entry (field 18):
// parsing concatenated protobuf encodings merges them.
const redis::Script& ReportScript() {
  static const auto* script = new redis::Script("intake_report", R"lua(
local function varint(n)
  local out = ''
  while n >= 128 do
    out = out .. string.char(n % 128 + 128)
    n = math.floor(n / 128)
  end
  return out .. string.char(n)
end
local function bytes_field(tag, s)
  return string.char(tag) .. varint(#s) .. s
end
local function data_entry(key, value)
  local entry = bytes_field(10, key) .. bytes_field(18, value)
  return string.char(146, 1) .. varint(#entry) .. entry
end
local idem = redis.call('GET', KEYS[1])
if idem then
  local sep = string.find(idem, '|', 1, true)
  local id = string.sub(idem, 1, sep - 1)
  if string.sub(idem, sep + 1) ~= ARGV[6] then
    return redis.error_reply('ALREADY_EXISTS request_id was already used ' ..
      'for a different request (case ' .. id .. ')')
  end
  -- Set the key's expiry to what it is: a no-op that is replicated, so a
  -- WAIT after a replay covers the write that stored the case even when it
  -- came through another connection (WAIT counts a connection's writes).
  local at = redis.call('PEXPIRETIME', KEYS[1])
  if at > 0 then redis.call('PEXPIREAT', KEYS[1], at) end
  return {'replay', id}
end
local tag = ARGV[1]
local now = tonumber(ARGV[7])
local target = false
local distance = 0
local near = redis.call('GEOSEARCH', KEYS[4], 'FROMLONLAT', ARGV[8], ARGV[9],
                        'BYRADIUS', ARGV[10], 'm', 'ASC', 'WITHDIST')
for _, hit in ipairs(near) do
  local cid = hit[1]
  local f = redis.call('HMGET', tag .. ':case:' .. cid, 'state', 'reported_ms')
  local st = tonumber(f[1] or '0')
  local open = (st >= 1 and st <= 5) or st == 8
  if open and tonumber(f[2] or '0') >= now - tonumber(ARGV[11]) then
    target = cid
    distance = tonumber(hit[2])
    break
  end
end
-- The counter jumps when a restore may have set it back: when another Redis
-- process moved it last, or none has yet and this one may have started
-- after the day began (common/cases/case_keys.h, "Counters and restores").
local info = redis.call('INFO', 'server')
local run = string.match(info, 'run_id:(%x+)')
if not run then return redis.error_reply('INTERNAL INFO has no run_id') end
local seq
if redis.call('GET', KEYS[6]) == run then
  seq = redis.call('INCR', KEYS[2])
else
  local t = redis.call('TIME')
  local since_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) -
                   tonumber(ARGV[20])
  local up_ms = tonumber(string.match(info, 'uptime_in_seconds:(%d+)')) * 1000
  local at = redis.call('GET', KEYS[2])
  if at or up_ms < since_ms + tonumber(ARGV[21]) then
    seq = math.max(tonumber(at or '0') + 1 + tonumber(ARGV[19]), since_ms)
  else
    seq = 1
  end
  redis.call('SET', KEYS[2], string.format('%d', seq))
  redis.call('SET', KEYS[6], run, 'EX', 172800)
end
redis.call('EXPIRE', KEYS[2], 172800)
local n = seq * tonumber(ARGV[4]) + tonumber(ARGV[5])
local id = ARGV[2] .. '-' .. ARGV[3] .. '-' .. string.format('%06d', n)
local state = 1
if target then state = 9 end
redis.call('HSET', tag .. ':case:' .. id, 'pb', ARGV[12], 'state', state,
           'version', 1, 'report_count', 1, 'follower_count', 0,
           'reported_ms', ARGV[7], 'merged_into', target or '')
for i = 7, #KEYS do redis.call('ZADD', KEYS[i], now, id) end
redis.call('ZADD', tag .. ':idx:state:' .. state, now, id)
local event_pb = ARGV[13]
local type = 'case.reported'
if target then
  local tk = tag .. ':case:' .. target
  redis.call('HINCRBY', tk, 'report_count', 1)
  if redis.call('SADD', tag .. ':followers:' .. target, ARGV[17]) == 1 then
    redis.call('HINCRBY', tk, 'follower_count', 1)
  end
  event_pb = ARGV[14] ..
    data_entry('distance_m', string.format('%.1f', distance))
  type = 'case.merged'
else
  redis.call('HINCRBY', tag .. ':open', '1|' .. ARGV[18], 1)
  redis.call('GEOADD', KEYS[4], ARGV[8], ARGV[9], id)
  redis.call('GEOADD', KEYS[5], ARGV[8], ARGV[9], id)
  redis.call('SADD', tag .. ':followers:' .. id, ARGV[17])
end
local ev = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[16], '*',
                      'type', type, 'case', id, 'related', target or '',
                      'pb', event_pb)
redis.call('RPUSH', tag .. ':timeline:' .. id,
           ev .. ' ' .. (target or '-') .. ' ' .. event_pb)
redis.call('SET', KEYS[1], id .. '|' .. ARGV[6], 'EX', ARGV[15])
if target then return {'merged', id, target} end
return {'created', id, ''}
)lua");
  return *script;
}

// KEYS: 1 idempotency, 2 case, 3 followers, 4 events, 5 timeline.
// ARGV: 1 fingerprint, 2 event pb, 3 idempotency ttl s, 4 stream maxlen,
//       5 reporter id, 6 "1" for me-too, 7 case id, 8 expected version.
// Returns {"replay", event id} | {"ok", event id} | {"retry"}.
const redis::Script& FollowUpScript() {
  static const auto* script = new redis::Script("intake_follow_up", R"lua(
local idem = redis.call('GET', KEYS[1])
if idem then
  local a = string.find(idem, '|', 1, true)
  local b = string.find(idem, '|', a + 1, true)
  if string.sub(idem, a + 1, b - 1) ~= ARGV[1] then
    return redis.error_reply('ALREADY_EXISTS request_id was already used ' ..
      'for a different follow-up')
  end
  -- A replicated no-op, so a WAIT after a replay covers the original write.
  local at = redis.call('PEXPIRETIME', KEYS[1])
  if at > 0 then redis.call('PEXPIREAT', KEYS[1], at) end
  return {'replay', string.sub(idem, b + 1)}
end
local f = redis.call('HMGET', KEYS[2], 'state', 'merged_into', 'version')
if not f[1] then
  return redis.error_reply('NOT_FOUND case ' .. ARGV[7] .. ' not found')
end
if f[1] == '7' then
  return redis.error_reply('FAILED_PRECONDITION case ' .. ARGV[7] ..
    ' is VOIDED and takes no follow-ups')
end
if f[1] == '9' then
  return redis.error_reply('FAILED_PRECONDITION case ' .. ARGV[7] ..
    ' is MERGED into ' .. f[2] .. '; follow up on that case')
end
if f[3] ~= ARGV[8] then return {'retry'} end
if ARGV[6] == '1' and redis.call('SADD', KEYS[3], ARGV[5]) == 1 then
  redis.call('HINCRBY', KEYS[2], 'follower_count', 1)
end
redis.call('HINCRBY', KEYS[2], 'version', 1)
local ev = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*',
                      'type', 'case.followed_up', 'case', ARGV[7],
                      'related', '', 'pb', ARGV[2])
redis.call('RPUSH', KEYS[5], ev .. ' - ' .. ARGV[2])
redis.call('SET', KEYS[1], ARGV[7] .. '|' .. ARGV[1] .. '|' .. ev, 'EX',
           ARGV[3])
return {'ok', ev}
)lua");
  return *script;
}

int64_t IntField(const std::string& s) {
  int64_t n = 0;
  (void)absl::SimpleAtoi(s, &n);
  return n;
}

// The fields GetCase reads, in order.
redis::Args CaseFields(int shard, const std::string& case_id) {
  return {"HMGET",
          cases::CaseKey(shard, case_id),
          "pb",
          "state",
          "version",
          "report_count",
          "follower_count",
          "merged_into"};
}

// The case from an HMGET reply of CaseFields; NOT_FOUND if absent.
absl::StatusOr<v1::Case> ParseCase(const std::string& case_id,
                                   const redis::Reply& reply) {
  const auto& f = reply.elements();
  if (f.size() != 6 || f[0].is_nil()) {
    return absl::NotFoundError(absl::StrCat("case ", case_id, " not found"));
  }
  v1::Case c;
  if (!c.ParseFromString(f[0].str())) {
    return absl::DataLossError(absl::StrCat("case ", case_id, " is corrupt"));
  }
  c.set_id(case_id);
  c.set_state(static_cast<v1::CaseState>(IntField(f[1].str())));
  c.set_version(IntField(f[2].str()));
  c.set_report_count(static_cast<int32_t>(IntField(f[3].str())));
  c.set_follower_count(static_cast<int32_t>(IntField(f[4].str())));
  c.set_merged_into(f[5].str());
  return c;
}

}  // namespace

absl::StatusOr<ReportResult> RedisCaseStore::Report(const NewReport& r) {
  int shard = r.shard;
  std::vector<std::string> keys = {
      cases::IdempotencyKey(shard, r.idempotency_scope),
      cases::SequenceKey(shard, r.division, r.date),
      cases::EventsKey(shard),
      cases::GeoOpenKey(shard, r.category_code),
      cases::GeoCasesKey(shard),
      cases::SequenceRunKey(shard, r.division, r.date)};
  for (const std::string& entry : r.index_entries) {
    size_t colon = entry.find(':');
    keys.push_back(cases::IndexKey(shard, entry.substr(0, colon),
                                   entry.substr(colon + 1)));
  }
  std::vector<std::string> args = {
      cases::Tag(shard),
      r.division,
      r.date,
      absl::StrCat(options_.shards),
      absl::StrCat(shard),
      r.fingerprint,
      absl::StrCat(absl::ToUnixMillis(r.now)),
      absl::StrFormat("%.7f", r.longitude),
      absl::StrFormat("%.7f", r.latitude),
      absl::StrCat(r.duplicate_radius_m),
      absl::StrCat(absl::ToInt64Milliseconds(r.duplicate_window)),
      r.case_template.SerializeAsString(),
      r.reported_event.SerializeAsString(),
      r.merged_event.SerializeAsString(),
      absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl)),
      absl::StrCat(options_.stream_max_length),
      r.reporter_id,
      r.case_template.town_code(),
      absl::StrCat(cases::kCounterGapAfterRestart),
      absl::StrCat(absl::ToUnixMillis(r.day_start)),
      absl::StrCat(absl::ToInt64Milliseconds(options_.clock_skew_margin))};
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Eval(ReportScript(), keys, args, options_.wait));
  const auto& e = reply.elements();
  if (e.size() < 2) {
    return absl::InternalError(
        absl::StrCat("intake_report: bad reply ", reply.DebugString()));
  }
  ReportResult result;
  result.case_id = e[1].str();
  result.replayed = e[0].str() == "replay";
  result.merged = e[0].str() == "merged";
  if (e.size() > 2) result.merged_into = e[2].str();
  return result;
}

absl::StatusOr<v1::Case> RedisCaseStore::GetCase(const std::string& case_id) {
  ASSIGN_OR_RETURN(cases::CaseId id,
                   cases::ParseCaseId(case_id, options_.shards));
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Command(CaseFields(id.shard, case_id)));
  return ParseCase(case_id, reply);
}

absl::StatusOr<std::vector<v1::Case>> RedisCaseStore::GetCases(
    const std::vector<std::string>& case_ids) {
  std::vector<redis::Args> commands;
  for (const std::string& case_id : case_ids) {
    ASSIGN_OR_RETURN(cases::CaseId id,
                     cases::ParseCaseId(case_id, options_.shards));
    commands.push_back(CaseFields(id.shard, case_id));
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::vector<v1::Case> out;
  for (size_t i = 0; i < replies.size(); ++i) {
    absl::StatusOr<v1::Case> c = ParseCase(case_ids[i], replies[i]);
    if (c.status().code() == absl::StatusCode::kNotFound) continue;
    RETURN_IF_ERROR(c.status());
    out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<std::vector<IndexEntry>> RedisCaseStore::ScanIndex(
    int shard, const std::string& kind, const std::string& value,
    int64_t before_ms, const std::string& before_id, int count) {
  std::vector<IndexEntry> out;
  std::string max = before_ms < 0 ? "+inf" : absl::StrCat(before_ms);
  int offset = 0;
  // Entries with the cursor's own score come first; skip those at or after
  // the cursor id (they were on earlier pages).
  while (static_cast<int>(out.size()) < count) {
    int want = count - static_cast<int>(out.size());
    ASSIGN_OR_RETURN(
        redis::Reply reply,
        redis_->Command({"ZRANGE", cases::IndexKey(shard, kind, value), max,
                         "-inf", "BYSCORE", "REV", "LIMIT",
                         absl::StrCat(offset), absl::StrCat(want),
                         "WITHSCORES"}));
    const auto& e = reply.elements();
    if (e.empty()) break;
    for (size_t i = 0; i + 1 < e.size(); i += 2) {
      IndexEntry entry{e[i].str(), IntField(e[i + 1].str())};
      if (before_ms >= 0 && !before_id.empty() &&
          entry.reported_ms == before_ms && entry.case_id >= before_id) {
        continue;
      }
      out.push_back(std::move(entry));
    }
    offset += static_cast<int>(e.size() / 2);
    if (static_cast<int>(e.size() / 2) < want) break;
  }
  return out;
}

absl::StatusOr<std::vector<NearbyEntry>> RedisCaseStore::Nearby(
    double latitude, double longitude, int radius_m) {
  std::vector<redis::Args> commands;
  for (int shard = 0; shard < options_.shards; ++shard) {
    commands.push_back({"GEOSEARCH", cases::GeoCasesKey(shard), "FROMLONLAT",
                        absl::StrFormat("%.7f", longitude),
                        absl::StrFormat("%.7f", latitude), "BYRADIUS",
                        absl::StrCat(radius_m), "m", "ASC", "WITHDIST"});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::vector<NearbyEntry> out;
  for (const redis::Reply& reply : replies) {
    RETURN_IF_ERROR(reply.ToStatus());
    for (const redis::Reply& hit : reply.elements()) {
      const auto& e = hit.elements();
      if (e.size() != 2) continue;
      double d = 0;
      (void)absl::SimpleAtod(e[1].str(), &d);
      out.push_back({e[0].str(), d});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const NearbyEntry& a, const NearbyEntry& b) {
              return a.distance_m != b.distance_m ? a.distance_m < b.distance_m
                                                  : a.case_id < b.case_id;
            });
  return out;
}

absl::StatusOr<FollowUpResult> RedisCaseStore::FollowUp(const NewFollowUp& f) {
  ASSIGN_OR_RETURN(cases::CaseId id,
                   cases::ParseCaseId(f.case_id, options_.shards));
  int shard = id.shard;
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Eval(
          FollowUpScript(),
          {cases::IdempotencyKey(shard, f.idempotency_scope),
           cases::CaseKey(shard, f.case_id),
           cases::FollowersKey(shard, f.case_id), cases::EventsKey(shard),
           cases::TimelineKey(shard, f.case_id)},
          {f.fingerprint, f.event.SerializeAsString(),
           absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl)),
           absl::StrCat(options_.stream_max_length), f.reporter_id,
           f.me_too ? "1" : "0", f.case_id, absl::StrCat(f.expected_version)},
          options_.wait));
  const auto& e = reply.elements();
  if (e.empty()) return absl::InternalError("intake_follow_up: bad reply");
  if (e[0].str() == "retry") {
    return absl::AbortedError(
        absl::StrCat("case ", f.case_id, " changed concurrently"));
  }
  return FollowUpResult{e.size() > 1 ? e[1].str() : "", e[0].str() == "replay"};
}

absl::StatusOr<std::string> RedisCaseStore::StreamTail(int shard) {
  ASSIGN_OR_RETURN(auto tails, StreamTails({shard}));
  return tails[shard];
}

absl::StatusOr<std::map<int, std::string>> RedisCaseStore::StreamTails(
    const std::vector<int>& shards) {
  std::vector<redis::Args> commands;
  for (int shard : shards) {
    commands.push_back(
        {"XREVRANGE", cases::EventsKey(shard), "+", "-", "COUNT", "1"});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::map<int, std::string> tails;
  for (size_t i = 0; i < shards.size(); ++i) {
    RETURN_IF_ERROR(replies[i].ToStatus());
    tails[shards[i]] = replies[i].elements().empty()
                           ? std::string("0-0")
                           : replies[i].elements()[0].elements().at(0).str();
  }
  return tails;
}

absl::Status RedisCaseStore::CheckRetained(int shard,
                                           const std::string& after_id) {
  absl::StatusOr<redis::Reply> info =
      redis_->Command({"XINFO", "STREAM", cases::EventsKey(shard)});
  if (!info.ok()) {
    // No stream yet: nothing was ever trimmed.
    if (absl::StrContains(info.status().message(), "no such key")) {
      return absl::OkStatus();
    }
    return info.status();
  }
  const auto& e = info->elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) {
    if (e[i].str() == "max-deleted-entry-id" &&
        redis::StreamIdLess(after_id, e[i + 1].str())) {
      return absl::OutOfRangeError(absl::StrCat(
          "resume position ", after_id, " of shard ", shard,
          " is older than the events the stream retains; re-read with "
          "GetCase or ListCases and watch again without a resume position"));
    }
  }
  return absl::OkStatus();
}

namespace {

// One entry of a stream reply ([id, [field, value, ...]]) of `shard`.
StreamEvent ParseEntry(int shard, const redis::Reply& entry) {
  StreamEvent se;
  se.shard = shard;
  se.event.set_shard(shard);
  const auto& pair = entry.elements();
  if (pair.size() != 2) {
    se.corrupt = true;
    return se;
  }
  se.event.set_id(pair[0].str());
  std::string pb;
  std::string case_id;
  std::string related;
  const auto& fields = pair[1].elements();
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& name = fields[i].str();
    if (name == "pb") pb = fields[i + 1].str();
    if (name == "case") case_id = fields[i + 1].str();
    if (name == "related") related = fields[i + 1].str();
  }
  if (!se.event.ParseFromString(pb)) {
    se.event.Clear();
    se.event.set_id(pair[0].str());
    se.event.set_shard(shard);
    se.corrupt = true;
    return se;
  }
  se.event.set_case_id(case_id);
  se.event.set_related_case_id(related);
  se.event.set_id(pair[0].str());
  se.event.set_shard(shard);
  return se;
}

}  // namespace

absl::StatusOr<std::vector<StreamEvent>> RedisCaseStore::ReadEvents(
    const std::vector<std::pair<int, std::string>>& positions,
    absl::Duration block, int count) {
  // One XREAD on one Redis; per master on a cluster (ReadStreams).
  redis::StreamRead read{.count = count, .block = block};
  for (const auto& [shard, id] : positions) {
    read.streams.emplace_back(cases::EventsKey(shard), id);
  }
  ASSIGN_OR_RETURN(redis::Reply reply, redis_->ReadStreams(read));
  std::vector<StreamEvent> out;
  for (const redis::Reply& stream : reply.elements()) {
    const auto& kv = stream.elements();
    if (kv.size() != 2) continue;
    const std::string& key = kv[0].str();  // "{s:N}:events"
    int shard = 0;
    (void)absl::SimpleAtoi(key.substr(3, key.find('}') - 3), &shard);
    for (const redis::Reply& entry : kv[1].elements()) {
      out.push_back(ParseEntry(shard, entry));
    }
  }
  return out;
}

absl::StatusOr<std::vector<StreamEvent>> RedisCaseStore::ReadRange(
    int shard, const std::string& after_id, const std::string& through_id,
    int count) {
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Command({"XRANGE", cases::EventsKey(shard),
                                    absl::StrCat("(", after_id), through_id,
                                    "COUNT", absl::StrCat(count)}));
  std::vector<StreamEvent> out;
  for (const redis::Reply& entry : reply.elements()) {
    out.push_back(ParseEntry(shard, entry));
  }
  return out;
}

absl::StatusOr<std::vector<v1::CaseEvent>> RedisCaseStore::Timeline(
    const std::string& case_id) {
  ASSIGN_OR_RETURN(cases::CaseId id,
                   cases::ParseCaseId(case_id, options_.shards));
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Command(
          {"LRANGE", cases::TimelineKey(id.shard, case_id), "0", "-1"}));
  std::vector<v1::CaseEvent> events;
  for (const redis::Reply& entry : reply.elements()) {
    ASSIGN_OR_RETURN(v1::CaseEvent event,
                     cases::ParseTimelineEntry(entry.str(), case_id, id.shard));
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace gridcase::intake
