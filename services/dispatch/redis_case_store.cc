#include "services/dispatch/redis_case_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/audit/audit_record.h"
#include "common/cases/stage_clock.h"
#include "common/status/status_macros.h"
#include "common/store/case_hash.h"
#include "common/store/case_id.h"
#include "common/store/case_reader.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
#include "common/store/stream_entry.h"
#include "services/dispatch/queues.h"

namespace gridcase::dispatch {
namespace {

// "" for none (-1), else the number: the scripts' optional times.
std::string Millis(int64_t ms) {
  return ms < 0 ? std::string() : absl::StrCat(ms);
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
  return store::ReadCase(*redis_, shard, case_id);
}

absl::StatusOr<std::vector<CaseRecord>> RedisCaseStore::GetMany(
    const std::vector<std::string>& case_ids) {
  std::vector<store::CaseRef> cases;
  for (const std::string& id : case_ids) {
    ASSIGN_OR_RETURN(int shard, ShardOfCase(id));
    cases.emplace_back(shard, id);
  }
  return store::ReadCases(*redis_, cases);
}

absl::StatusOr<std::vector<v1::CaseEvent>> RedisCaseStore::Timeline(
    const std::string& case_id) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(case_id));
  return store::ReadTimeline(*redis_, shard, case_id);
}

absl::StatusOr<bool> RedisCaseStore::Follows(const std::string& case_id,
                                             const std::string& who) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(case_id));
  ASSIGN_OR_RETURN(
      redis::Reply member,
      redis_->Command({"SISMEMBER", store::FollowersKey(shard, case_id), who}));
  return member.integer() == 1;
}

absl::StatusOr<std::optional<Committed>> RedisCaseStore::Replay(
    const std::string& case_id, const std::string& scope,
    const std::string& fingerprint) {
  ASSIGN_OR_RETURN(int shard, ShardOfCase(case_id));
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Command({"HMGET", store::DispatchIdempotencyKey(shard, scope),
                       "fp", "case", "event", "event_id", "related"}));
  const auto& f = reply.elements();
  if (f.size() != 5 || f[0].is_nil()) return std::nullopt;
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
  if (!f[4].is_nil()) out.event.set_related_case_id(f[4].str());
  out.event.set_case_id(case_id);
  out.event.set_shard(shard);
  return out;
}

absl::StatusOr<Committed> RedisCaseStore::Apply(const Commit& m) {
  const std::string& id = m.before.id();
  ASSIGN_OR_RETURN(int shard, ShardOfCase(id));
  // Queues: leave all old ones, join all new ones (the score may change).
  std::vector<std::string> q_old, q_new;
  for (const auto& q : QueueNamesOf(m.before)) {
    q_old.push_back(store::QueueKey(shard, q));
  }
  for (const auto& q : QueueNamesOf(m.after)) {
    q_new.push_back(store::QueueKey(shard, q));
  }
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
  } else if (!cases::IsOpen(m.before.state()) &&
             cases::IsOpen(m.after.state())) {
    // Open again (reopened, unmerged): a candidate for duplicates again,
    // and on the map of all cases if it never was (merged on arrival).
    g_old.push_back(store::GeoCasesKey(shard));
    g_new.push_back(store::GeoCasesKey(shard));
    g_new.push_back(store::GeoOpenKey(shard, m.after.category_code()));
  }
  // A merge or an unmerge also changes the case it joins or leaves.
  std::vector<std::string> target, target_followers, followers;
  std::string merge;
  const std::string& related = m.event.related_case_id();
  if (m.event.type() == v1::CASE_EVENT_TYPE_MERGED_BY_STAFF ||
      m.event.type() == v1::CASE_EVENT_TYPE_UNMERGED) {
    ASSIGN_OR_RETURN(int related_shard, ShardOfCase(related));
    if (related_shard != shard) {
      return absl::FailedPreconditionError(absl::StrCat(
          "into_case_id: case ", related,
          " is stored on another shard than case ", id,
          "; only cases of one shard can be merged (cases of one town always "
          "are); void the duplicate instead"));
    }
    merge = m.event.type() == v1::CASE_EVENT_TYPE_MERGED_BY_STAFF ? "merge"
                                                                  : "unmerge";
    target.push_back(store::CaseKey(shard, related));
    target_followers.push_back(store::FollowersKey(shard, related));
    followers.push_back(store::FollowersKey(shard, id));
  }
  v1::CaseEvent stored_event = m.event;
  stored_event.clear_related_case_id();  // the entry's "related" field
  std::set<std::string> alerts = m.before_alerts;
  if (!m.alert.empty()) alerts.insert(m.alert);
  AlarmTimes alarms = AlarmsOf(m.after, alerts);
  std::string open_old = OpenField(m.before), open_new = OpenField(m.after);
  std::string over_old = OverdueField(m.before),
              over_new = OverdueField(m.after);
  if (open_old == open_new) open_old = open_new = "";
  if (over_old == over_new) over_old = over_new = "";
  bool moved = m.before.state() != m.after.state();
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      store::ScriptCall(store::scripts::DispatchCommit())
          .Key("case", store::CaseKey(shard, id))
          .Key("timeline", store::TimelineKey(shard, id))
          .Key("events", store::EventsKey(shard))
          .Key("idem",
               store::DispatchIdempotencyKey(shard, m.idempotency_scope.empty()
                                                        ? std::string("-")
                                                        : m.idempotency_scope))
          .Key("alarms", store::AlarmsKey(shard))
          .Key("open_counts", store::OpenCountsKey(shard))
          .Key("overdue_counts", store::OverdueCountsKey(shard))
          .Keys("queues_old", std::move(q_old))
          .Keys("queues_new", std::move(q_new))
          .Keys("indices_old", std::move(i_old))
          .Keys("indices_new", std::move(i_new))
          .Keys("geo_old", std::move(g_old))
          .Keys("geo_new", std::move(g_new))
          .Key("closed", store::ClosedKey(shard))
          .Keys("target", std::move(target))
          .Keys("target_followers", std::move(target_followers))
          .Keys("followers", std::move(followers))
          .Int("expected_version", m.before.version())
          .Arg("case_pb", store::StoredCasePb(m.after))
          .Int("state", static_cast<int>(m.after.state()))
          .Arg("event_pb", stored_event.SerializeAsString())
          .Arg("event_type", store::EventTypeName(m.event.type()))
          .Arg("case_id", id)
          .Int("maxlen", options_.stream_max_length)
          .Int("idem_ttl_s", absl::ToInt64Seconds(options_.idempotency_ttl))
          .Arg("fingerprint",
               m.idempotency_scope.empty() ? std::string() : m.fingerprint)
          .Arg("warn_member", store::AlarmMember(id, false))
          .Arg("warn_ms", Millis(alarms.warn_ms))
          .Arg("due_member", store::AlarmMember(id, true))
          .Arg("due_ms", Millis(alarms.due_ms))
          .Arg("member_old", QueueMemberOf(m.before))
          .Arg("member_new", QueueMemberOf(m.after))
          .Int("score", QueueScoreOf(m.after))
          .Arg("open_old", open_old)
          .Arg("open_new", open_new)
          .Arg("overdue_old", over_old)
          .Arg("overdue_new", over_new)
          .Arg("alert", m.alert)
          .Arg("set_review", m.review_reason.has_value() ? "1" : "0")
          .Arg("review_reason", m.review_reason.value_or(""))
          .Arg("queued_ms",
               moved ? absl::StrCat(absl::ToUnixMillis(m.now)) : std::string())
          .Arg("snapshot", m.after.SerializeAsString())
          // Entering a final state: the archiver's list (archiver.h).
          .Arg("closed_ms", cases::IsOpen(m.before.state()) &&
                                    !cases::IsOpen(m.after.state())
                                ? absl::StrCat(absl::ToUnixMillis(m.now))
                                : std::string())
          .Arg("related", related)
          .Arg("merge", merge)
          .Arg("reporter", m.after.reporter().id())
          .Arg("lng", absl::StrFormat("%.7f", m.after.location().longitude()))
          .Arg("lat", absl::StrFormat("%.7f", m.after.location().latitude()))
          .Run(*redis_));
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
  return store::ScriptCall(store::scripts::DispatchReview())
      .Key("case", store::CaseKey(shard, c.id()))
      .Key("review_queue", store::QueueKey(shard, store::ReviewQueue()))
      .Key("alarms", store::AlarmsKey(shard))
      .Int("version", c.version())
      .Arg("member", QueueMemberOf(c))
      .Int("score", QueueScoreOf(c))
      .Arg("reason", reason)
      .Int("now_ms", absl::ToUnixMillis(absl::Now()))
      .Arg("warn_member", store::AlarmMember(c.id(), false))
      .Arg("warn_ms", Millis(alarms.warn_ms))
      .Arg("due_member", store::AlarmMember(c.id(), true))
      .Arg("due_ms", Millis(alarms.due_ms))
      .Run(*redis_)
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
  return store::ScriptCall(store::scripts::DispatchAlarm())
      .Key("alarms", store::AlarmsKey(a.shard))
      .Arg("member", store::AlarmMember(a.case_id, a.overdue))
      .Int("score_read", a.score)
      .Arg("new_score", "")
      .Run(*redis_)
      .status();
}

absl::Status RedisCaseStore::MoveAlarm(const Alarm& a, int64_t score) {
  return store::ScriptCall(store::scripts::DispatchAlarm())
      .Key("alarms", store::AlarmsKey(a.shard))
      .Arg("member", store::AlarmMember(a.case_id, a.overdue))
      .Int("score_read", a.score)
      .Int("new_score", score)
      .Run(*redis_)
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
                   store::ScriptCall(store::scripts::DispatchRouting())
                       .Key("routing", store::kRoutingKey)
                       .Key("audit", store::kRoutingAuditKey)
                       .Int("expected_version", expected_version)
                       .Arg("policy_pb", stored.SerializeAsString())
                       .Arg("audit_record", audit)
                       .Int("audit_maxlen", audit::kMaxRecords)
                       .Run(*redis_));
  stored.set_version(reply.integer());
  return stored;
}

}  // namespace gridcase::dispatch
