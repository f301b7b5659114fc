#include "services/intake/case_store.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/case_keys.h"
#include "common/redis/script.h"
#include "common/status/status_macros.h"

namespace gridcase::intake {
namespace {

// KEYS: 1 idempotency, 2 sequence, 3 events stream, 4 open-cases geo set,
//       5.. index sorted sets (score: reported ms).
// ARGV: 1 tag, 2 division, 3 date, 4 shards, 5 shard, 6 fingerprint,
//       7 now ms, 8 lng, 9 lat, 10 radius m, 11 window ms, 12 case pb,
//       13 reported event pb, 14 merged event pb, 15 idempotency ttl s,
//       16 stream maxlen, 17 reporter id.
// Returns {"replay", id} | {"created", id, ""} | {"merged", id, original}.
const redis::Script& ReportScript() {
  static const auto* script = new redis::Script("intake_report", R"lua(
local idem = redis.call('GET', KEYS[1])
if idem then
  local sep = string.find(idem, '|', 1, true)
  local id = string.sub(idem, 1, sep - 1)
  if string.sub(idem, sep + 1) ~= ARGV[6] then
    return redis.error_reply('ALREADY_EXISTS request_id was already used ' ..
      'for a different request (case ' .. id .. ')')
  end
  return {'replay', id}
end
local tag = ARGV[1]
local now = tonumber(ARGV[7])
local target = false
local near = redis.call('GEOSEARCH', KEYS[4], 'FROMLONLAT', ARGV[8], ARGV[9],
                        'BYRADIUS', ARGV[10], 'm', 'ASC')
for _, cid in ipairs(near) do
  local f = redis.call('HMGET', tag .. ':case:' .. cid, 'state', 'reported_ms')
  local st = tonumber(f[1] or '0')
  local open = (st >= 1 and st <= 5) or st == 8
  if open and tonumber(f[2] or '0') >= now - tonumber(ARGV[11]) then
    target = cid
    break
  end
end
local seq = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 172800)
local n = seq * tonumber(ARGV[4]) + tonumber(ARGV[5])
local id = ARGV[2] .. '-' .. ARGV[3] .. '-' .. string.format('%06d', n)
local state = 1
if target then state = 9 end
redis.call('HSET', tag .. ':case:' .. id, 'pb', ARGV[12], 'state', state,
           'version', 1, 'report_count', 1, 'follower_count', 0,
           'reported_ms', ARGV[7], 'merged_into', target or '')
for i = 5, #KEYS do redis.call('ZADD', KEYS[i], now, id) end
redis.call('ZADD', tag .. ':idx:state:' .. state, now, id)
local event_pb = ARGV[13]
local type = 'case.reported'
if target then
  local tk = tag .. ':case:' .. target
  redis.call('HINCRBY', tk, 'report_count', 1)
  if redis.call('SADD', tag .. ':followers:' .. target, ARGV[17]) == 1 then
    redis.call('HINCRBY', tk, 'follower_count', 1)
  end
  event_pb = ARGV[14]
  type = 'case.merged'
else
  redis.call('GEOADD', KEYS[4], ARGV[8], ARGV[9], id)
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

int64_t IntField(const std::string& s) {
  int64_t n = 0;
  (void)absl::SimpleAtoi(s, &n);
  return n;
}

}  // namespace

absl::StatusOr<ReportResult> RedisCaseStore::Report(const NewReport& r) {
  int shard = r.shard;
  std::vector<std::string> keys = {
      cases::IdempotencyKey(shard, r.idempotency_scope),
      cases::SequenceKey(shard, r.division, r.date), cases::EventsKey(shard),
      cases::GeoOpenKey(shard, r.category_code)};
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
      r.reporter_id};
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Eval(ReportScript(), keys, args));
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
                   redis_->Command({"HMGET", cases::CaseKey(id.shard, case_id),
                                    "pb", "state", "version", "report_count",
                                    "follower_count", "merged_into"}));
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
    const std::string& raw = entry.str();
    // "<stream id> <related case or -> <pb>"
    size_t first = raw.find(' ');
    size_t second =
        first == std::string::npos ? first : raw.find(' ', first + 1);
    v1::CaseEvent event;
    if (second == std::string::npos ||
        !event.ParseFromString(raw.substr(second + 1))) {
      return absl::DataLossError(
          absl::StrCat("timeline of case ", case_id, " is corrupt"));
    }
    event.set_id(raw.substr(0, first));
    std::string related = raw.substr(first + 1, second - first - 1);
    if (related != "-") event.set_related_case_id(related);
    event.set_case_id(case_id);
    event.set_shard(id.shard);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace gridcase::intake
