// Every Redis key gridcase uses, in one place: the data layer's key schema.
// No other file builds a key. docs/architecture.md ("Key schema and hash
// tags") documents each one; keys_doc_test holds the two equal: every line
// `// key: <pattern>` below is a row of that table and every row is here.
//
// Hash tags. Every key one case operation touches carries the case's shard
// tag {s:N}, so each operation is one Lua script on one Redis Cluster slot.
// N = fnv1a32(town code) mod the shard count, which is fixed for the life of
// a deployment. The registry's data lives under {reg}, dispatch's routing
// policy under {disp}; each limit key is its own tag.
#ifndef GRIDCASE_COMMON_STORE_KEYS_H_
#define GRIDCASE_COMMON_STORE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::store {

// The shard of a town.
int ShardOf(absl::string_view town_code, int shards);

// "{s:7}"
std::string Tag(int shard);

// --- One case ---------------------------------------------------------------

// key: {s:N}:case:<id>
std::string CaseKey(int shard, absl::string_view case_id);
// key: {s:N}:timeline:<id>
std::string TimelineKey(int shard, absl::string_view case_id);
// key: {s:N}:followers:<id>
std::string FollowersKey(int shard, absl::string_view case_id);
// The archived form of a closed case (archive.h), which replaces the three
// keys above once it is --archive_after old.
// key: {s:N}:arc:<id>
std::string ArchiveKey(int shard, absl::string_view case_id);
// The zstd dictionaries of archives, by zstd's dictionary id, and the id
// of the one the archiver uses now.
// key: {arc}:dict:<id>
std::string ArchiveDictionaryKey(uint32_t id);
// key: {arc}:dict
inline constexpr char kArchiveDictionaryKey[] = "{arc}:dict";

// The idempotency scope of a caller's request id: "<length of
// subject>:<subject>:<request_id>", so that no two (subject, request_id)
// pairs share one even when subjects contain ':' ("wx:a" + "b:c" and
// "wx:a:b" + "c" differ).
std::string IdempotencyScope(absl::string_view subject,
                             absl::string_view request_id);
// Intake's record of a report or follow-up under a scope.
// key: {s:N}:idem:<scope>
std::string IdempotencyKey(int shard, absl::string_view scope);
// Dispatch's record of a transition under a scope.
// key: {s:N}:idem:dispatch:<scope>
std::string DispatchIdempotencyKey(int shard, absl::string_view scope);
// The case reported with an external reference (v1::ExternalRef; the
// system has no ':'), on the shard of the case's town.
// key: {s:N}:ext:<system>:<id>
std::string ExternalRefKey(int shard, absl::string_view system,
                           absl::string_view id);

// The shard's daily case counter and the run_id of the Redis process that
// last moved it (case_id.h, "Counters and restores").
// key: {s:N}:seq:<division>:<date>
std::string SequenceKey(int shard, absl::string_view division,
                        absl::string_view yyyymmdd);
// key: {s:N}:seqrun:<division>:<date>
std::string SequenceRunKey(int shard, absl::string_view division,
                           absl::string_view yyyymmdd);

// --- Indices of the shard ---------------------------------------------------

// Index kinds: region (town, community or grid code), category (code or
// major class), source (the Source number), reporter (id), state (the
// CaseState number), all ("cases": every case, merged ones included).
inline constexpr char kRegionIndex[] = "region";
inline constexpr char kCategoryIndex[] = "category";
inline constexpr char kSourceIndex[] = "source";
inline constexpr char kReporterIndex[] = "reporter";
inline constexpr char kStateIndex[] = "state";
inline constexpr char kAllIndex[] = "all";
// key: {s:N}:idx:<kind>:<value>
std::string IndexKey(int shard, absl::string_view kind,
                     absl::string_view value);
std::string StateIndexKey(int shard, v1::CaseState state);
std::string AllCasesIndexKey(int shard);

// Open cases of a category, for duplicate detection.
// key: {s:N}:geo:open:<category>
std::string GeoOpenKey(int shard, absl::string_view category_code);
// Every reported (not merged) case with its location, for ListNearby.
// key: {s:N}:geo:cases
std::string GeoCasesKey(int shard);

// --- Dispatch's bookkeeping of the shard ------------------------------------

// Deadline alarms: members AlarmMember(case, overdue), scored in ms.
// key: {s:N}:alarms
std::string AlarmsKey(int shard);
// "<case>|w" (warning) or "<case>|d" (overdue).
std::string AlarmMember(absl::string_view case_id, bool overdue);
// The case id and kind of an alarm member; nullopt if malformed.
struct AlarmOf {
  std::string case_id;
  bool overdue = false;
};
std::optional<AlarmOf> ParseAlarmMember(absl::string_view member);

// Reports held back from automatic routing, scored by when they may go.
// key: {s:N}:deferred
std::string DeferredKey(int shard);

// Cases that reached a final state (closed, voided, merged) and wait for
// the archiver, scored by when (ms).
// key: {s:N}:closed
std::string ClosedKey(int shard);
// Set once the cases already in a final state when the list came (the
// state indices) have been added to it (services/dispatch/archiver.h).
// key: {s:N}:closed:backfilled
std::string ClosedBackfilledKey(int shard);

// Work queues. A queue name is shard-free; QueueKey puts it on a shard.
// key: {s:N}:q:review
std::string ReviewQueue();
// key: {s:N}:q:dept:<department>
std::string DepartmentQueue(absl::string_view department_id);
// key: {s:N}:q:verify
std::string VerifyQueue();
// key: {s:N}:q:verify:<grid>
std::string GridVerifyQueue(absl::string_view grid_code);
// key: {s:N}:q:approvals
std::string ApprovalsQueue();
// key: {s:N}:q:sup
std::string SupervisionQueue();
// key: {s:N}:q:sup:<department>
std::string DepartmentSupervisionQueue(absl::string_view department_id);
// CHECKING cases (核实), and those of one grid (the inspectors' queues).
// key: {s:N}:q:check
std::string CheckQueue();
// key: {s:N}:q:check:<grid>
std::string GridCheckQueue(absl::string_view grid_code);
// CLOSED cases with an unsatisfied rating waiting for the duty chief.
// key: {s:N}:q:unsatisfied
std::string UnsatisfiedQueue();
std::string QueueKey(int shard, absl::string_view queue_name);

// Open cases by state and town, and open overdue cases by department.
// key: {s:N}:open
std::string OpenCountsKey(int shard);
// key: {s:N}:overdue
std::string OverdueCountsKey(int shard);
// The field of OpenCountsKey: "<state number>|<town>".
std::string OpenCountField(v1::CaseState state, absl::string_view town_code);
struct OpenCountOf {
  v1::CaseState state = v1::CASE_STATE_UNSPECIFIED;
  std::string town_code;
};
OpenCountOf ParseOpenCountField(absl::string_view field);
// The field of OverdueCountsKey: the department id, "-" for none.
std::string OverdueCountField(absl::string_view department_id);
// The department of an OverdueCountsKey field ("" for none).
std::string DepartmentOfOverdueField(absl::string_view field);

// --- Events -----------------------------------------------------------------

// key: {s:N}:events
std::string EventsKey(int shard);
// Entries of EventsKey(shard) a consumer group could not handle.
// key: {s:N}:events:dead
std::string DeadEventsKey(int shard);
// The shard of an EventsKey; nullopt if `key` is not one.
std::optional<int> ShardOfEventsKey(absl::string_view key);

// --- Notifications (services/notify) -----------------------------------------

// One delivery of the outbox (a hash), by its stable id
// "<shard>/<event id>/<recipient kind>/<recipient id>/<channel>".
// key: {s:N}:nt:d:<delivery>
std::string NotifyDeliveryKey(int shard, absl::string_view delivery_id);
// The shard's deliveries waiting to be sent or leased, scored by when they
// are due (ms).
// key: {s:N}:nt:due
std::string NotifyDueKey(int shard);
// The shard's dead-lettered deliveries, scored by when they died (ms).
// key: {s:N}:nt:dead
std::string NotifyDeadKey(int shard);
// The deliveries of one case, scored by creation (ms).
// key: {s:N}:nt:case:<id>
std::string NotifyCaseKey(int shard, absl::string_view case_id);
// The deliveries to one recipient on this shard, scored by creation (ms);
// kind is the RecipientKind name without its prefix ("DEPARTMENT").
// key: {s:N}:nt:to:<kind>:<recipient>
std::string NotifyRecipientKey(int shard, absl::string_view kind,
                               absl::string_view recipient_id);

// --- Statistics (services/stats) --------------------------------------------

// key: {s:N}:st:meta
std::string StatsMetaKey(int shard);
// key: stats:generation
inline constexpr char kStatsGenerationKey[] = "stats:generation";
// "{s:N}:st:": every statistics key of the shard starts with it.
std::string StatsShardPrefix(int shard);
// "{s:N}:st:<gen>:": every key of one generation starts with it; the
// suffixes below complete it.
std::string StatsGenerationPrefix(int shard, int64_t generation);
// The generation of a key under StatsShardPrefix; nullopt for the meta key.
std::optional<int64_t> StatsGenerationOfKey(int shard, absl::string_view key);
// Counters of a kind (services/stats/dimensions.h) in a bucket, a day
// (YYYYMMDD) or a calendar month (YYYYMM).
// key: {s:N}:st:<gen>:<kind>:<bucket>
std::string StatsBucketSuffix(absl::string_view kind, absl::string_view bucket);
// Open cases now, by kind.
// key: {s:N}:st:<gen>:now:<kind>
std::string StatsNowSuffix(absl::string_view kind);
// Hotspot cells of a town by report bucket (day or month).
// key: {s:N}:st:<gen>:hs:<town>:<bucket>
std::string StatsHotspotSuffix(absl::string_view town_code,
                               absl::string_view bucket);
// The case records.
// key: {s:N}:st:<gen>:cases
inline constexpr char kStatsCasesSuffix[] = "cases";
// Ids of the events applied, by the UTC day of the stream entry id.
// key: {s:N}:st:<gen>:seen:<YYYYMMDD>
std::string StatsSeenSuffix(absl::string_view event_id);

// --- Published reports (services/stats/report_store.h) ----------------------
// Every key of one region's reports carries the tag {rpt:<region>}, so one
// script publishes a report on one slot. <kind> is D, W or M, <start> the
// period's first day YYYYMMDD.

// The id of the report in force for a period.
// key: {rpt:<region>}:cur:<kind>:<start>
std::string ReportCurrentKey(absl::string_view region, char kind,
                             absl::string_view start);
// A report as published (v1::Report), and the same without its rankings
// and hotspots, for listing.
// key: {rpt:<region>}:doc:<id>
std::string ReportDocKey(absl::string_view region, absl::string_view report_id);
// key: {rpt:<region>}:sum:<id>
std::string ReportSummaryKey(absl::string_view region,
                             absl::string_view report_id);
// Every report of the region, and those of one kind: members
// "<start>|<kind>|<revision, 6 digits>", read newest first.
// key: {rpt:<region>}:list
std::string ReportListKey(absl::string_view region);
// key: {rpt:<region>}:list:<kind>
std::string ReportKindListKey(absl::string_view region, char kind);

// --- Patrols (services/intake/patrol_store.h)
// --------------------------------- Every key of one member's patrols carries
// the tag {pt:<member>}, so each patrol write is one script on one slot.
// <patrol> is a patrol id, <YYYYMMDD> an Asia/Shanghai date.

// Counter for the member's patrol ids.
// key: {pt:<member>}:seq
std::string PatrolSequenceKey(absl::string_view member_id);
// The id of the member's active patrol, if any.
// key: {pt:<member>}:active
std::string PatrolActiveKey(absl::string_view member_id);
// The member's patrols, scored by start time (ms).
// key: {pt:<member>}:idx
std::string PatrolIndexKey(absl::string_view member_id);
// A patrol: state, times, point count, distance, last point.
// key: {pt:<member>}:p:<patrol>
std::string PatrolKey(absl::string_view member_id, absl::string_view patrol_id);
// Its track, one "<ms>,<lat>,<lng>,<grid>" per point, in order.
// key: {pt:<member>}:trk:<patrol>
std::string PatrolTrackKey(absl::string_view member_id,
                           absl::string_view patrol_id);
// Its check-ins, serialized v1::PatrolCheckIn, in order.
// key: {pt:<member>}:ci:<patrol>
std::string PatrolCheckInsKey(absl::string_view member_id,
                              absl::string_view patrol_id);
// The member's grids it reached.
// key: {pt:<member>}:g:<patrol>
std::string PatrolGridsKey(absl::string_view member_id,
                           absl::string_view patrol_id);
// The member's grids their patrols reached on a date (coverage).
// key: {pt:<member>}:v:<YYYYMMDD>
std::string PatrolVisitedKey(absl::string_view member_id,
                             absl::string_view yyyymmdd);
// The member's patrol counts of a date: fields "patrols", "check_ins".
// key: {pt:<member>}:d:<YYYYMMDD>
std::string PatrolDayKey(absl::string_view member_id,
                         absl::string_view yyyymmdd);
// A patrol write's idempotency record: "<fingerprint>|<patrol>".
// key: {pt:<member>}:rq:<request_id>
std::string PatrolRequestKey(absl::string_view member_id,
                             absl::string_view request_id);

// --- Registry ({reg}) and dispatch's routing policy ({disp}) -----------------

// key: {reg}:regions
inline constexpr char kRegionsKey[] = "{reg}:regions";
// key: {reg}:members
inline constexpr char kMembersKey[] = "{reg}:members";
// key: {reg}:departments
inline constexpr char kDepartmentsKey[] = "{reg}:departments";
// key: {reg}:categories
inline constexpr char kCategoriesKey[] = "{reg}:categories";
// key: {reg}:rules
inline constexpr char kRulesKey[] = "{reg}:rules";
// key: {reg}:duties
inline constexpr char kDutiesKey[] = "{reg}:duties";
// key: {reg}:calendar
inline constexpr char kCalendarKey[] = "{reg}:calendar";
// key: {reg}:version
inline constexpr char kRegistryVersionKey[] = "{reg}:version";
// key: {reg}:refversion
inline constexpr char kReferenceVersionKey[] = "{reg}:refversion";
// key: {reg}:calversion
inline constexpr char kCalendarVersionKey[] = "{reg}:calversion";
// key: {reg}:updated_at
inline constexpr char kRegistryUpdatedAtKey[] = "{reg}:updated_at";
// key: {reg}:rule_seq
inline constexpr char kRuleSequenceKey[] = "{reg}:rule_seq";
// key: {reg}:audit
inline constexpr char kRegistryAuditKey[] = "{reg}:audit";
// key: {disp}:routing
inline constexpr char kRoutingKey[] = "{disp}:routing";
// key: {disp}:audit
inline constexpr char kRoutingAuditKey[] = "{disp}:audit";

// --- Limits (common/limits): each key is its own tag
// ---------------------------

// A rate-limit bucket of a service ("intake"), e.g. "caller:wx:o6_1".
// key: {rl:<scope>:<bucket>}
std::string RateKey(absl::string_view scope, absl::string_view bucket);
// New reports a reporter made on a local date (intake's daily quota).
// key: {rq:<reporter>}:<YYYYMMDD>
std::string ReportQuotaKey(absl::string_view reporter_id,
                           absl::string_view yyyymmdd);

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_KEYS_H_
