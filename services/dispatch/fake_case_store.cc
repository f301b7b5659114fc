#include "services/dispatch/fake_case_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/store/keys.h"
#include "services/dispatch/queues.h"

namespace gridcase::dispatch {

void FakeCaseStore::Put(v1::Case c) {
  absl::MutexLock lock(&mu_);
  if (c.version() == 0) c.set_version(1);
  CaseRecord r;
  r.c = c;
  for (const std::string& q : QueueNamesOf(c)) {
    if (q != store::ReviewQueue())
      queues_[q][QueueMemberOf(c)] = QueueScoreOf(c);
  }
  AlarmTimes a = AlarmsOf(c, {});
  if (a.warn_ms >= 0) alarms_[c.id() + "|w"] = a.warn_ms;
  if (a.due_ms >= 0) alarms_[c.id() + "|d"] = a.due_ms;
  cases_[c.id()] = std::move(r);
}

std::set<std::string> FakeCaseStore::QueuesOfCase(const std::string& id) {
  absl::MutexLock lock(&mu_);
  std::set<std::string> out;
  for (const auto& [name, members] : queues_) {
    for (const auto& [member, score] : members) {
      if (CaseIdOfMember(member) == id) out.insert(name);
    }
  }
  return out;
}

absl::StatusOr<CaseRecord> FakeCaseStore::Get(const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto it = cases_.find(id);
  if (it == cases_.end()) {
    return absl::NotFoundError(absl::StrCat("case ", id, " not found"));
  }
  return it->second;
}

absl::StatusOr<std::vector<CaseRecord>> FakeCaseStore::GetMany(
    const std::vector<std::string>& ids) {
  std::vector<CaseRecord> out;
  for (const std::string& id : ids) {
    absl::StatusOr<CaseRecord> r = Get(id);
    if (r.ok()) out.push_back(*r);
  }
  return out;
}

absl::StatusOr<std::vector<v1::CaseEvent>> FakeCaseStore::Timeline(
    const std::string& id) {
  absl::MutexLock lock(&mu_);
  return timelines_[id];
}

absl::StatusOr<bool> FakeCaseStore::Follows(const std::string& case_id,
                                            const std::string& who) {
  absl::MutexLock lock(&mu_);
  return followers_[case_id].count(who) > 0;
}

void FakeCaseStore::AddFollower(const std::string& case_id,
                                const std::string& who) {
  absl::MutexLock lock(&mu_);
  followers_[case_id].insert(who);
}

absl::StatusOr<std::optional<Committed>> FakeCaseStore::Replay(
    const std::string& case_id, const std::string& scope,
    const std::string& fingerprint) {
  absl::MutexLock lock(&mu_);
  auto it = idem_.find(scope);
  if (it == idem_.end()) return std::nullopt;
  if (it->second.fingerprint != fingerprint) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id was already used for a different request on case ",
        case_id));
  }
  Committed c = it->second.result;
  c.replayed = true;
  return c;
}

absl::StatusOr<Committed> FakeCaseStore::Apply(const Commit& m) {
  absl::MutexLock lock(&mu_);
  auto it = cases_.find(m.before.id());
  if (it == cases_.end()) return absl::NotFoundError("case not found");
  if (!m.idempotency_scope.empty() && idem_.count(m.idempotency_scope) > 0) {
    Committed c = idem_[m.idempotency_scope].result;
    c.replayed = true;
    return c;
  }
  if (it->second.c.version() != m.before.version()) {
    return absl::AbortedError(kConflict);
  }
  for (const std::string& q : QueueNamesOf(m.before)) {
    queues_[q].erase(QueueMemberOf(m.before));
  }
  for (const std::string& q : QueueNamesOf(m.after)) {
    queues_[q][QueueMemberOf(m.after)] = QueueScoreOf(m.after);
  }
  CaseRecord& r = it->second;
  r.c = m.after;
  if (!m.alert.empty()) r.alerts.insert(m.alert);
  if (m.review_reason.has_value()) r.review_reason = *m.review_reason;
  AlarmTimes a = AlarmsOf(m.after, r.alerts);
  for (auto [suffix, ms] :
       {std::pair{"|w", a.warn_ms}, std::pair{"|d", a.due_ms}}) {
    std::string key = m.before.id() + suffix;
    if (ms < 0) {
      alarms_.erase(key);
    } else {
      alarms_[key] = ms;
    }
  }
  Committed out;
  out.c = m.after;
  out.event = m.event;
  out.event.set_id(absl::StrCat(next_event_++, "-0"));
  out.event.set_case_id(m.before.id());
  timelines_[m.before.id()].push_back(out.event);
  if (!m.idempotency_scope.empty()) {
    idem_[m.idempotency_scope] = {m.fingerprint, out};
  }
  return out;
}

absl::Status FakeCaseStore::SetReview(const v1::Case& c,
                                      const std::string& reason) {
  absl::MutexLock lock(&mu_);
  auto it = cases_.find(c.id());
  if (it == cases_.end() || it->second.c.version() != c.version()) {
    return absl::OkStatus();
  }
  it->second.review_reason = reason;
  queues_[store::ReviewQueue()][QueueMemberOf(c)] = QueueScoreOf(c);
  AlarmTimes a = AlarmsOf(c, {});
  if (a.warn_ms >= 0) alarms_.emplace(c.id() + "|w", a.warn_ms);
  if (a.due_ms >= 0) alarms_.emplace(c.id() + "|d", a.due_ms);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<QueueHit>> FakeCaseStore::ScanQueue(
    const std::vector<std::string>& names, int64_t after_score,
    const std::string& after_member, int count) {
  absl::MutexLock lock(&mu_);
  std::vector<QueueHit> all;
  for (const std::string& name : names) {
    for (const auto& [member, score] : queues_[name]) {
      if (score < after_score ||
          (score == after_score && member <= after_member)) {
        continue;
      }
      all.push_back({std::string(CaseIdOfMember(member)), score, member});
    }
  }
  std::sort(all.begin(), all.end(), [](const QueueHit& a, const QueueHit& b) {
    return a.score != b.score ? a.score < b.score : a.member < b.member;
  });
  if (static_cast<int>(all.size()) > count) all.resize(count);
  return all;
}

absl::Status FakeCaseStore::Defer(const std::string& case_id, int64_t until) {
  absl::MutexLock lock(&mu_);
  deferred_[case_id] = until;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> FakeCaseStore::DueDeferred(
    int shard, absl::Time now, int count) {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<int64_t, std::string>> due;
  for (const auto& [id, ms] : deferred_) {
    if (ms <= absl::ToUnixMillis(now)) due.emplace_back(ms, id);
  }
  std::sort(due.begin(), due.end());
  std::vector<std::string> out;
  for (const auto& [ms, id] : due) {
    if (static_cast<int>(out.size()) == count) break;
    out.push_back(id);
  }
  return out;
}

absl::Status FakeCaseStore::DropDeferred(const std::string& case_id) {
  absl::MutexLock lock(&mu_);
  deferred_.erase(case_id);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Alarm>> FakeCaseStore::DueAlarms(int shard,
                                                            absl::Time now,
                                                            int count) {
  absl::MutexLock lock(&mu_);
  std::vector<Alarm> out;
  for (const auto& [key, ms] : alarms_) {
    if (ms > absl::ToUnixMillis(now)) continue;
    size_t bar = key.rfind('|');
    out.push_back({shard, key.substr(0, bar), key.substr(bar + 1) == "d", ms});
  }
  std::sort(out.begin(), out.end(),
            [](const Alarm& a, const Alarm& b) { return a.score < b.score; });
  if (static_cast<int>(out.size()) > count) out.resize(count);
  return out;
}

absl::Status FakeCaseStore::DropAlarm(const Alarm& a) {
  absl::MutexLock lock(&mu_);
  std::string key = a.case_id + (a.overdue ? "|d" : "|w");
  auto it = alarms_.find(key);
  if (it != alarms_.end() && it->second == a.score) alarms_.erase(it);
  return absl::OkStatus();
}

absl::Status FakeCaseStore::MoveAlarm(const Alarm& a, int64_t score) {
  absl::MutexLock lock(&mu_);
  std::string key = a.case_id + (a.overdue ? "|d" : "|w");
  auto it = alarms_.find(key);
  if (it != alarms_.end() && it->second == a.score) it->second = score;
  return absl::OkStatus();
}

absl::StatusOr<Gauges> FakeCaseStore::ReadGauges() { return Gauges(); }

absl::StatusOr<v1::RoutingPolicy> FakeCaseStore::GetRouting() {
  absl::MutexLock lock(&mu_);
  return routing_;
}

absl::StatusOr<v1::RoutingPolicy> FakeCaseStore::PutRouting(
    const v1::RoutingPolicy& policy, int64_t expected_version,
    const std::string& audit) {
  absl::MutexLock lock(&mu_);
  if (!audit.empty()) routing_audit_.push_back(audit);
  if (expected_version != 0 && expected_version != routing_.version()) {
    return absl::AbortedError("routing policy version moved");
  }
  int64_t v = routing_.version() + 1;
  routing_ = policy;
  routing_.set_version(v);
  return routing_;
}

}  // namespace gridcase::dispatch
