#include "services/intake/case_store.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/redis/stream_id.h"
#include "common/status/status_macros.h"
#include "common/store/case_hash.h"
#include "common/store/case_id.h"
#include "common/store/case_reader.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"
#include "common/store/scripts.h"
#include "common/store/stream_entry.h"

namespace gridcase::intake {
namespace {

// Phases of a report that may repeat before it is stored: the nearby cases
// changed between reserving the id and storing the case.
constexpr int kReportAttempts = 8;

int64_t IntField(const std::string& s) {
  int64_t n = 0;
  (void)absl::SimpleAtoi(s, &n);
  return n;
}

}  // namespace

// A report is two scripts on the case's shard (common/store/lua): the
// first checks idempotency, numbers the case and lists the open cases of
// the category near the point; the second, with those cases' keys declared,
// stores the case or merges it into one of them. A number reserved for a
// report that is then replayed or not stored is a gap, which case ids
// allow (common/store/case_id.h).
absl::StatusOr<ReportResult> RedisCaseStore::Report(const NewReport& r) {
  const int shard = r.shard;
  // An external reference lives on the shard of its case's town: the
  // scripts check this report's shard after the idempotency record (so a
  // retry still replays), and the other shards are looked at first.
  std::vector<std::string> ext;
  if (!r.external_ref.system().empty()) {
    ASSIGN_OR_RETURN(std::string known, FindExternalRef(r.external_ref, shard));
    if (!known.empty()) {
      return ReportResult{.case_id = known, .existing = true};
    }
    ext.push_back(store::ExternalRefKey(shard, r.external_ref.system(),
                                        r.external_ref.id()));
  }
  const std::string lng = absl::StrFormat("%.7f", r.longitude);
  const std::string lat = absl::StrFormat("%.7f", r.latitude);
  store::ScriptCall reserve =
      store::ScriptCall(store::scripts::IntakeReserve())
          .Key("idem", store::IdempotencyKey(shard, r.idempotency_scope))
          .Key("seq", store::SequenceKey(shard, r.division, r.date))
          .Key("seqrun", store::SequenceRunKey(shard, r.division, r.date))
          .Key("geo_open", store::GeoOpenKey(shard, r.category_code))
          .Keys("ext", ext)
          .Arg("fingerprint", r.fingerprint)
          .Arg("lng", lng)
          .Arg("lat", lat)
          .Int("radius_m", r.duplicate_radius_m)
          .Int("counter_gap", store::kCounterGapAfterRestart)
          .Int("day_start_ms", absl::ToUnixMillis(r.day_start))
          .Int("skew_ms",
               absl::ToInt64Milliseconds(options_.clock_skew_margin));
  ASSIGN_OR_RETURN(redis::Reply reserved, reserve.Run(*redis_));
  const auto& e = reserved.elements();
  int64_t sequence = 0;
  if (e.size() < 2 ||
      (e[0].str() == "sequence" && !absl::SimpleAtoi(e[1].str(), &sequence))) {
    return absl::InternalError(
        absl::StrCat("intake_reserve: bad reply ", reserved.DebugString()));
  }
  if (e[0].str() == "replay") {
    // Acknowledged once the replicas hold the original: the script renews
    // the idempotency key's expiry, a replicated no-op that WAIT (on its
    // connection) then covers.
    if (options_.wait.count > 0) {
      RETURN_IF_ERROR(reserve.Run(*redis_, options_.wait).status());
    }
    return ReportResult{e[1].str(), true, false, ""};
  }
  if (e[0].str() == "existing") {
    return ReportResult{.case_id = e[1].str(), .existing = true};
  }
  std::vector<std::string> candidates;
  for (size_t i = 2; i < e.size(); ++i) candidates.push_back(e[i].str());
  const std::string id = store::FormatCaseId(
      r.division, r.date, sequence * options_.shards + shard);

  std::vector<std::string> indices;
  for (const auto& [kind, value] : r.indices) {
    indices.push_back(store::IndexKey(shard, kind, value));
  }
  for (int attempt = 0; attempt < kReportAttempts; ++attempt) {
    std::vector<std::string> candidate_cases, candidate_followers;
    for (const std::string& c : candidates) {
      candidate_cases.push_back(store::CaseKey(shard, c));
      candidate_followers.push_back(store::FollowersKey(shard, c));
    }
    ASSIGN_OR_RETURN(
        redis::Reply reply,
        store::ScriptCall(store::scripts::IntakeReport())
            .Key("idem", store::IdempotencyKey(shard, r.idempotency_scope))
            .Key("events", store::EventsKey(shard))
            .Key("geo_open", store::GeoOpenKey(shard, r.category_code))
            .Key("geo_cases", store::GeoCasesKey(shard))
            .Key("open_counts", store::OpenCountsKey(shard))
            .Key("case", store::CaseKey(shard, id))
            .Key("timeline", store::TimelineKey(shard, id))
            .Key("followers", store::FollowersKey(shard, id))
            .Key("reported_index",
                 store::StateIndexKey(shard, v1::CASE_STATE_REPORTED))
            .Key("merged_index",
                 store::StateIndexKey(shard, v1::CASE_STATE_MERGED))
            .Keys("indices", indices)
            .Keys("candidate_cases", std::move(candidate_cases))
            .Keys("candidate_followers", std::move(candidate_followers))
            .Key("closed", store::ClosedKey(shard))
            .Keys("ext", ext)
            .Arg("fingerprint", r.fingerprint)
            .Arg("case_id", id)
            .Int("now_ms", absl::ToUnixMillis(r.now))
            .Arg("lng", lng)
            .Arg("lat", lat)
            .Int("radius_m", r.duplicate_radius_m)
            .Int("window_ms", absl::ToInt64Milliseconds(r.duplicate_window))
            .Arg("case_pb", store::StoredCasePb(r.case_template))
            .Arg("reported_pb", r.reported_event.SerializeAsString())
            .Arg("merged_pb", r.merged_event.SerializeAsString())
            .Int("idem_ttl_s", absl::ToInt64Seconds(options_.idempotency_ttl))
            .Int("maxlen", options_.stream_max_length)
            .Arg("reporter", r.reporter_id)
            .Arg("open_field",
                 store::OpenCountField(v1::CASE_STATE_REPORTED,
                                       r.case_template.town_code()))
            .Args("candidates", candidates)
            .Run(*redis_, options_.wait));
    const auto& f = reply.elements();
    if (!f.empty() && f[0].str() == "candidates") {
      candidates.clear();
      for (size_t i = 1; i < f.size(); ++i) candidates.push_back(f[i].str());
      continue;
    }
    if (f.size() < 2) {
      return absl::InternalError(
          absl::StrCat("intake_report: bad reply ", reply.DebugString()));
    }
    ReportResult result;
    result.case_id = f[1].str();
    result.replayed = f[0].str() == "replay";
    result.merged = f[0].str() == "merged";
    result.existing = f[0].str() == "existing";
    if (f.size() > 2) result.merged_into = f[2].str();
    if (f[0].str() == "created") {
      // What intake_report.lua wrote for a new case, through the same
      // codec a read uses, instead of reading it back.
      store::StoredCase written;
      written.c = r.case_template;
      written.c.set_state(v1::CASE_STATE_REPORTED);
      written.c.set_version(1);
      written.c.set_report_count(1);
      written.c.set_follower_count(0);
      written.reported_ms = absl::ToUnixMillis(r.now);
      ASSIGN_OR_RETURN(
          store::StoredCase decoded,
          store::DecodeCaseFields(result.case_id, store::EncodeCase(written)));
      result.stored = std::move(decoded.c);
    }
    return result;
  }
  return absl::AbortedError(
      "report: the cases near the point kept changing; retry with the same "
      "request_id");
}

absl::StatusOr<v1::Case> RedisCaseStore::GetCase(const std::string& case_id) {
  ASSIGN_OR_RETURN(store::CaseId id,
                   store::ParseCaseId(case_id, options_.shards));
  ASSIGN_OR_RETURN(store::StoredCase stored,
                   store::ReadCase(*redis_, id.shard, case_id));
  return std::move(stored.c);
}

std::vector<redis::Args> RedisCaseStore::ExternalRefReads(
    const v1::ExternalRef& ref, int skip_shard) const {
  std::vector<redis::Args> gets;
  for (int shard = 0; shard < options_.shards; ++shard) {
    if (shard == skip_shard) continue;
    gets.push_back(
        {"GET", store::ExternalRefKey(shard, ref.system(), ref.id())});
  }
  return gets;
}

absl::StatusOr<std::string> RedisCaseStore::FoundExternalRef(
    const std::vector<redis::Reply>& replies) {
  for (const redis::Reply& reply : replies) {
    RETURN_IF_ERROR(reply.ToStatus());
    if (!reply.is_nil()) return reply.str();
  }
  return "";
}

absl::StatusOr<std::string> RedisCaseStore::FindExternalRef(
    const v1::ExternalRef& ref, int skip_shard) {
  ASSIGN_OR_RETURN(std::vector<redis::Reply> replies,
                   redis_->Pipeline(ExternalRefReads(ref, skip_shard)));
  return FoundExternalRef(replies);
}

namespace {

absl::Status NoCaseWithRef(const v1::ExternalRef& ref) {
  return absl::NotFoundError(absl::StrCat("external_ref: no case has ",
                                          ref.system(), " reference '",
                                          ref.id(), "'"));
}

}  // namespace

absl::StatusOr<std::string> RedisCaseStore::CaseIdByExternalRef(
    const v1::ExternalRef& ref) {
  ASSIGN_OR_RETURN(std::string id, FindExternalRef(ref, -1));
  if (id.empty()) return NoCaseWithRef(ref);
  return id;
}

void CaseStore::GetCaseAsync(CaseQuery query, CaseReadDone done) {
  std::move(done)([&]() -> absl::StatusOr<CaseRead> {
    if (query.external_ref.has_value()) {
      ASSIGN_OR_RETURN(query.case_id, CaseIdByExternalRef(*query.external_ref));
    }
    CaseRead read;
    ASSIGN_OR_RETURN(read.c, GetCase(query.case_id));
    if (query.with_timeline) {
      ASSIGN_OR_RETURN(read.timeline, Timeline(query.case_id));
    }
    return read;
  }());
}

void RedisCaseStore::GetCaseAsync(CaseQuery query, CaseReadDone done) {
  if (!query.external_ref.has_value()) {
    ReadCaseAsync(std::move(query), std::move(done));
    return;
  }
  std::vector<redis::Args> reads = ExternalRefReads(*query.external_ref, -1);
  redis_->PipelineAsync(
      reads, [this, query = std::move(query), done = std::move(done)](
                 absl::StatusOr<std::vector<redis::Reply>> replies) mutable {
        absl::StatusOr<std::string> id =
            replies.ok() ? FoundExternalRef(*replies) : replies.status();
        if (id.ok() && id->empty()) id = NoCaseWithRef(*query.external_ref);
        if (!id.ok()) {
          std::move(done)(id.status());
          return;
        }
        query.case_id = *std::move(id);
        query.external_ref.reset();
        ReadCaseAsync(std::move(query), std::move(done));
      });
}

void RedisCaseStore::ReadCaseAsync(CaseQuery query, CaseReadDone done) {
  absl::StatusOr<store::CaseId> id =
      store::ParseCaseId(query.case_id, options_.shards);
  if (!id.ok()) {
    std::move(done)(id.status());
    return;
  }
  int shard = id->shard;
  store::ReadCaseAsync(
      *redis_, shard, query.case_id, query.with_timeline,
      [shard, case_id = query.case_id, done = std::move(done)](
          absl::StatusOr<store::CaseAndTimeline> found) mutable {
        std::move(done)([&]() -> absl::StatusOr<CaseRead> {
          RETURN_IF_ERROR(found.status());
          CaseRead read{std::move(found->stored.c), {}};
          for (const std::string& entry : found->timeline) {
            ASSIGN_OR_RETURN(v1::CaseEvent e,
                             store::ParseTimelineEntry(entry, case_id, shard));
            read.timeline.push_back(std::move(e));
          }
          return read;
        }());
      });
}

absl::StatusOr<std::vector<v1::Case>> RedisCaseStore::GetCases(
    const std::vector<std::string>& case_ids) {
  std::vector<store::CaseRef> cases;
  for (const std::string& case_id : case_ids) {
    ASSIGN_OR_RETURN(store::CaseId id,
                     store::ParseCaseId(case_id, options_.shards));
    cases.emplace_back(id.shard, case_id);
  }
  ASSIGN_OR_RETURN(std::vector<store::StoredCase> stored,
                   store::ReadCases(*redis_, cases));
  std::vector<v1::Case> out;
  for (store::StoredCase& c : stored) out.push_back(std::move(c.c));
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
        redis_->Command({"ZRANGE", store::IndexKey(shard, kind, value), max,
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
    commands.push_back({"GEOSEARCH", store::GeoCasesKey(shard), "FROMLONLAT",
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
  ASSIGN_OR_RETURN(store::CaseId id,
                   store::ParseCaseId(f.case_id, options_.shards));
  int shard = id.shard;
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      store::ScriptCall(store::scripts::IntakeFollowUp())
          .Key("idem", store::IdempotencyKey(shard, f.idempotency_scope))
          .Key("case", store::CaseKey(shard, f.case_id))
          .Key("followers", store::FollowersKey(shard, f.case_id))
          .Key("events", store::EventsKey(shard))
          .Key("timeline", store::TimelineKey(shard, f.case_id))
          .Key("archive", store::ArchiveKey(shard, f.case_id))
          .Arg("fingerprint", f.fingerprint)
          .Arg("event_pb", f.event.SerializeAsString())
          .Int("idem_ttl_s", absl::ToInt64Seconds(options_.idempotency_ttl))
          .Int("maxlen", options_.stream_max_length)
          .Arg("reporter", f.reporter_id)
          .Arg("me_too", f.me_too ? "1" : "0")
          .Arg("case_id", f.case_id)
          .Int("expected_version", f.expected_version)
          .Run(*redis_, options_.wait));
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
        {"XREVRANGE", store::EventsKey(shard), "+", "-", "COUNT", "1"});
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
      redis_->Command({"XINFO", "STREAM", store::EventsKey(shard)});
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

// One element of a stream reply ([id, [field, value, ...]]) of `shard`.
StreamEvent ToStreamEvent(int shard, const redis::Reply& element) {
  StreamEvent se;
  se.shard = shard;
  se.event.set_shard(shard);
  absl::StatusOr<store::StreamEntry> entry =
      store::DecodeStreamEntry(shard, element);
  if (!entry.ok()) {
    se.corrupt = true;
    return se;
  }
  absl::StatusOr<v1::CaseEvent> event = store::ToCaseEvent(*entry);
  if (!event.ok()) {
    se.event.set_id(entry->id);
    se.corrupt = true;
    return se;
  }
  se.event = *std::move(event);
  return se;
}

}  // namespace

absl::StatusOr<std::vector<StreamEvent>> RedisCaseStore::ReadEvents(
    const std::vector<std::pair<int, std::string>>& positions,
    absl::Duration block, int count) {
  // One XREAD on one Redis; per master on a cluster (ReadStreams).
  redis::StreamRead read{.count = count, .block = block};
  for (const auto& [shard, id] : positions) {
    read.streams.emplace_back(store::EventsKey(shard), id);
  }
  ASSIGN_OR_RETURN(redis::Reply reply, redis_->ReadStreams(read));
  std::vector<StreamEvent> out;
  for (const redis::Reply& stream : reply.elements()) {
    const auto& kv = stream.elements();
    if (kv.size() != 2) continue;
    std::optional<int> shard = store::ShardOfEventsKey(kv[0].str());
    if (!shard.has_value()) continue;  // not a key we asked for
    for (const redis::Reply& entry : kv[1].elements()) {
      out.push_back(ToStreamEvent(*shard, entry));
    }
  }
  return out;
}

absl::StatusOr<std::vector<StreamEvent>> RedisCaseStore::ReadRange(
    int shard, const std::string& after_id, const std::string& through_id,
    int count) {
  ASSIGN_OR_RETURN(redis::Reply reply,
                   redis_->Command({"XRANGE", store::EventsKey(shard),
                                    absl::StrCat("(", after_id), through_id,
                                    "COUNT", absl::StrCat(count)}));
  std::vector<StreamEvent> out;
  for (const redis::Reply& entry : reply.elements()) {
    out.push_back(ToStreamEvent(shard, entry));
  }
  return out;
}

absl::StatusOr<std::vector<v1::CaseEvent>> RedisCaseStore::Timeline(
    const std::string& case_id) {
  ASSIGN_OR_RETURN(store::CaseId id,
                   store::ParseCaseId(case_id, options_.shards));
  return store::ReadTimeline(*redis_, id.shard, case_id);
}

}  // namespace gridcase::intake
