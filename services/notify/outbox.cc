#include "services/notify/outbox.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/store/case_id.h"
#include "common/store/event_type.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
#include "google/protobuf/util/time_util.h"

namespace gridcase::notify {
namespace {

int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }

google::protobuf::Timestamp FromMs(int64_t ms) {
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(ms);
}

std::string OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kSent:
      return "sent";
    case Outcome::kRetry:
      return "retry";
    case Outcome::kDead:
      return "dead";
  }
  return "dead";
}

// A list cursor: "<created ms>|<delivery id>".
struct Cursor {
  int64_t ms = 0;
  std::string id;
};

absl::StatusOr<Cursor> ParseCursor(const std::string& key) {
  std::pair<std::string, std::string> parts =
      absl::StrSplit(key, absl::MaxSplits('|', 1));
  Cursor c;
  if (!absl::SimpleAtoi(parts.first, &c.ms) || parts.second.empty()) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  c.id = parts.second;
  return c;
}

int64_t IntField(const std::map<std::string, std::string>& f,
                 const std::string& name) {
  auto it = f.find(name);
  int64_t v = 0;
  if (it != f.end() && !absl::SimpleAtoi(it->second, &v)) v = 0;
  return v;
}

std::string StrField(const std::map<std::string, std::string>& f,
                     const std::string& name) {
  auto it = f.find(name);
  return it == f.end() ? "" : it->second;
}

absl::StatusOr<v1::Delivery> ToDelivery(const redis::Reply& hgetall) {
  if (hgetall.elements().empty()) return absl::NotFoundError("delivery gone");
  std::map<std::string, std::string> f;
  const auto& e = hgetall.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) f[e[i].str()] = e[i + 1].str();
  v1::Delivery d;
  d.set_id(StrField(f, "id"));
  d.set_case_id(StrField(f, "case_id"));
  d.set_event_id(StrField(f, "event_id"));
  v1::CaseEventType type = v1::CASE_EVENT_TYPE_UNSPECIFIED;
  v1::CaseEventType_Parse(StrField(f, "event_type"), &type);
  d.set_event_type(type);
  v1::RecipientKind kind = v1::RECIPIENT_KIND_UNSPECIFIED;
  v1::RecipientKind_Parse(absl::StrCat("RECIPIENT_KIND_", StrField(f, "kind")),
                          &kind);
  d.mutable_recipient()->set_kind(kind);
  d.mutable_recipient()->set_id(StrField(f, "recipient"));
  v1::NotifyChannel channel = v1::NOTIFY_CHANNEL_UNSPECIFIED;
  v1::NotifyChannel_Parse(
      absl::StrCat("NOTIFY_CHANNEL_", StrField(f, "channel")), &channel);
  d.set_channel(channel);
  v1::DeliveryStatus status = v1::DELIVERY_STATUS_UNSPECIFIED;
  v1::DeliveryStatus_Parse(
      absl::StrCat("DELIVERY_STATUS_", StrField(f, "status")), &status);
  d.set_status(status);
  d.set_attempts(static_cast<int32_t>(IntField(f, "attempts")));
  d.set_endpoint(StrField(f, "endpoint"));
  d.set_last_result(StrField(f, "result"));
  if (int64_t ms = IntField(f, "created_ms"); ms > 0) {
    *d.mutable_created_at() = FromMs(ms);
  }
  if (int64_t ms = IntField(f, "last_ms"); ms > 0) {
    *d.mutable_last_attempt_at() = FromMs(ms);
  }
  if (int64_t ms = IntField(f, "sent_ms"); ms > 0) {
    *d.mutable_sent_at() = FromMs(ms);
  }
  if (int64_t ms = IntField(f, "next_ms"); ms > 0 &&
                                           status != v1::DELIVERY_STATUS_SENT &&
                                           status != v1::DELIVERY_STATUS_DEAD) {
    *d.mutable_next_attempt_at() = FromMs(ms);
  }
  return d;
}

}  // namespace

absl::StatusOr<int> ShardOfDelivery(const std::string& id, int shards) {
  std::pair<std::string, std::string> parts =
      absl::StrSplit(id, absl::MaxSplits('/', 1));
  int shard = -1;
  if (!absl::SimpleAtoi(parts.first, &shard) || shard < 0 || shard >= shards) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed delivery id: ", id));
  }
  return shard;
}

absl::StatusOr<int> RedisOutbox::Enqueue(const v1::CaseEvent& event,
                                         const std::vector<NewDelivery>& batch,
                                         absl::Time now) {
  if (batch.empty()) return 0;
  int shard = event.shard();
  std::vector<std::string> records, recipients, ids, kinds, rids, channels,
      endpoints, bodies;
  for (const NewDelivery& d : batch) {
    const Target& t = d.target;
    records.push_back(store::NotifyDeliveryKey(shard, t.delivery_id));
    recipients.push_back(store::NotifyRecipientKey(
        shard, KindName(t.recipient.kind()), t.recipient.id()));
    ids.push_back(t.delivery_id);
    kinds.push_back(KindName(t.recipient.kind()));
    rids.push_back(t.recipient.id());
    channels.push_back(ChannelName(t.channel));
    endpoints.push_back(t.endpoint);
    bodies.push_back(d.body);
  }
  ASSIGN_OR_RETURN(
      redis::Reply r,
      store::ScriptCall(store::scripts::NotifyEnqueue())
          .Key("due", store::NotifyDueKey(shard))
          .Key("case", store::NotifyCaseKey(shard, event.case_id()))
          .Keys("records", std::move(records))
          .Keys("recipients", std::move(recipients))
          .Int("now", Ms(now))
          .Int("retention", absl::ToInt64Milliseconds(options_.retention))
          .Arg("case_id", event.case_id())
          .Arg("event_id", event.id())
          .Arg("event_type", v1::CaseEventType_Name(event.type()))
          .Args("ids", std::move(ids))
          .Args("kinds", std::move(kinds))
          .Args("recipient_ids", std::move(rids))
          .Args("channels", std::move(channels))
          .Args("endpoints", std::move(endpoints))
          .Args("bodies", std::move(bodies))
          .Run(*redis_));
  return static_cast<int>(r.integer());
}

absl::StatusOr<std::vector<Leased>> RedisOutbox::Lease(int shard,
                                                       absl::Time now,
                                                       absl::Duration lease,
                                                       int max,
                                                       int max_attempts) {
  ASSIGN_OR_RETURN(redis::Reply due,
                   redis_->Command({"ZRANGEBYSCORE", store::NotifyDueKey(shard),
                                    "-inf", absl::StrCat(Ms(now)), "LIMIT", "0",
                                    absl::StrCat(max)}));
  std::vector<Leased> out;
  if (due.elements().empty()) return out;
  std::vector<std::string> ids, records;
  for (const redis::Reply& id : due.elements()) {
    ids.push_back(id.str());
    records.push_back(store::NotifyDeliveryKey(shard, id.str()));
  }
  ASSIGN_OR_RETURN(
      redis::Reply r,
      store::ScriptCall(store::scripts::NotifyLease())
          .Key("due", store::NotifyDueKey(shard))
          .Key("dead", store::NotifyDeadKey(shard))
          .Keys("records", std::move(records))
          .Args("ids", std::move(ids))
          .Int("now", Ms(now))
          .Int("lease_until", Ms(now + lease))
          .Int("max_attempts", max_attempts)
          .Int("retention", absl::ToInt64Milliseconds(options_.retention))
          .Run(*redis_));
  const auto& e = r.elements();
  for (size_t i = 0; i + 4 < e.size(); i += 5) {
    Leased l;
    l.shard = shard;
    l.id = e[i].str();
    l.attempt = e[i + 1].integer();
    v1::NotifyChannel_Parse(absl::StrCat("NOTIFY_CHANNEL_", e[i + 2].str()),
                            &l.channel);
    l.endpoint = e[i + 3].str();
    l.body = e[i + 4].str();
    out.push_back(std::move(l));
  }
  return out;
}

absl::StatusOr<bool> RedisOutbox::Settle(const Leased& leased, Outcome outcome,
                                         absl::Time now, absl::Time next,
                                         const std::string& result) {
  ASSIGN_OR_RETURN(
      redis::Reply r,
      store::ScriptCall(store::scripts::NotifySettle())
          .Key("due", store::NotifyDueKey(leased.shard))
          .Key("dead", store::NotifyDeadKey(leased.shard))
          .Key("record", store::NotifyDeliveryKey(leased.shard, leased.id))
          .Arg("id", leased.id)
          .Int("attempt", leased.attempt)
          .Arg("outcome", OutcomeName(outcome))
          .Int("now", Ms(now))
          .Int("next_ms", Ms(next))
          .Arg("result", result)
          .Int("retention", absl::ToInt64Milliseconds(options_.retention))
          .Run(*redis_));
  return r.integer() == 1;
}

absl::StatusOr<DeliveryPage> RedisOutbox::List(const DeliveryFilter& filter,
                                               const std::string& after_key,
                                               int page_size) {
  std::vector<std::pair<int, std::string>> keys;  // (shard, index key)
  if (!filter.case_id.empty()) {
    ASSIGN_OR_RETURN(store::CaseId id,
                     store::ParseCaseId(filter.case_id, options_.shards));
    keys.emplace_back(id.shard, store::NotifyCaseKey(id.shard, filter.case_id));
  } else {
    for (int s = 0; s < options_.shards; ++s) {
      keys.emplace_back(
          s, store::NotifyRecipientKey(s, KindName(filter.recipient.kind()),
                                       filter.recipient.id()));
    }
  }
  std::optional<Cursor> cursor;
  if (!after_key.empty()) {
    ASSIGN_OR_RETURN(cursor, ParseCursor(after_key));
  }
  std::vector<redis::Args> commands;
  std::string limit = absl::StrCat(page_size + 1);
  for (const auto& [shard, key] : keys) {
    if (cursor.has_value()) {
      std::string ms = absl::StrCat(cursor->ms);
      commands.push_back({"ZRANGEBYSCORE", key, ms, ms, "WITHSCORES"});
      commands.push_back({"ZREVRANGEBYSCORE", key, absl::StrCat("(", ms),
                          "-inf", "WITHSCORES", "LIMIT", "0", limit});
    } else {
      commands.push_back({"ZREVRANGEBYSCORE", key, "+inf", "-inf", "WITHSCORES",
                          "LIMIT", "0", limit});
    }
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  // (ms, id) newest first, then id descending.
  std::vector<std::tuple<int64_t, std::string>> found;
  for (size_t i = 0; i < replies.size(); ++i) {
    const redis::Reply& r = replies[i];
    if (r.is_error()) return absl::UnavailableError(r.str());
    const auto& e = r.elements();
    for (size_t j = 0; j + 1 < e.size(); j += 2) {
      int64_t ms = 0;
      if (!absl::SimpleAtoi(e[j + 1].str(), &ms)) continue;
      if (cursor.has_value() && ms == cursor->ms && e[j].str() >= cursor->id) {
        continue;
      }
      found.emplace_back(ms, e[j].str());
    }
  }
  std::sort(found.begin(), found.end(), std::greater<>());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  DeliveryPage page;
  bool more = static_cast<int>(found.size()) > page_size;
  if (more) found.resize(page_size);
  std::vector<redis::Args> gets;
  for (const auto& [ms, id] : found) {
    ASSIGN_OR_RETURN(int shard, ShardOfDelivery(id, options_.shards));
    gets.push_back({"HGETALL", store::NotifyDeliveryKey(shard, id)});
  }
  if (!gets.empty()) {
    ASSIGN_OR_RETURN(std::vector<redis::Reply> records, redis_->Pipeline(gets));
    for (const redis::Reply& r : records) {
      if (r.is_error()) return absl::UnavailableError(r.str());
      absl::StatusOr<v1::Delivery> d = ToDelivery(r);
      if (d.ok()) page.deliveries.push_back(*std::move(d));  // else expired
    }
  }
  if (more && !found.empty()) {
    page.next_key =
        absl::StrCat(std::get<0>(found.back()), "|", std::get<1>(found.back()));
  }
  return page;
}

absl::StatusOr<v1::Delivery> RedisOutbox::Get(const std::string& id) {
  ASSIGN_OR_RETURN(int shard, ShardOfDelivery(id, options_.shards));
  ASSIGN_OR_RETURN(
      redis::Reply r,
      redis_->Command({"HGETALL", store::NotifyDeliveryKey(shard, id)}));
  return ToDelivery(r);
}

absl::StatusOr<int64_t> RedisOutbox::DueCount(absl::Time now) {
  std::vector<redis::Args> commands;
  for (int s = 0; s < options_.shards; ++s) {
    commands.push_back(
        {"ZCOUNT", store::NotifyDueKey(s), "-inf", absl::StrCat(Ms(now))});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(commands));
  int64_t n = 0;
  for (const redis::Reply& r : replies) {
    if (r.is_error()) return absl::UnavailableError(r.str());
    n += r.integer();
  }
  return n;
}

}  // namespace gridcase::notify
