#include "services/stats/contributions.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/cases/stage_clock.h"
#include "common/clock/timestamp.h"
#include "common/store/keys.h"
#include "services/stats/case_record.pb.h"
#include "services/stats/counters.h"
#include "services/stats/dimensions.h"
#include "services/stats/period.h"

namespace gridcase::stats {
namespace {

using C = Counter;

std::string DayBucket(absl::CivilDay day) { return CompactDay(day); }

std::string MonthBucket(absl::CivilDay day) {
  return DayBucket(day).substr(0, 6);
}

// `delta` for `counter` of every dim in `dims`, on `day` and its month.
void AddDated(Deltas* out, const std::vector<Dim>& dims, absl::CivilDay day,
              Counter counter, int64_t delta) {
  if (delta == 0) return;
  std::string d = DayBucket(day);
  std::string m = d.substr(0, 6);
  for (const Dim& dim : dims) {
    std::string field = absl::StrCat(dim.value, "|", CodeOf(counter));
    (*out)[{store::StatsBucketSuffix(dim.kind, d), field}] += delta;
    (*out)[{store::StatsBucketSuffix(dim.kind, m), field}] += delta;
  }
}

void AddHotspot(Deltas* out, const v1::CaseDimensions& dims,
                const std::string& category, absl::CivilDay day,
                absl::string_view what, int64_t delta) {
  std::string field = absl::StrCat(dims.grid_code(), "|", category, "|",
                                   v1::Source_Name(dims.source()), "|", what);
  (*out)[{store::StatsHotspotSuffix(dims.town_code(), DayBucket(day)),
          field}] += delta;
  (*out)[{store::StatsHotspotSuffix(dims.town_code(), MonthBucket(day)),
          field}] += delta;
}

std::optional<absl::CivilDay> ParseDay(const std::string& date) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(date, &day)) return std::nullopt;
  return day;
}

std::optional<absl::CivilDay> ParseRfc3339Day(const std::string& text,
                                              const absl::TimeZone& zone) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return std::nullopt;
  return absl::ToCivilDay(t, zone);
}

// Completed by its effective deadline, without having gone red.
bool OnTime(const v1::StageDeadline& d) {
  return !d.has_overdue_at() && d.has_completed_at() &&
         FromTimestamp(d.completed_at()) <=
             FromTimestamp(d.effective_deadline());
}

std::string DataOf(const v1::CaseEvent& e, const std::string& key) {
  auto it = e.data().find(key);
  return it == e.data().end() ? std::string() : it->second;
}

// A category correction at registration moves the report to the category
// the case was registered under.
void MoveReport(Deltas* out, const v1::CaseEvent& e, absl::CivilDay day) {
  const v1::CaseDimensions& d = e.dimensions();
  std::string before = DataOf(e, "category_code_before");
  if (before.empty() || before == d.category_code()) return;
  std::string before_major = before.substr(0, 3);
  AddDated(out, {{kCategory, before}, {kMajor, before_major}}, day, C::kReports,
           -1);
  AddDated(out,
           {{kCategory, d.category_code()}, {kMajor, d.category_major_code()}},
           day, C::kReports, 1);
  AddHotspot(out, d, before, day, "rp", -1);
  AddHotspot(out, d, d.category_code(), day, "rp", 1);
}

void CompleteCounters(Deltas* out, const std::vector<Dim>& dims,
                      absl::CivilDay day, const v1::StageDeadline& d,
                      Counter done, Counter due, Counter on_time) {
  AddDated(out, dims, day, done, 1);
  if (!d.has_overdue_at()) AddDated(out, dims, day, due, 1);
  if (OnTime(d)) AddDated(out, dims, day, on_time, 1);
}

// The verification or on-site check of `e` credited to whoever did it (the
// event's actor): done, due and, if by the deadline and never red, on time.
// Due counts every one they did, late or not, so that their on-time rate is
// on time / done (the stage's overdue event names nobody).
void CreditWorker(Deltas* out, const v1::CaseEvent& e, absl::CivilDay day,
                  Counter done, Counter due, Counter on_time) {
  const std::string& who = e.actor().subject();
  if (who.empty()) return;
  std::vector<Dim> worker = {{kWorker, who}};
  AddDated(out, worker, day, done, 1);
  AddDated(out, worker, day, due, 1);
  if (OnTime(e.stage_deadline())) AddDated(out, worker, day, on_time, 1);
}

void Prune(Deltas* d) {
  for (auto it = d->begin(); it != d->end();) {
    it = it->second == 0 ? d->erase(it) : std::next(it);
  }
}

}  // namespace

void AddInto(Deltas* a, const Deltas& b, int64_t sign) {
  for (const auto& [k, v] : b) (*a)[k] += sign * v;
  Prune(a);
}

bool IsOpen(v1::CaseState s) { return cases::IsOpen(s); }

Deltas EventDeltas(const v1::CaseEvent& e, const absl::TimeZone& zone) {
  Deltas out;
  const v1::CaseDimensions& d = e.dimensions();
  absl::CivilDay event_day = absl::ToCivilDay(FromTimestamp(e.time()), zone);
  absl::CivilDay report_day = ParseDay(d.report_date()).value_or(event_day);
  std::string department = DataOf(e, "department_id");
  if (department.empty()) department = d.department_id();
  std::vector<Dim> report_dims = DimsOf(d, "");
  std::vector<Dim> dims = DimsOf(d, department);
  const v1::StageDeadline& sd = e.stage_deadline();
  switch (e.type()) {
    case v1::CASE_EVENT_TYPE_REPORTED:
      AddDated(&out, report_dims, report_day, C::kReports, 1);
      AddHotspot(&out, d, d.category_code(), report_day, "rp", 1);
      break;
    case v1::CASE_EVENT_TYPE_MERGED:
      AddDated(&out, report_dims, report_day, C::kReports, 1);
      AddDated(&out, report_dims, report_day, C::kMerged, 1);
      AddHotspot(&out, d, d.category_code(), report_day, "rp", 1);
      break;
    case v1::CASE_EVENT_TYPE_MERGED_BY_STAFF:
      // A duplicate now; no longer a valid report if it had been registered
      // (every open state but REPORTED and CHECKING comes after that).
      AddDated(&out, report_dims, report_day, C::kMerged, 1);
      if (e.from_state() != v1::CASE_STATE_REPORTED &&
          e.from_state() != v1::CASE_STATE_CHECKING) {
        AddDated(&out, report_dims, report_day, C::kValidReports, -1);
      }
      break;
    case v1::CASE_EVENT_TYPE_UNMERGED:
      // Back as a registered case of its own.
      AddDated(&out, report_dims, report_day, C::kMerged, -1);
      AddDated(&out, report_dims, report_day, C::kValidReports, 1);
      break;
    case v1::CASE_EVENT_TYPE_VOIDED:
      AddDated(&out, report_dims, report_day, C::kVoided, 1);
      break;
    case v1::CASE_EVENT_TYPE_REGISTERED:
      AddDated(&out, report_dims, report_day, C::kValidReports, 1);
      MoveReport(&out, e, report_day);
      AddDated(&out, dims, event_day, C::kRegistered, 1);
      if (OnTime(sd)) AddDated(&out, dims, event_day, C::kRegisteredOnTime, 1);
      break;
    case v1::CASE_EVENT_TYPE_SELF_CLOSED:
      AddDated(&out, report_dims, report_day, C::kValidReports, 1);
      AddDated(&out, report_dims, report_day, C::kSelfHandled, 1);
      break;
    case v1::CASE_EVENT_TYPE_DISPATCHED:
      AddDated(&out, dims, event_day, C::kDispatched, 1);
      AddDated(&out, dims, event_day, C::kDispatchedAccurately, 1);
      break;
    case v1::CASE_EVENT_TYPE_RETURNED:
      AddDated(&out, dims, event_day, C::kReturned, 1);
      AddDated(
          &out, dims,
          ParseRfc3339Day(DataOf(e, "dispatched_at"), zone).value_or(event_day),
          C::kDispatchedAccurately, -1);
      break;
    case v1::CASE_EVENT_TYPE_HANDLED:
      CompleteCounters(&out, dims, event_day, sd, C::kHandled, C::kDueToHandle,
                       C::kHandledOnTime);
      AddDated(&out, dims, event_day, C::kHandlingSeconds,
               e.stage_working_time().seconds());
      break;
    case v1::CASE_EVENT_TYPE_REWORKED:
      AddDated(&out, dims, event_day, C::kReworked, 1);
      [[fallthrough]];
    case v1::CASE_EVENT_TYPE_VERIFIED:
      CompleteCounters(&out, dims, event_day, sd, C::kVerified, C::kDueToVerify,
                       C::kVerifiedOnTime);
      CreditWorker(&out, e, event_day, C::kVerified, C::kDueToVerify,
                   C::kVerifiedOnTime);
      break;
    case v1::CASE_EVENT_TYPE_OVERDUE:
      if (e.stage() == v1::STAGE_HANDLE) {
        AddDated(&out, dims, event_day, C::kDueToHandle, 1);
      } else if (e.stage() == v1::STAGE_VERIFY) {
        AddDated(&out, dims, event_day, C::kDueToVerify, 1);
      } else if (e.stage() == v1::STAGE_CHECK) {
        AddDated(&out, dims, event_day, C::kDueToCheck, 1);
      }
      break;
    case v1::CASE_EVENT_TYPE_CHECKED:
      CompleteCounters(&out, dims, event_day, sd, C::kChecked, C::kDueToCheck,
                       C::kCheckedOnTime);
      CreditWorker(&out, e, event_day, C::kChecked, C::kDueToCheck,
                   C::kCheckedOnTime);
      break;
    case v1::CASE_EVENT_TYPE_EXTENSION_APPROVED:
      AddDated(&out, dims, event_day, C::kExtended, 1);
      break;
    case v1::CASE_EVENT_TYPE_SUSPENDED:
      AddDated(&out, dims, event_day, C::kSuspended, 1);
      break;
    case v1::CASE_EVENT_TYPE_SUPERVISED:
      AddDated(&out, dims, event_day, C::kSupervised, 1);
      break;
    case v1::CASE_EVENT_TYPE_RATED: {
      v1::Satisfaction level = v1::SATISFACTION_UNSPECIFIED;
      if (!v1::Satisfaction_Parse(
              absl::StrCat("SATISFACTION_", DataOf(e, "satisfaction")),
              &level)) {
        break;  // not a rating stats can count
      }
      AddDated(&out, dims, event_day, C::kRated, 1);
      AddDated(&out, dims, event_day,
               level == v1::SATISFACTION_SATISFIED ? C::kSatisfied
               : level == v1::SATISFACTION_BASICALLY_SATISFIED
                   ? C::kBasicallySatisfied
                   : C::kUnsatisfied,
               1);
      break;
    }
    default:
      break;
  }
  Prune(&out);
  return out;
}

bool CaseRecord::operator==(const CaseRecord& o) const {
  return Encode(*this) == Encode(o);
}

namespace {

// The first byte of a record says its format. Records of this release are
// kRecordFormat followed by a StoredCaseRecord; older releases wrote 16
// fields joined by \x1f (legacy, starting with the version's digits), which
// a field holding \x1f corrupted. Both are read; only the first is written.
constexpr char kRecordFormat = '\x02';
constexpr char kLegacySeparator = '\x1f';
constexpr size_t kLegacyFields = 16;

absl::StatusOr<CaseRecord> DecodeLegacy(absl::string_view raw) {
  std::vector<absl::string_view> f = absl::StrSplit(raw, kLegacySeparator);
  int n[5] = {0};
  CaseRecord r;
  if (f.size() != kLegacyFields || !absl::SimpleAtoi(f[0], &r.version) ||
      !absl::SimpleAtoi(f[1], &n[0]) || !absl::SimpleAtoi(f[2], &n[1]) ||
      !absl::SimpleAtoi(f[3], &n[2]) || !absl::SimpleAtoi(f[11], &n[3]) ||
      !absl::SimpleAtoi(f[14], &n[4])) {
    return absl::DataLossError(absl::StrCat(
        "stats case record is malformed: the old format needs ", kLegacyFields,
        " fields separated by \\x1f, got ", f.size()));
  }
  r.state = static_cast<v1::CaseState>(n[0]);
  r.closure = static_cast<v1::ClosureType>(n[1]);
  r.light = static_cast<v1::TrafficLight>(n[2]);
  r.handle_overdue = absl::StrContains(f[4], 'h');
  r.closed_ever = absl::StrContains(f[4], 'c');
  v1::CaseDimensions& d = r.dims;
  d.set_grid_code(std::string(f[5]));
  d.set_community_code(std::string(f[6]));
  d.set_town_code(std::string(f[7]));
  d.set_city_code(std::string(f[8]));
  d.set_category_code(std::string(f[9]));
  d.set_category_major_code(std::string(f[10]));
  d.set_source(static_cast<v1::Source>(n[3]));
  d.set_department_id(std::string(f[12]));
  d.set_reporter_id(std::string(f[13]));
  d.set_reporter_kind(static_cast<v1::ReporterKind>(n[4]));
  d.set_report_date(std::string(f[15]));
  return r;
}

}  // namespace

std::string Encode(const CaseRecord& r) {
  StoredCaseRecord stored;
  stored.set_version(r.version);
  stored.set_state(r.state);
  stored.set_closure(r.closure);
  stored.set_light(r.light);
  stored.set_handle_overdue(r.handle_overdue);
  stored.set_closed_ever(r.closed_ever);
  const v1::CaseDimensions& d = r.dims;
  stored.set_grid_code(d.grid_code());
  stored.set_community_code(d.community_code());
  stored.set_town_code(d.town_code());
  stored.set_city_code(d.city_code());
  stored.set_category_code(d.category_code());
  stored.set_category_major_code(d.category_major_code());
  stored.set_source(d.source());
  stored.set_department_id(d.department_id());
  stored.set_reporter_id(d.reporter_id());
  stored.set_reporter_kind(d.reporter_kind());
  stored.set_report_date(d.report_date());
  stored.set_applied(r.applied);
  std::string out(1, kRecordFormat);
  stored.AppendToString(&out);
  return out;
}

absl::StatusOr<CaseRecord> DecodeRecord(absl::string_view raw) {
  if (!raw.empty() && absl::ascii_isdigit(static_cast<unsigned char>(raw[0]))) {
    return DecodeLegacy(raw);
  }
  StoredCaseRecord stored;
  if (raw.empty() || raw[0] != kRecordFormat) {
    return absl::DataLossError(
        "stats case record is malformed: unknown format");
  }
  raw.remove_prefix(1);
  if (!stored.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
    return absl::DataLossError(
        "stats case record is malformed: not a StoredCaseRecord");
  }
  CaseRecord r;
  r.version = stored.version();
  r.state = stored.state();
  r.closure = stored.closure();
  r.light = stored.light();
  r.handle_overdue = stored.handle_overdue();
  r.closed_ever = stored.closed_ever();
  v1::CaseDimensions& d = r.dims;
  d.set_grid_code(stored.grid_code());
  d.set_community_code(stored.community_code());
  d.set_town_code(stored.town_code());
  d.set_city_code(stored.city_code());
  d.set_category_code(stored.category_code());
  d.set_category_major_code(stored.category_major_code());
  d.set_source(stored.source());
  d.set_department_id(stored.department_id());
  d.set_reporter_id(stored.reporter_id());
  d.set_reporter_kind(stored.reporter_kind());
  d.set_report_date(stored.report_date());
  r.applied = stored.applied();
  return r;
}

// Versions the bitmap tracks (8 KB); a case with more events than that is
// beyond any workflow, and its later events are deduplicated by the
// compare-and-set on the record alone.
constexpr int64_t kMaxTrackedVersion = 1 << 16;

bool WasApplied(const CaseRecord& r, int64_t case_version) {
  if (case_version < 1 || case_version > kMaxTrackedVersion) return false;
  uint64_t bit = static_cast<uint64_t>(case_version - 1);
  return bit / 8 < r.applied.size() &&
         (static_cast<unsigned char>(r.applied[bit / 8]) >> (bit % 8)) & 1;
}

CaseRecord Merge(std::optional<CaseRecord> record, const v1::CaseEvent& e) {
  CaseRecord r = record.value_or(CaseRecord{});
  if (e.case_version() >= 1 && e.case_version() <= kMaxTrackedVersion) {
    uint64_t bit = static_cast<uint64_t>(e.case_version() - 1);
    if (r.applied.size() <= bit / 8) r.applied.resize(bit / 8 + 1, '\0');
    r.applied[bit / 8] = static_cast<char>(
        static_cast<unsigned char>(r.applied[bit / 8]) | (1u << (bit % 8)));
  }
  if (e.type() == v1::CASE_EVENT_TYPE_OVERDUE &&
      e.stage() == v1::STAGE_HANDLE) {
    r.handle_overdue = true;
  }
  if (e.to_state() == v1::CASE_STATE_CLOSED) r.closed_ever = true;
  if (e.case_version() > r.version) {
    r.version = e.case_version();
    r.state = e.to_state();
    r.closure = e.to_state() == v1::CASE_STATE_CLOSED
                    ? e.closure_type()
                    : v1::CLOSURE_TYPE_UNSPECIFIED;
    r.light = e.light();
    r.dims = e.dimensions();
  }
  return r;
}

Deltas RecordDeltas(const CaseRecord& r) {
  Deltas out;
  if (r.state == v1::CASE_STATE_UNSPECIFIED) return out;
  // Overdue now: open, its clock running, its light red. A suspended case's
  // clock stands still, so it is open but not overdue.
  const bool red = IsOpen(r.state) && r.state != v1::CASE_STATE_SUSPENDED &&
                   r.light == v1::TRAFFIC_LIGHT_RED;
  std::vector<Dim> dims = DimsOf(r.dims, r.dims.department_id());
  if (std::optional<absl::CivilDay> day = ParseDay(r.dims.report_date())) {
    bool closed = r.state == v1::CASE_STATE_CLOSED;
    if (closed) {
      AddDated(&out, dims, *day, C::kClosed, 1);
      if (r.closure == v1::CLOSURE_TYPE_NORMAL) {
        AddDated(&out, dims, *day, C::kClosedOnTime, 1);
      } else if (r.closure == v1::CLOSURE_TYPE_OVERDUE) {
        AddDated(&out, dims, *day, C::kClosedOverdue, 1);
      } else if (r.closure == v1::CLOSURE_TYPE_SPECIAL) {
        AddDated(&out, dims, *day, C::kClosedSpecial, 1);
      }
    }
    if (closed || r.closed_ever || r.handle_overdue) {
      AddDated(&out, dims, *day, C::kDueToClose, 1);
    }
    if (IsOpen(r.state)) {
      AddHotspot(&out, r.dims, r.dims.category_code(), *day, "op", 1);
      if (red) {
        AddHotspot(&out, r.dims, r.dims.category_code(), *day, "red", 1);
      }
    }
  }
  if (IsOpen(r.state)) {
    for (const Dim& dim : dims) {
      std::string key = store::StatsNowSuffix(dim.kind);
      out[{key, absl::StrCat(dim.value, "|op")}] += 1;
      out[{key, absl::StrCat(dim.value, "|s", static_cast<int>(r.state))}] += 1;
      if (red) {
        out[{key, absl::StrCat(dim.value, "|red")}] += 1;
      }
    }
  }
  return out;
}

}  // namespace gridcase::stats
