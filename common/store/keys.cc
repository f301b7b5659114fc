#include "common/store/keys.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace gridcase::store {

int ShardOf(absl::string_view town_code, int shards) {
  uint32_t h = 2166136261u;
  for (unsigned char c : town_code) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int>(h % static_cast<uint32_t>(shards));
}

std::string Tag(int shard) { return absl::StrCat("{s:", shard, "}"); }

std::string CaseKey(int shard, absl::string_view id) {
  return absl::StrCat(Tag(shard), ":case:", id);
}
std::string TimelineKey(int shard, absl::string_view id) {
  return absl::StrCat(Tag(shard), ":timeline:", id);
}
std::string FollowersKey(int shard, absl::string_view id) {
  return absl::StrCat(Tag(shard), ":followers:", id);
}

std::string ArchiveKey(int shard, absl::string_view id) {
  return absl::StrCat(Tag(shard), ":arc:", id);
}

std::string ArchiveDictionaryKey(uint32_t id) {
  return absl::StrCat(kArchiveDictionaryKey, ":", id);
}

std::string IdempotencyScope(absl::string_view subject,
                             absl::string_view request_id) {
  return absl::StrCat(subject.size(), ":", subject, ":", request_id);
}
std::string IdempotencyKey(int shard, absl::string_view scope) {
  return absl::StrCat(Tag(shard), ":idem:", scope);
}
std::string DispatchIdempotencyKey(int shard, absl::string_view scope) {
  return absl::StrCat(Tag(shard), ":idem:dispatch:", scope);
}
std::string ExternalRefKey(int shard, absl::string_view system,
                           absl::string_view id) {
  return absl::StrCat(Tag(shard), ":ext:", system, ":", id);
}

std::string SequenceKey(int shard, absl::string_view division,
                        absl::string_view yyyymmdd) {
  return absl::StrCat(Tag(shard), ":seq:", division, ":", yyyymmdd);
}
std::string SequenceRunKey(int shard, absl::string_view division,
                           absl::string_view yyyymmdd) {
  return absl::StrCat(Tag(shard), ":seqrun:", division, ":", yyyymmdd);
}

std::string IndexKey(int shard, absl::string_view kind,
                     absl::string_view value) {
  return absl::StrCat(Tag(shard), ":idx:", kind, ":", value);
}
std::string StateIndexKey(int shard, v1::CaseState state) {
  return IndexKey(shard, kStateIndex, absl::StrCat(static_cast<int>(state)));
}
std::string AllCasesIndexKey(int shard) {
  return IndexKey(shard, kAllIndex, "cases");
}

std::string GeoOpenKey(int shard, absl::string_view category) {
  return absl::StrCat(Tag(shard), ":geo:open:", category);
}
std::string GeoCasesKey(int shard) {
  return absl::StrCat(Tag(shard), ":geo:cases");
}

std::string AlarmsKey(int shard) { return absl::StrCat(Tag(shard), ":alarms"); }
std::string AlarmMember(absl::string_view case_id, bool overdue) {
  return absl::StrCat(case_id, overdue ? "|d" : "|w");
}
std::optional<AlarmOf> ParseAlarmMember(absl::string_view member) {
  size_t bar = member.rfind('|');
  if (bar == absl::string_view::npos) return std::nullopt;
  return AlarmOf{std::string(member.substr(0, bar)),
                 member.substr(bar + 1) == "d"};
}

std::string DeferredKey(int shard) {
  return absl::StrCat(Tag(shard), ":deferred");
}

std::string ClosedKey(int shard) { return absl::StrCat(Tag(shard), ":closed"); }
std::string ClosedBackfilledKey(int shard) {
  return absl::StrCat(Tag(shard), ":closed:backfilled");
}

std::string ReviewQueue() { return "q:review"; }
std::string DepartmentQueue(absl::string_view department_id) {
  return absl::StrCat("q:dept:", department_id);
}
std::string VerifyQueue() { return "q:verify"; }
std::string GridVerifyQueue(absl::string_view grid_code) {
  return absl::StrCat("q:verify:", grid_code);
}
std::string ApprovalsQueue() { return "q:approvals"; }
std::string SupervisionQueue() { return "q:sup"; }
std::string UnsatisfiedQueue() { return "q:unsatisfied"; }
std::string CheckQueue() { return "q:check"; }
std::string GridCheckQueue(absl::string_view grid_code) {
  return absl::StrCat("q:check:", grid_code);
}
std::string DepartmentSupervisionQueue(absl::string_view department_id) {
  return absl::StrCat("q:sup:", department_id);
}
std::string QueueKey(int shard, absl::string_view queue_name) {
  return absl::StrCat(Tag(shard), ":", queue_name);
}

std::string OpenCountsKey(int shard) {
  return absl::StrCat(Tag(shard), ":open");
}
std::string OverdueCountsKey(int shard) {
  return absl::StrCat(Tag(shard), ":overdue");
}
std::string OpenCountField(v1::CaseState state, absl::string_view town_code) {
  return absl::StrCat(static_cast<int>(state), "|", town_code);
}
OpenCountOf ParseOpenCountField(absl::string_view field) {
  OpenCountOf out;
  size_t bar = field.find('|');
  int state = 0;
  if (absl::SimpleAtoi(field.substr(0, bar), &state)) {
    out.state = static_cast<v1::CaseState>(state);
  }
  if (bar != absl::string_view::npos) {
    out.town_code = std::string(field.substr(bar + 1));
  }
  return out;
}
std::string OverdueCountField(absl::string_view department_id) {
  return department_id.empty() ? "-" : std::string(department_id);
}
std::string DepartmentOfOverdueField(absl::string_view field) {
  return field == "-" ? "" : std::string(field);
}

std::string EventsKey(int shard) { return absl::StrCat(Tag(shard), ":events"); }
std::string DeadEventsKey(int shard) {
  return absl::StrCat(Tag(shard), ":events:dead");
}
std::optional<int> ShardOfEventsKey(absl::string_view key) {
  int shard = 0;
  if (!absl::ConsumePrefix(&key, "{s:") ||
      !absl::ConsumeSuffix(&key, "}:events") ||
      !absl::SimpleAtoi(key, &shard) || shard < 0) {
    return std::nullopt;
  }
  return shard;
}

std::string StatsMetaKey(int shard) {
  return absl::StrCat(Tag(shard), ":st:meta");
}
std::string StatsShardPrefix(int shard) {
  return absl::StrCat(Tag(shard), ":st:");
}
std::string StatsGenerationPrefix(int shard, int64_t generation) {
  return absl::StrCat(StatsShardPrefix(shard), generation, ":");
}
std::optional<int64_t> StatsGenerationOfKey(int shard, absl::string_view key) {
  int64_t generation = 0;
  if (!absl::ConsumePrefix(&key, StatsShardPrefix(shard)) ||
      !absl::SimpleAtoi(key.substr(0, key.find(':')), &generation)) {
    return std::nullopt;
  }
  return generation;
}
std::string StatsBucketSuffix(absl::string_view kind,
                              absl::string_view bucket) {
  return absl::StrCat(kind, ":", bucket);
}
std::string StatsNowSuffix(absl::string_view kind) {
  return absl::StrCat("now:", kind);
}
std::string StatsHotspotSuffix(absl::string_view town_code,
                               absl::string_view bucket) {
  return absl::StrCat("hs:", town_code, ":", bucket);
}
std::string ReportCurrentKey(absl::string_view region, char kind,
                             absl::string_view start) {
  return absl::StrCat("{rpt:", region, "}:cur:", std::string(1, kind), ":",
                      start);
}

std::string ReportDocKey(absl::string_view region,
                         absl::string_view report_id) {
  return absl::StrCat("{rpt:", region, "}:doc:", report_id);
}

std::string ReportSummaryKey(absl::string_view region,
                             absl::string_view report_id) {
  return absl::StrCat("{rpt:", region, "}:sum:", report_id);
}

std::string ReportListKey(absl::string_view region) {
  return absl::StrCat("{rpt:", region, "}:list");
}

std::string ReportKindListKey(absl::string_view region, char kind) {
  return absl::StrCat("{rpt:", region, "}:list:", std::string(1, kind));
}

namespace {
std::string PatrolTag(absl::string_view member_id) {
  return absl::StrCat("{pt:", member_id, "}");
}
}  // namespace

std::string PatrolSequenceKey(absl::string_view member_id) {
  return absl::StrCat(PatrolTag(member_id), ":seq");
}
std::string PatrolActiveKey(absl::string_view member_id) {
  return absl::StrCat(PatrolTag(member_id), ":active");
}
std::string PatrolIndexKey(absl::string_view member_id) {
  return absl::StrCat(PatrolTag(member_id), ":idx");
}
std::string PatrolKey(absl::string_view member_id,
                      absl::string_view patrol_id) {
  return absl::StrCat(PatrolTag(member_id), ":p:", patrol_id);
}
std::string PatrolTrackKey(absl::string_view member_id,
                           absl::string_view patrol_id) {
  return absl::StrCat(PatrolTag(member_id), ":trk:", patrol_id);
}
std::string PatrolCheckInsKey(absl::string_view member_id,
                              absl::string_view patrol_id) {
  return absl::StrCat(PatrolTag(member_id), ":ci:", patrol_id);
}
std::string PatrolGridsKey(absl::string_view member_id,
                           absl::string_view patrol_id) {
  return absl::StrCat(PatrolTag(member_id), ":g:", patrol_id);
}
std::string PatrolVisitedKey(absl::string_view member_id,
                             absl::string_view yyyymmdd) {
  return absl::StrCat(PatrolTag(member_id), ":v:", yyyymmdd);
}
std::string PatrolDayKey(absl::string_view member_id,
                         absl::string_view yyyymmdd) {
  return absl::StrCat(PatrolTag(member_id), ":d:", yyyymmdd);
}
std::string PatrolRequestKey(absl::string_view member_id,
                             absl::string_view request_id) {
  return absl::StrCat(PatrolTag(member_id), ":rq:", request_id);
}

std::string StatsSeenSuffix(absl::string_view event_id) {
  int64_t ms = 0;
  // An entry id we read from a stream; a malformed one counts as day 0.
  (void)absl::SimpleAtoi(event_id.substr(0, event_id.find('-')), &ms);
  return absl::StrCat("seen:",
                      absl::FormatTime("%Y%m%d", absl::FromUnixMillis(ms),
                                       absl::UTCTimeZone()));
}

std::string RateKey(absl::string_view scope, absl::string_view bucket) {
  return absl::StrCat("{rl:", scope, ":", bucket, "}");
}
std::string ReportQuotaKey(absl::string_view reporter_id,
                           absl::string_view yyyymmdd) {
  return absl::StrCat("{rq:", reporter_id, "}:", yyyymmdd);
}

std::string NotifyDeliveryKey(int shard, absl::string_view delivery_id) {
  return absl::StrCat(Tag(shard), ":nt:d:", delivery_id);
}
std::string NotifyDueKey(int shard) {
  return absl::StrCat(Tag(shard), ":nt:due");
}
std::string NotifyDeadKey(int shard) {
  return absl::StrCat(Tag(shard), ":nt:dead");
}
std::string NotifyCaseKey(int shard, absl::string_view case_id) {
  return absl::StrCat(Tag(shard), ":nt:case:", case_id);
}
std::string NotifyRecipientKey(int shard, absl::string_view kind,
                               absl::string_view recipient_id) {
  return absl::StrCat(Tag(shard), ":nt:to:", kind, ":", recipient_id);
}

}  // namespace gridcase::store
