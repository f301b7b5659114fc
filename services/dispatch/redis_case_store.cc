#include "services/dispatch/redis_case_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/audit/audit_record.h"
#include "common/cases/stage_clock.h"
#include "common/redis/script.h"
#include "common/status/status_macros.h"
#include "common/store/case_hash.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "common/store/stream_entry.h"
#include "services/dispatch/queues.h"

namespace gridcase::dispatch {
namespace {

// KEYS: 1 case, 2 timeline, 3 events, 4 idempotency, 5 alarms, 6 open
//       counts, 7 overdue counts, then the variable groups counted in ARGV
//       12..17: queue keys to leave, queue keys to join, index keys to leave,
//       index keys to join, geo keys to leave, geo keys to join.
// ARGV: 1 expected version, 2 case pb, 3 new state, 4 event pb, 5 event type,
//       6 case id, 7 stream maxlen, 8 idempotency ttl s, 9 fingerprint ("" =
//       no idempotency), 10 warn ms ("" = none), 11 due ms, 12-17 group
//       sizes, 18 old queue member, 19 new queue member, 20 queue score,
//       21/22 open-count field to decrement/increment ("" = none), 23/24
//       overdue-count field to decrement/increment, 25 alert marker, 26
//       "1" to set the review reason, 27 the reason, 28 queued ms ("" =
//       keep), 29 snapshot of the case after (full pb, for replays).
// Returns {"ok", event id} | {"replay"} | {"conflict", version}.
const redis::Script& CommitScript() {
  static const auto* script = new redis::Script("dispatch_commit", R"lua(
local v = redis.call('HGET', KEYS[1], 'version')
if not v then
  return redis.error_reply('NOT_FOUND case ' .. ARGV[6] .. ' not found')
end
if ARGV[9] ~= '' then
  local fp = redis.call('HGET', KEYS[4], 'fp')
  if fp then
    if fp ~= ARGV[9] then
      return redis.error_reply('ALREADY_EXISTS request_id was already used ' ..
        'for a different request on case ' .. ARGV[6])
    end
    return {'replay'}
  end
end
if v ~= ARGV[1] then return {'conflict', v} end
local id = ARGV[6]
local nv = tonumber(v) + 1
redis.call('HSET', KEYS[1], 'pb', ARGV[2], 'state', ARGV[3], 'version', nv)
if ARGV[28] ~= '' then redis.call('HSET', KEYS[1], 'queued_ms', ARGV[28]) end
if ARGV[26] == '1' then redis.call('HSET', KEYS[1], 'review_reason', ARGV[27]) end
if ARGV[25] ~= '' then
  local a = redis.call('HGET', KEYS[1], 'alerts') or ''
  redis.call('HSET', KEYS[1], 'alerts', a .. ' ' .. ARGV[25])
end
local ev = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*',
                      'type', ARGV[5], 'case', id, 'related', '',
                      'pb', ARGV[4])
redis.call('RPUSH', KEYS[2], ev .. ' - ' .. ARGV[4])
if ARGV[10] == '' then redis.call('ZREM', KEYS[5], id .. '|w')
else redis.call('ZADD', KEYS[5], ARGV[10], id .. '|w') end
if ARGV[11] == '' then redis.call('ZREM', KEYS[5], id .. '|d')
else redis.call('ZADD', KEYS[5], ARGV[11], id .. '|d') end
local k = 8
local function group(n, fn)
  for i = k, k + n - 1 do fn(KEYS[i]) end
  k = k + n
end
group(tonumber(ARGV[12]), function(key) redis.call('ZREM', key, ARGV[18]) end)
group(tonumber(ARGV[13]), function(key)
  redis.call('ZADD', key, ARGV[20], ARGV[19]) end)
local reported = redis.call('HGET', KEYS[1], 'reported_ms') or '0'
group(tonumber(ARGV[14]), function(key) redis.call('ZREM', key, id) end)
group(tonumber(ARGV[15]), function(key)
  redis.call('ZADD', key, reported, id) end)
local pos = false
group(tonumber(ARGV[16]), function(key)
  local p = redis.call('GEOPOS', key, id)[1]
  if p then pos = p end
  redis.call('ZREM', key, id)
end)
group(tonumber(ARGV[17]), function(key)
  if pos then redis.call('GEOADD', key, pos[1], pos[2], id) end
end)
if ARGV[21] ~= '' then redis.call('HINCRBY', KEYS[6], ARGV[21], -1) end
if ARGV[22] ~= '' then redis.call('HINCRBY', KEYS[6], ARGV[22], 1) end
if ARGV[23] ~= '' then redis.call('HINCRBY', KEYS[7], ARGV[23], -1) end
if ARGV[24] ~= '' then redis.call('HINCRBY', KEYS[7], ARGV[24], 1) end
if ARGV[9] ~= '' then
  redis.call('HSET', KEYS[4], 'fp', ARGV[9], 'case', ARGV[29],
             'event', ARGV[4], 'event_id', ev)
  redis.call('EXPIRE', KEYS[4], ARGV[8])
end
return {'ok', ev}
)lua");
  return *script;
}

// KEYS: 1 case, 2 review queue, 3 alarms. ARGV: 1 version, 2 member,
// 3 score, 4 reason, 5 now ms, 6 case id, 7 warn ms, 8 due ms ("" = none).
// The alarms are added unless present: a case waiting for review goes
// yellow and overdue like any other (Apply already set them for a case
// dispatch has written).
const redis::Script& ReviewScript() {
  static const auto* script = new redis::Script("dispatch_review", R"lua(
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[1], 'review_reason', ARGV[4], 'queued_ms', ARGV[5])
if ARGV[7] ~= '' then redis.call('ZADD', KEYS[3], 'NX', ARGV[7], ARGV[6] .. '|w') end
if ARGV[8] ~= '' then redis.call('ZADD', KEYS[3], 'NX', ARGV[8], ARGV[6] .. '|d') end
return 1
)lua");
  return *script;
}

// KEYS: 1 alarms. ARGV: 1 member, 2 score read, 3 new score ("" = remove).
const redis::Script& AlarmScript() {
  static const auto* script = new redis::Script("dispatch_alarm", R"lua(
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1])
else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
return 1
)lua");
  return *script;
}

// KEYS: 1 routing, 2 its audit stream. ARGV: 1 expected version (0 = any),
// 2 policy pb without version, 3 the audit record (empty: none). Returns the
// new version.
const redis::Script& RoutingScript() {
  static const auto* script =
      new redis::Script("dispatch_routing", GRIDCASE_AUDIT_APPEND_LUA R"lua(
local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if ARGV[1] ~= '0' and tonumber(ARGV[1]) ~= v then
  return redis.error_reply('ABORTED routing policy is at version ' .. v ..
    ', not ' .. ARGV[1] .. '; re-read it and retry')
end
redis.call('HSET', KEYS[1], 'pb', ARGV[2], 'version', v + 1)
audit(KEYS[2], ARGV[3])
return v + 1
)lua");
  return *script;
}

int64_t IntOf(const std::string& s) {
  int64_t n = 0;
  (void)absl::SimpleAtoi(s, &n);
  return n;
}

std::string OpenField(const v1::Case& c) {
  if (!cases::IsOpen(c.state())) return "";
  return store::OpenCountField(c.state(), c.town_code());
}

std::string OverdueField(const v1::Case& c) {
  if (!cases::IsOpen(c.state()) || !StoredOverdue(c)) return "";
  return store::OverdueCountField(c.department_id());
}

}  // namespace

absl::StatusOr<int> RedisCaseStore::ShardOfCase(
    const std::string& case_id) const {
  ASSIGN_OR_RETURN(store::CaseId id,
                   store::ParseCaseId(case_id, options_.shards));
  return id.shard;
}

absl::StatusOr<CaseRecord> RedisCaseStore::Get(const std::string& case_id) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(case_id));
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Command(store::ReadCaseCommand(shard, case_id)));
  return store::DecodeCase(case_id, reply);
}

absl::StatusOr<std::vector<CaseRecord>> RedisCaseStore::GetMany(
    const std::vector<std::string>& case_ids) {
  std::vector<redis::Args> commands;
  for (const std::string& id : case_ids) {
    ASSIGN_OR_RETURN(int shard, ShardOfCase(id));
    commands.push_back(store::ReadCaseCommand(shard, id));
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  std::vector<CaseRecord> out;
  for (size_t i = 0; i < replies.size(); ++i) {
    absl::StatusOr<CaseRecord> r = store::DecodeCase(case_ids[i], replies[i]);
    if (r.status().code() == absl::StatusCode::kNotFound) continue;
    RETURN_IF_ERROR(r.status());
    out.push_back(*std::move(r));
  }
  return out;
}

absl::StatusOr<std::vector<v1::CaseEvent>> RedisCaseStore::Timeline(
    const std::string& case_id) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(case_id));
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Command(
          {"LRANGE", store::TimelineKey(shard, case_id), "0", "-1"}));
  std::vector<v1::CaseEvent> events;
  for (const redis::Reply& entry : reply.elements()) {
    ASSIGN_OR_RETURN(v1::CaseEvent e,
                     store::ParseTimelineEntry(entry.str(), case_id, shard));
    events.push_back(std::move(e));
  }
  return events;
}

absl::StatusOr<std::optional<Committed>> RedisCaseStore::Replay(
    const std::string& case_id, const std::string& scope,
    const std::string& fingerprint) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(case_id));
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Command({"HMGET", store::DispatchIdempotencyKey(shard, scope),
                       "fp", "case", "event", "event_id"}));
  const auto& f = reply.elements();
  if (f.size() != 4 || f[0].is_nil()) return std::nullopt;
  if (f[0].str() != fingerprint) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id was already used for a different request on case ",
        case_id));
  }
  Committed out;
  out.replayed = true;
  if (!out.c.ParseFromString(f[1].str()) ||
      !out.event.ParseFromString(f[2].str())) {
    return absl::DataLossError("idempotency record is corrupt");
  }
  out.event.set_id(f[3].str());
  out.event.set_case_id(case_id);
  out.event.set_shard(shard);
  return out;
}

absl::StatusOr<Committed> RedisCaseStore::Apply(const Commit& m) {
  const std::string& id = m.before.id();
  ASSIGN_OR_RETURN(int shard, ShardOfCase(id));
  std::vector<std::string> keys = {
      store::CaseKey(shard, id),
      store::TimelineKey(shard, id),
      store::EventsKey(shard),
      store::DispatchIdempotencyKey(shard, m.idempotency_scope.empty()
                                               ? std::string("-")
                                               : m.idempotency_scope),
      store::AlarmsKey(shard),
      store::OpenCountsKey(shard),
      store::OverdueCountsKey(shard)};
  // Queues: leave all old ones, join all new ones (the score may change).
  std::vector<std::string> q_old = QueueNamesOf(m.before);
  std::vector<std::string> q_new = QueueNamesOf(m.after);
  for (const auto& q : q_old) keys.push_back(store::QueueKey(shard, q));
  for (const auto& q : q_new) keys.push_back(store::QueueKey(shard, q));
  // Indices that follow the state and the category.
  std::vector<std::string> i_old, i_new, g_old, g_new;
  if (m.before.state() != m.after.state()) {
    i_old.push_back(store::StateIndexKey(shard, m.before.state()));
    i_new.push_back(store::StateIndexKey(shard, m.after.state()));
  }
  if (m.before.category_code() != m.after.category_code()) {
    i_old.push_back(store::IndexKey(shard, store::kCategoryIndex,
                                    m.before.category_code()));
    i_new.push_back(
        store::IndexKey(shard, store::kCategoryIndex, m.after.category_code()));
    if (m.before.category_major_code() != m.after.category_major_code()) {
      i_old.push_back(store::IndexKey(shard, store::kCategoryIndex,
                                      m.before.category_major_code()));
      i_new.push_back(store::IndexKey(shard, store::kCategoryIndex,
                                      m.after.category_major_code()));
    }
    g_old.push_back(store::GeoOpenKey(shard, m.before.category_code()));
    if (cases::IsOpen(m.after.state())) {
      g_new.push_back(store::GeoOpenKey(shard, m.after.category_code()));
    }
  } else if (cases::IsOpen(m.before.state()) &&
             !cases::IsOpen(m.after.state())) {
    g_old.push_back(store::GeoOpenKey(shard, m.before.category_code()));
  }
  for (auto* group : {&i_old, &i_new, &g_old, &g_new}) {
    keys.insert(keys.end(), group->begin(), group->end());
  }
  std::set<std::string> alerts = m.before_alerts;
  if (!m.alert.empty()) alerts.insert(m.alert);
  AlarmTimes alarms = AlarmsOf(m.after, alerts);
  auto ms = [](int64_t v) { return v < 0 ? std::string() : absl::StrCat(v); };
  std::string open_old = OpenField(m.before), open_new = OpenField(m.after);
  std::string over_old = OverdueField(m.before),
              over_new = OverdueField(m.after);
  if (open_old == open_new) open_old = open_new = "";
  if (over_old == over_new) over_old = over_new = "";
  bool moved = m.before.state() != m.after.state();
  v1::Case snapshot = m.after;
  std::vector<std::string> args = {
      absl::StrCat(m.before.version()),
      store::StoredCasePb(m.after),
      absl::StrCat(static_cast<int>(m.after.state())),
      m.event.SerializeAsString(),
      store::EventTypeName(m.event.type()),
      id,
      absl::StrCat(options_.stream_max_length),
      absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl)),
      m.idempotency_scope.empty() ? std::string() : m.fingerprint,
      ms(alarms.warn_ms),
      ms(alarms.due_ms),
      absl::StrCat(q_old.size()),
      absl::StrCat(q_new.size()),
      absl::StrCat(i_old.size()),
      absl::StrCat(i_new.size()),
      absl::StrCat(g_old.size()),
      absl::StrCat(g_new.size()),
      QueueMemberOf(m.before),
      QueueMemberOf(m.after),
      absl::StrCat(QueueScoreOf(m.after)),
      open_old,
      open_new,
      over_old,
      over_new,
      m.alert,
      m.review_reason.has_value() ? "1" : "0",
      m.review_reason.value_or(""),
      moved ? absl::StrCat(absl::ToUnixMillis(m.now)) : std::string(),
      snapshot.SerializeAsString()};
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Eval(CommitScript(), keys, args));
  const auto& e = reply.elements();
  if (e.empty()) return absl::InternalError("dispatch_commit: bad reply");
  if (e[0].str() == "conflict") return absl::AbortedError(kConflict);
  if (e[0].str() == "replay") {
    ASSIGN_OR_RETURN(std::optional<Committed> r,
                     Replay(id, m.idempotency_scope, m.fingerprint));
    if (!r.has_value()) return absl::AbortedError(kConflict);
    return *std::move(r);
  }
  Committed out;
  out.c = m.after;
  out.event = m.event;
  out.event.set_id(e.size() > 1 ? e[1].str() : "");
  out.event.set_case_id(id);
  out.event.set_shard(shard);
  return out;
}

absl::Status RedisCaseStore::SetReview(const v1::Case& c,
                                       const std::string& reason) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(c.id()));
  AlarmTimes alarms = AlarmsOf(c, {});
  auto ms = [](int64_t v) { return v < 0 ? std::string() : absl::StrCat(v); };
  return redis_
      ->Eval(ReviewScript(),
             {store::CaseKey(shard, c.id()),
              store::QueueKey(shard, store::ReviewQueue()),
              store::AlarmsKey(shard)},
             {absl::StrCat(c.version()), QueueMemberOf(c),
              absl::StrCat(QueueScoreOf(c)), reason,
              absl::StrCat(absl::ToUnixMillis(absl::Now())), c.id(),
              ms(alarms.warn_ms), ms(alarms.due_ms)})
      .status();
}

absl::StatusOr<std::vector<QueueHit>> RedisCaseStore::ScanQueue(
    const std::vector<std::string>& names, int64_t after_score,
    const std::string& after_member, int count) {
  std::vector<QueueHit> all;
  for (const std::string& name : names) {
    for (int shard = 0; shard < options_.shards; ++shard) {
      std::string key = store::QueueKey(shard, name);
      int offset = 0;
      int got = 0;
      // Members with the cursor's own score come first; skip those at or
      // before the cursor member.
      while (got < count) {
        ASSIGN_OR_RETURN(
            redis::Reply reply,
            redis_->Command({"ZRANGE", key, absl::StrCat(after_score), "+inf",
                             "BYSCORE", "LIMIT", absl::StrCat(offset),
                             absl::StrCat(count), "WITHSCORES"}));
        const auto& e = reply.elements();
        for (size_t i = 0; i + 1 < e.size(); i += 2) {
          QueueHit hit{std::string(CaseIdOfMember(e[i].str())),
                       IntOf(e[i + 1].str()), e[i].str()};
          if (hit.score == after_score && hit.member <= after_member) continue;
          all.push_back(std::move(hit));
          ++got;
        }
        offset += static_cast<int>(e.size() / 2);
        if (static_cast<int>(e.size() / 2) < count) break;
      }
    }
  }
  std::sort(all.begin(), all.end(), [](const QueueHit& a, const QueueHit& b) {
    return a.score != b.score ? a.score < b.score : a.member < b.member;
  });
  all.erase(std::unique(all.begin(), all.end(),
                        [](const QueueHit& a, const QueueHit& b) {
                          return a.member == b.member;
                        }),
            all.end());
  if (static_cast<int>(all.size()) > count) all.resize(count);
  return all;
}

absl::StatusOr<std::vector<Alarm>> RedisCaseStore::DueAlarms(int shard,
                                                             absl::Time now,
                                                             int count) {
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Command({"ZRANGE", store::AlarmsKey(shard), "-inf",
                       absl::StrCat(absl::ToUnixMillis(now)), "BYSCORE",
                       "LIMIT", "0", absl::StrCat(count), "WITHSCORES"}));
  std::vector<Alarm> out;
  const auto& e = reply.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) {
    std::optional<store::AlarmOf> alarm = store::ParseAlarmMember(e[i].str());
    if (!alarm.has_value()) continue;
    out.push_back(
        {shard, alarm->case_id, alarm->overdue, IntOf(e[i + 1].str())});
  }
  return out;
}

absl::Status RedisCaseStore::DropAlarm(const Alarm& a) {
  return redis_
      ->Eval(
          AlarmScript(), {store::AlarmsKey(a.shard)},
          {store::AlarmMember(a.case_id, a.overdue), absl::StrCat(a.score), ""})
      .status();
}

absl::Status RedisCaseStore::MoveAlarm(const Alarm& a, int64_t score) {
  return redis_
      ->Eval(AlarmScript(), {store::AlarmsKey(a.shard)},
             {store::AlarmMember(a.case_id, a.overdue), absl::StrCat(a.score),
              absl::StrCat(score)})
      .status();
}

absl::Status RedisCaseStore::Defer(const std::string& case_id, int64_t until) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(case_id));
  return redis_
      ->Command(
          {"ZADD", store::DeferredKey(shard), absl::StrCat(until), case_id})
      .status();
}

absl::StatusOr<std::vector<std::string>> RedisCaseStore::DueDeferred(
    int shard, absl::Time now, int count) {
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Command({"ZRANGE", store::DeferredKey(shard), "-inf",
                       absl::StrCat(absl::ToUnixMillis(now)), "BYSCORE",
                       "LIMIT", "0", absl::StrCat(count)}));
  std::vector<std::string> out;
  for (const redis::Reply& e : reply.elements()) out.push_back(e.str());
  return out;
}

absl::Status RedisCaseStore::DropDeferred(const std::string& case_id) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(case_id));
  return redis_->Command({"ZREM", store::DeferredKey(shard), case_id}).status();
}

absl::StatusOr<Gauges> RedisCaseStore::ReadGauges() {
  std::vector<redis::Args> commands;
  for (int shard = 0; shard < options_.shards; ++shard) {
    commands.push_back({"HGETALL", store::OpenCountsKey(shard)});
    commands.push_back({"HGETALL", store::OverdueCountsKey(shard)});
  }
  commands.push_back({"INFO", "memory"});
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  Gauges g;
  RETURN_IF_ERROR(replies.back().ToStatus());
  for (absl::string_view line : absl::StrSplit(replies.back().str(), "\r\n")) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    if (kv.first == "used_memory") {
      g.redis_used_memory = IntOf(std::string(kv.second));
    }
    if (kv.first == "maxmemory")
      g.redis_maxmemory = IntOf(std::string(kv.second));
  }
  replies.pop_back();
  for (size_t r = 0; r < replies.size(); ++r) {
    RETURN_IF_ERROR(replies[r].ToStatus());
    const auto& e = replies[r].elements();
    for (size_t i = 0; i + 1 < e.size(); i += 2) {
      int64_t n = IntOf(e[i + 1].str());
      if (r % 2 == 0) {
        store::OpenCountOf f = store::ParseOpenCountField(e[i].str());
        g.open[{f.state, f.town_code}] += n;
      } else {
        g.overdue[store::DepartmentOfOverdueField(e[i].str())] += n;
      }
    }
  }
  return g;
}

absl::StatusOr<v1::RoutingPolicy> RedisCaseStore::GetRouting() {
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Command({"HMGET", std::string(store::kRoutingKey),
                                    "pb", "version"}));
  const auto& f = reply.elements();
  v1::RoutingPolicy policy;
  if (f.size() != 2 || f[0].is_nil()) return policy;
  if (!policy.ParseFromString(f[0].str())) {
    return absl::DataLossError("routing policy is corrupt");
  }
  policy.set_version(IntOf(f[1].str()));
  return policy;
}

absl::StatusOr<v1::RoutingPolicy> RedisCaseStore::PutRouting(
    const v1::RoutingPolicy& policy, int64_t expected_version,
    const std::string& audit) {
  v1::RoutingPolicy stored = policy;
  stored.clear_version();
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Eval(RoutingScript(),
                                {std::string(store::kRoutingKey),
                                 std::string(store::kRoutingAuditKey)},
                                {absl::StrCat(expected_version),
                                 stored.SerializeAsString(), audit}));
  stored.set_version(reply.integer());
  return stored;
}

}  // namespace gridcase::dispatch
