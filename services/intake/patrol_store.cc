#include "services/intake/patrol_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/calendar/calendar.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
#include "common/validation/field_errors.h"

namespace gridcase::intake {
namespace {

using validation::FieldError;

int64_t RetentionSeconds() { return absl::ToInt64Seconds(kPatrolRetention); }

// The status of a script's refusal code; `what` names the patrol.
absl::Status Refusal(const redis::Reply& reply, absl::string_view patrol_id,
                     int limit) {
  const auto& e = reply.elements();
  switch (e.empty() ? 0 : e[0].integer()) {
    case -1:
      return absl::AlreadyExistsError(
          "request_id was already used for a different patrol request");
    case 2:
      return PatrolNotFound(patrol_id);
    case 3:
      return absl::FailedPreconditionError(
          absl::StrCat("patrol ", patrol_id, " has ended"));
    case 4:
      return absl::FailedPreconditionError(absl::StrCat(
          "patrol ", patrol_id, " holds ", e.size() > 1 ? e[1].integer() : 0,
          " entries and may hold at most ", limit,
          "; end it and start another"));
    default:
      return absl::InternalError(absl::StrCat(
          "unexpected reply from a patrol script for ", patrol_id));
  }
}

absl::StatusOr<WriteOutcome> OutcomeOf(const redis::Reply& reply,
                                       absl::string_view patrol_id, int limit) {
  const auto& e = reply.elements();
  if (!e.empty() && e[0].integer() == 1) return WriteOutcome::kDone;
  if (!e.empty() && e[0].integer() == 0) return WriteOutcome::kReplayed;
  return Refusal(reply, patrol_id, limit);
}

std::string Coordinate(double v) { return absl::StrFormat("%.7f", v); }

int64_t ToInt(const std::string& s) {
  int64_t v = 0;
  return absl::SimpleAtoi(s, &v) ? v : 0;
}

double ToDouble(const std::string& s) {
  double v = 0;
  return absl::SimpleAtod(s, &v) ? v : 0;
}

// The patrol a stored hash holds (fields as patrol_start.lua and
// patrol_record.lua write them), with the grids it reached if read.
absl::StatusOr<v1::Patrol> PatrolOf(const std::string& id,
                                    const redis::Reply& hash,
                                    const redis::Reply* grids) {
  std::map<std::string, std::string> f;
  const auto& e = hash.elements();
  for (size_t i = 0; i + 1 < e.size(); i += 2) f[e[i].str()] = e[i + 1].str();
  if (f.find("state") == f.end()) {
    return absl::DataLossError(absl::StrCat("patrol ", id, " is corrupt"));
  }
  v1::Patrol p;
  p.set_id(id);
  p.set_member_id(f["member"]);
  p.set_state(f["state"] == "active" ? v1::PATROL_STATE_ACTIVE
                                     : v1::PATROL_STATE_ENDED);
  *p.mutable_started_at() =
      ToTimestamp(absl::FromUnixMillis(ToInt(f["started_ms"])));
  if (!f["ended_ms"].empty()) {
    *p.mutable_ended_at() =
        ToTimestamp(absl::FromUnixMillis(ToInt(f["ended_ms"])));
  }
  p.set_point_count(static_cast<int32_t>(ToInt(f["points"])));
  p.set_distance_m(ToDouble(f["distance_m"]));
  if (grids == nullptr) return p;
  std::vector<std::string> visited;
  for (const redis::Reply& g : grids->elements()) visited.push_back(g.str());
  std::sort(visited.begin(), visited.end());
  for (std::string& g : visited) p.add_grids_visited(std::move(g));
  return p;
}

absl::StatusOr<v1::TrackPoint> ParseTrackEntry(const std::string& entry) {
  std::vector<std::string> p = absl::StrSplit(entry, ',');
  int64_t ms = 0;
  double lat = 0, lng = 0;
  if (p.size() != 4 || !absl::SimpleAtoi(p[0], &ms) ||
      !absl::SimpleAtod(p[1], &lat) || !absl::SimpleAtod(p[2], &lng)) {
    return absl::DataLossError(
        absl::StrCat("track point ", entry, " is corrupt"));
  }
  v1::TrackPoint t;
  t.mutable_location()->set_latitude(lat);
  t.mutable_location()->set_longitude(lng);
  *t.mutable_recorded_at() = ToTimestamp(absl::FromUnixMillis(ms));
  t.set_grid_code(p[3]);
  return t;
}

}  // namespace

absl::Status PatrolNotFound(absl::string_view patrol_id) {
  return absl::NotFoundError(
      absl::StrCat("patrol_id: patrol ", patrol_id, " not found"));
}

absl::StatusOr<std::string> MemberOfPatrol(absl::string_view id,
                                           absl::string_view field) {
  // "<member>-<YYYYMMDD>-<n>": the member may contain '-', so split from
  // the right.
  size_t last = id.rfind('-');
  size_t day = last == absl::string_view::npos || last == 0
                   ? absl::string_view::npos
                   : id.rfind('-', last - 1);
  auto digits = [](absl::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
  };
  if (day == absl::string_view::npos || day == 0 || last - day - 1 != 8 ||
      !digits(id.substr(day + 1, 8)) || !digits(id.substr(last + 1)) ||
      id.size() - last - 1 > 9) {
    return FieldError(field,
                      "must be a patrol id, \"<member>-<YYYYMMDD>-<n>\"");
  }
  return std::string(id.substr(0, day));
}

RedisPatrolStore::RedisPatrolStore(redis::RedisClient* redis) : redis_(redis) {
  if (!absl::LoadTimeZone(calendar::kDefaultTimeZone, &zone_)) {
    zone_ = absl::FixedTimeZone(8 * 3600);
  }
}

std::string RedisPatrolStore::Day(absl::Time t) const {
  return absl::FormatTime("%Y%m%d", t, zone_);
}

absl::StatusOr<std::pair<std::string, WriteOutcome>> RedisPatrolStore::Start(
    const PatrolWrite& write, absl::Time now) {
  const std::string& m = write.member_id;
  // A number is taken even when the script refuses: ids only need to be
  // unique.
  ASSIGN_OR_RETURN(redis::Reply n,
                   redis_->Command({"INCR", store::PatrolSequenceKey(m)}));
  std::string day = Day(now);
  std::string id = absl::StrCat(m, "-", day, "-", n.integer());
  int64_t now_ms = absl::ToUnixMillis(now);
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      store::ScriptCall(store::scripts::PatrolStart())
          .Key("request", store::PatrolRequestKey(m, write.request_id))
          .Key("active", store::PatrolActiveKey(m))
          .Key("patrol", store::PatrolKey(m, id))
          .Key("index", store::PatrolIndexKey(m))
          .Key("day", store::PatrolDayKey(m, day))
          .Arg("fingerprint", write.fingerprint)
          .Arg("patrol", id)
          .Arg("member", m)
          .Int("started_ms", now_ms)
          .Int("ttl", RetentionSeconds())
          .Int("trim_before",
               now_ms - absl::ToInt64Milliseconds(kPatrolRetention))
          .Run(*redis_));
  const auto& e = reply.elements();
  int code = e.empty() ? -2 : static_cast<int>(e[0].integer());
  if (code == 1) return std::make_pair(e[1].str(), WriteOutcome::kDone);
  if (code == 0) return std::make_pair(e[1].str(), WriteOutcome::kReplayed);
  if (code == 2) {
    return absl::FailedPreconditionError(
        absl::StrCat("member ", m, " already has an active patrol, ",
                     e[1].str(), "; end it first"));
  }
  return Refusal(reply, id, 0);
}

absl::StatusOr<WriteOutcome> RedisPatrolStore::AppendTrack(
    const PatrolWrite& write, const std::string& patrol_id,
    const std::vector<LocatedPoint>& points) {
  const std::string& m = write.member_id;
  std::vector<std::string> entries, coords;
  // Date → the member's grids reached that date.
  std::map<std::string, std::vector<std::string>> visited;
  for (const LocatedPoint& p : points) {
    std::string lat = Coordinate(p.latitude), lng = Coordinate(p.longitude);
    entries.push_back(absl::StrCat(absl::ToUnixMillis(p.at), ",", lat, ",", lng,
                                   ",", p.grid_code));
    coords.push_back(absl::StrCat(lat, ",", lng));
    if (p.own) {
      std::vector<std::string>& grids = visited[Day(p.at)];
      if (std::find(grids.begin(), grids.end(), p.grid_code) == grids.end()) {
        grids.push_back(p.grid_code);
      }
    }
  }
  std::vector<std::string> visited_keys, visited_grids;
  for (const auto& [day, grids] : visited) {
    visited_keys.push_back(store::PatrolVisitedKey(m, day));
    visited_grids.push_back(absl::StrJoin(grids, ","));
  }
  std::string today = points.empty() ? "" : Day(points.back().at);
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      store::ScriptCall(store::scripts::PatrolRecord())
          .Key("request", store::PatrolRequestKey(m, write.request_id))
          .Key("patrol", store::PatrolKey(m, patrol_id))
          .Key("list", store::PatrolTrackKey(m, patrol_id))
          .Key("grids", store::PatrolGridsKey(m, patrol_id))
          .Key("day", store::PatrolDayKey(m, today))
          .Keys("visited", visited_keys)
          .Arg("fingerprint", write.fingerprint)
          .Arg("patrol", patrol_id)
          .Arg("field", "points")
          .Int("max", kMaxTrackPoints)
          .Int("ttl", RetentionSeconds())
          .Args("entries", entries)
          .Args("coords", coords)
          .Args("visited_grids", visited_grids)
          .Run(*redis_));
  return OutcomeOf(reply, patrol_id, kMaxTrackPoints);
}

absl::StatusOr<WriteOutcome> RedisPatrolStore::AppendCheckIn(
    const PatrolWrite& write, const std::string& patrol_id,
    const v1::PatrolCheckIn& check_in, absl::Time now) {
  const std::string& m = write.member_id;
  std::string day = Day(now);
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      store::ScriptCall(store::scripts::PatrolRecord())
          .Key("request", store::PatrolRequestKey(m, write.request_id))
          .Key("patrol", store::PatrolKey(m, patrol_id))
          .Key("list", store::PatrolCheckInsKey(m, patrol_id))
          .Key("grids", store::PatrolGridsKey(m, patrol_id))
          .Key("day", store::PatrolDayKey(m, day))
          .Keys("visited", {store::PatrolVisitedKey(m, day)})
          .Arg("fingerprint", write.fingerprint)
          .Arg("patrol", patrol_id)
          .Arg("field", "check_ins")
          .Int("max", kMaxCheckIns)
          .Int("ttl", RetentionSeconds())
          .Args("entries", {check_in.SerializeAsString()})
          .Args("coords", {})
          .Args("visited_grids", {check_in.grid_code()})
          .Run(*redis_));
  return OutcomeOf(reply, patrol_id, kMaxCheckIns);
}

absl::StatusOr<WriteOutcome> RedisPatrolStore::End(const PatrolWrite& write,
                                                   const std::string& patrol_id,
                                                   absl::Time now) {
  const std::string& m = write.member_id;
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      store::ScriptCall(store::scripts::PatrolEnd())
          .Key("request", store::PatrolRequestKey(m, write.request_id))
          .Key("patrol", store::PatrolKey(m, patrol_id))
          .Key("active", store::PatrolActiveKey(m))
          .Arg("fingerprint", write.fingerprint)
          .Arg("patrol", patrol_id)
          .Int("ended_ms", absl::ToUnixMillis(now))
          .Run(*redis_));
  return OutcomeOf(reply, patrol_id, 0);
}

absl::StatusOr<std::optional<v1::Patrol>> RedisPatrolStore::Get(
    const std::string& patrol_id, PatrolDetail detail) {
  ASSIGN_OR_RETURN(std::string m, MemberOfPatrol(patrol_id, "patrol_id"));
  std::vector<redis::Args> reads = {
      {"HGETALL", store::PatrolKey(m, patrol_id)}};
  if (detail != PatrolDetail::kRecord) {
    reads.push_back({"SMEMBERS", store::PatrolGridsKey(m, patrol_id)});
    reads.push_back(
        {"LRANGE", store::PatrolCheckInsKey(m, patrol_id), "0", "-1"});
  }
  if (detail == PatrolDetail::kTrack) {
    reads.push_back({"LRANGE", store::PatrolTrackKey(m, patrol_id), "0", "-1"});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> r, redis_->Pipeline(reads));
  for (const redis::Reply& reply : r) RETURN_IF_ERROR(reply.ToStatus());
  if (r[0].elements().empty()) return std::nullopt;
  if (detail == PatrolDetail::kRecord)
    return PatrolOf(patrol_id, r[0], nullptr);
  ASSIGN_OR_RETURN(v1::Patrol p, PatrolOf(patrol_id, r[0], &r[1]));
  for (const redis::Reply& e : r[2].elements()) {
    if (!p.add_check_ins()->ParseFromString(e.str())) {
      return absl::DataLossError(
          absl::StrCat("a check-in of patrol ", patrol_id, " is corrupt"));
    }
  }
  if (detail == PatrolDetail::kTrack) {
    for (const redis::Reply& e : r[3].elements()) {
      ASSIGN_OR_RETURN(*p.add_track(), ParseTrackEntry(e.str()));
    }
  }
  return p;
}

absl::StatusOr<PatrolPage> RedisPatrolStore::List(const std::string& member_id,
                                                  int page_size,
                                                  const std::string& after) {
  // `after` is the start time (ms) of the last patrol listed: one member
  // starts at most one patrol at a time, so start times are distinct.
  std::string max = after.empty() ? "+inf" : absl::StrCat("(", after);
  ASSIGN_OR_RETURN(
      redis::Reply ids,
      redis_->Command({"ZREVRANGEBYSCORE", store::PatrolIndexKey(member_id),
                       max, "-inf", "WITHSCORES", "LIMIT", "0",
                       absl::StrCat(page_size + 1)}));
  // Pairs of (patrol id, start ms); one pair more than the page says more
  // follow.
  const auto& e = ids.elements();
  size_t listed_count = std::min(e.size() / 2, static_cast<size_t>(page_size));
  PatrolPage page;
  if (e.size() / 2 > listed_count) page.next = e[2 * listed_count - 1].str();
  std::vector<redis::Args> reads;
  std::vector<std::string> listed;
  for (size_t i = 0; i < listed_count; ++i) {
    listed.push_back(e[2 * i].str());
    reads.push_back({"HGETALL", store::PatrolKey(member_id, listed.back())});
    reads.push_back(
        {"SMEMBERS", store::PatrolGridsKey(member_id, listed.back())});
  }
  if (reads.empty()) return page;
  ASSIGN_OR_RETURN(std::vector<redis::Reply> r, redis_->Pipeline(reads));
  for (size_t i = 0; i < listed.size(); ++i) {
    if (r[2 * i].elements().empty()) continue;  // expired since listed
    ASSIGN_OR_RETURN(v1::Patrol p,
                     PatrolOf(listed[i], r[2 * i], &r[2 * i + 1]));
    page.patrols.push_back(std::move(p));
  }
  return page;
}

}  // namespace gridcase::intake
