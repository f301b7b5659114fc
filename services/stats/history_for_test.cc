#include "services/stats/history_for_test.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/calendar/calendar.h"
#include "common/calendar/calendar_proto.h"
#include "common/cases/stage_clock.h"
#include "common/clock/timestamp.h"
#include "common/status/status_macros.h"
#include "common/store/case_id.h"
#include "common/store/dimensions.h"
#include "common/store/keys.h"
#include "common/store/stream_entry.h"
#include "services/dispatch/workflow.h"

namespace gridcase::stats {
namespace {

using dispatch::Action;
using S = v1::CaseState;

const char* const kTowns[] = {"330483101", "330483102", "330483103"};
const char* const kDepartments[] = {"sanitation", "roads", "greening"};
const char* const kManagers[] = {"gm-1", "gm-2", "gm-3",
                                 "gm-4", "gm-5", "gm-6"};
struct CategorySpec {
  const char* code;
  const char* major;
  int handle_hours;  // working hours
};
const CategorySpec kCategories[] = {{"E0101", "E01", 5},
                                    {"E0102", "E01", 8},
                                    {"C0201", "C02", 16},
                                    {"C0202", "C02", 2}};
const v1::Source kSources[] = {v1::SOURCE_GRID_PATROL, v1::SOURCE_CITIZEN_APP,
                               v1::SOURCE_WECHAT, v1::SOURCE_HOTLINE};

v1::TimeLimit Limit(int64_t amount, v1::TimeUnit unit) {
  v1::TimeLimit l;
  l.set_amount(amount);
  l.set_unit(unit);
  return l;
}

std::vector<v1::StageLimit> LimitsOf(const CategorySpec& spec) {
  std::vector<v1::StageLimit> out;
  auto add = [&out](v1::Stage stage, v1::TimeLimit limit) {
    v1::StageLimit l;
    l.set_stage(stage);
    *l.mutable_limit() = limit;
    out.push_back(l);
  };
  add(v1::STAGE_REGISTER, Limit(30, v1::TIME_UNIT_WORKING_MINUTES));
  add(v1::STAGE_DISPATCH, Limit(30, v1::TIME_UNIT_WORKING_MINUTES));
  add(v1::STAGE_HANDLE, Limit(spec.handle_hours, v1::TIME_UNIT_WORKING_HOURS));
  add(v1::STAGE_VERIFY, Limit(60, v1::TIME_UNIT_WORKING_MINUTES));
  return out;
}

v1::Actor ActorOf(const std::string& subject, v1::Role role,
                  const v1::Case& c) {
  v1::Actor a;
  a.set_subject(subject);
  a.add_roles(role);
  if (role == v1::ROLE_DEPARTMENT_STAFF) a.set_department_id(c.department_id());
  if (role == v1::ROLE_GRID_MANAGER) a.add_grid_codes(c.grid_code());
  return a;
}

class Simulator {
 public:
  Simulator(const HistoryOptions& options)
      : options_(options),
        rng_(options.seed),
        cal_(calendar::WorkingCalendar::Default()) {}

  GeneratedCase Run(int n) {
    GeneratedCase out;
    const char* town = kTowns[Pick(3)];
    std::string community =
        absl::StrCat(town, absl::StrFormat("%03d", 1 + Pick(2)));
    std::string grid =
        absl::StrCat(community, absl::StrFormat("%03d", 1 + Pick(2)));
    const CategorySpec& spec = kCategories[Pick(4)];
    limits_ = LimitsOf(spec);
    absl::Time t =
        options_.start + absl::Minutes(Pick(options_.days * 24 * 60));
    out.shard = store::ShardOf(town, options_.shards);
    std::string day = absl::FormatTime("%Y%m%d", t, cal_.time_zone());
    out.id = store::FormatCaseId("330483", day,
                                 int64_t{n} * options_.shards + out.shard);
    v1::Case c = Reported(out.id, town, community, grid, spec, t);
    bool merged = Chance(0.06);
    out.events.push_back(ReportEvent(c, merged));
    if (merged) {
      if (!Chance(0.3)) return out;
      // A wrong automatic merge, which staff will undo.
      c.set_state(S::CASE_STATE_MERGED);
      c.set_merged_into(Target(c));
      c.clear_deadlines();
      c.clear_expected_at();
      c.set_light(v1::TRAFFIC_LIGHT_UNSPECIFIED);
    }
    for (int step = 0; step < 40; ++step) {
      if (Chance(0.05)) break;  // left open
      t += Delay();
      Scan(&c, t, &out);
      if (!Act(&c, t, &out)) break;
    }
    return out;
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  absl::Duration Delay() {
    switch (Pick(6)) {
      case 0:
        return absl::Minutes(5 + Pick(20));
      case 1:
        return absl::Minutes(30 + Pick(60));
      case 2:
        return absl::Hours(2 + Pick(4));
      case 3:
        return absl::Hours(20 + Pick(8));
      case 4:
        return absl::Hours(1);
      default:
        return absl::Hours(48 + Pick(48));
    }
  }

  v1::Case Reported(const std::string& id, const char* town,
                    const std::string& community, const std::string& grid,
                    const CategorySpec& spec, absl::Time t) {
    v1::Case c;
    c.set_id(id);
    c.set_version(1);
    c.set_state(S::CASE_STATE_REPORTED);
    c.set_source(kSources[Pick(4)]);
    c.set_category_code(spec.code);
    c.set_category_name(spec.code);
    c.set_category_major_code(spec.major);
    c.set_grid_code(grid);
    c.set_community_code(community);
    c.set_town_code(town);
    c.set_city_code("330483");
    if (Chance(0.6)) {
      c.mutable_reporter()->set_id(kManagers[Pick(6)]);
      c.mutable_reporter()->set_kind(v1::REPORTER_KIND_GRID_MANAGER);
    } else {
      c.mutable_reporter()->set_id(absl::StrCat("wx-", Pick(400)));
      c.mutable_reporter()->set_kind(v1::REPORTER_KIND_CITIZEN);
    }
    *c.mutable_reported_at() = ToTimestamp(t);
    *c.mutable_updated_at() = ToTimestamp(t);
    v1::StageDeadline* d = c.add_deadlines();
    d->set_stage(v1::STAGE_REGISTER);
    d->set_attempt(1);
    *d->mutable_limit() = limits_[0].limit();
    *d->mutable_started_at() = ToTimestamp(t);
    absl::Time due =
        *calendar::Deadline(t, *calendar::FromProto(d->limit()), cal_);
    *d->mutable_original_deadline() = ToTimestamp(due);
    *d->mutable_effective_deadline() = ToTimestamp(due);
    absl::Time warn = t + (due - t) * 0.8;
    *d->mutable_warn_at() = ToTimestamp(warn);
    d->set_light(v1::TRAFFIC_LIGHT_GREEN);
    c.set_light(v1::TRAFFIC_LIGHT_GREEN);
    return c;
  }

  v1::CaseEvent ReportEvent(const v1::Case& c, bool merged) {
    v1::CaseEvent e;
    e.set_case_id(c.id());
    e.set_type(merged ? v1::CASE_EVENT_TYPE_MERGED
                      : v1::CASE_EVENT_TYPE_REPORTED);
    e.mutable_actor()->set_subject(c.reporter().id());
    *e.mutable_time() = c.reported_at();
    e.set_to_state(merged ? S::CASE_STATE_MERGED : S::CASE_STATE_REPORTED);
    e.set_case_version(1);
    if (!merged) {
      e.set_light(v1::TRAFFIC_LIGHT_GREEN);
      e.set_stage(v1::STAGE_REGISTER);
      *e.mutable_stage_deadline() = c.deadlines(0);
    }
    *e.mutable_dimensions() = store::DimensionsOf(c, cal_.time_zone());
    return e;
  }

  void Record(v1::Case* c, dispatch::Change change, GeneratedCase* out) {
    change.event.set_case_id(c->id());
    change.event.set_shard(out->shard);
    out->events.push_back(std::move(change.event));
    *c = std::move(change.after);
  }

  // The scanner: a warning, then an overdue event, when their time passed.
  void Scan(v1::Case* c, absl::Time now, GeneratedCase* out) {
    if (c->state() == S::CASE_STATE_SUSPENDED) return;
    const v1::StageDeadline* d = cases::CurrentDeadline(*c);
    if (d == nullptr) return;
    v1::Actor scanner;
    scanner.set_subject("system:dispatch");
    scanner.add_roles(v1::ROLE_SYSTEM);
    absl::Time warn = FromTimestamp(d->warn_at());
    absl::Time due = FromTimestamp(d->effective_deadline());
    if (d->light() == v1::TRAFFIC_LIGHT_GREEN && warn < now && warn < due) {
      auto change = dispatch::Alert(*c, false, scanner, warn + absl::Seconds(1),
                                    cal_.time_zone());
      if (change.ok()) Record(c, *std::move(change), out);
      d = cases::CurrentDeadline(*c);
    }
    if (d != nullptr && !d->has_overdue_at() && due < now) {
      auto change = dispatch::Alert(*c, true, scanner, due + absl::Seconds(1),
                                    cal_.time_zone());
      if (change.ok()) Record(c, *std::move(change), out);
    }
  }

  static bool RatedThisClosure(const v1::Case& c) {
    for (const v1::Rating& r : c.ratings()) {
      if (r.rater_id() == c.reporter().id() &&
          r.closure() == c.reopen_count()) {
        return true;
      }
    }
    return false;
  }

  // One random action fitting the case's state; false when the case is done.
  bool Act(v1::Case* c, absl::Time t, GeneratedCase* out) {
    dispatch::ActionInput in;
    in.limits = limits_;
    in.note = "sim";
    v1::Category corrected;
    v1::Actor chief = ActorOf("chief-1", v1::ROLE_DUTY_CHIEF, *c);
    v1::Actor staff = ActorOf("staff-1", v1::ROLE_DEPARTMENT_STAFF, *c);
    Action action;
    v1::Actor actor = chief;
    if (cases::IsOpen(c->state()) && merges_[c->id()] < 2 && Chance(0.02)) {
      // Staff find it reports the same problem as another case.
      action = Action::kMerge;
      in.into_case_id = Target(*c);
      ++merges_[c->id()];
    } else {
      switch (c->state()) {
        case S::CASE_STATE_REPORTED:
          if (!checked_.count(c->id()) && Chance(0.08)) {
            action = Action::kRequestCheck;  // 核实 on site first
            checked_.insert(c->id());
          } else if (Chance(0.05)) {
            action = Action::kVoid;
          } else if (c->reporter().kind() == v1::REPORTER_KIND_GRID_MANAGER &&
                     Chance(0.08)) {
            action = Action::kSelfClose;
            actor = ActorOf(c->reporter().id(), v1::ROLE_GRID_MANAGER, *c);
          } else {
            action = Action::kRegister;
            if (Chance(0.12)) {
              const CategorySpec& spec = kCategories[Pick(4)];
              corrected.set_code(spec.code);
              corrected.set_name(spec.code);
              corrected.set_major_code(spec.major);
              in.new_category = &corrected;
              limits_ = LimitsOf(spec);
              in.limits = limits_;
            }
          }
          break;
        case S::CASE_STATE_REGISTERED:
          if (Chance(0.03)) {
            action = Action::kSuspend;
          } else if (Chance(0.02)) {
            action = Action::kClose;
          } else {
            action = Action::kDispatch;
            in.department.set_id(kDepartments[Pick(3)]);
            in.department.set_name(in.department.id());
          }
          break;
        case S::CASE_STATE_DISPATCHED:
        case S::CASE_STATE_IN_PROGRESS:
          if (c->has_pending_extension()) {
            action = Action::kDecideExtension;
            in.approve = Chance(0.7);
          } else if (Chance(0.08)) {
            action = Action::kReturn;
            actor = staff;
          } else if (Chance(0.08)) {
            action = Action::kRequestExtension;
            actor = staff;
            in.extra = Limit(1, v1::TIME_UNIT_WORKING_DAYS);
          } else if (Chance(0.03)) {
            action = Action::kSuspend;
          } else if (Chance(0.04)) {
            action = Action::kSupervise;
          } else if (Chance(0.01)) {
            action = Action::kClose;
          } else {
            action = c->state() == S::CASE_STATE_DISPATCHED
                         ? Action::kAcknowledge
                         : Action::kSubmitHandling;
            actor = staff;
          }
          break;
        case S::CASE_STATE_HANDLED:
          action = Chance(0.18) ? Action::kVerifyFail : Action::kVerifyPass;
          actor = ActorOf(kManagers[Pick(6)], v1::ROLE_GRID_MANAGER, *c);
          break;
        case S::CASE_STATE_SUSPENDED:
          action = Action::kResume;
          break;
        case S::CASE_STATE_CHECKING:
          action = Action::kSubmitCheck;
          actor = ActorOf(kManagers[Pick(6)], v1::ROLE_GRID_MANAGER, *c);
          in.confirmed = Chance(0.8);
          break;
        case S::CASE_STATE_MERGED:
          if (!Chance(0.5)) return false;
          action = Action::kUnmerge;  // the merge was wrong
          break;
        case S::CASE_STATE_CLOSED:
          if (c->rating_review_pending()) {
            action = Chance(0.5) ? Action::kReopen : Action::kReviewRating;
          } else if (!RatedThisClosure(*c) && Chance(0.5)) {
            // The reporter rates, or a hotline operator records a callback.
            action = Action::kRate;
            actor = Chance(0.3)
                        ? ActorOf("acc-1", v1::ROLE_ACCEPTOR, *c)
                        : ActorOf(c->reporter().id(), v1::ROLE_CITIZEN, *c);
            const v1::Satisfaction levels[] = {
                v1::SATISFACTION_SATISFIED, v1::SATISFACTION_SATISFIED,
                v1::SATISFACTION_BASICALLY_SATISFIED,
                v1::SATISFACTION_UNSATISFIED};
            in.satisfaction = levels[Pick(4)];
          } else if (Chance(0.06)) {
            action = Action::kReopen;
          } else {
            return false;
          }
          break;
        default:
          return false;
      }
    }
    absl::StatusOr<dispatch::Change> change =
        dispatch::Apply(action, *c, actor, in, t, cal_, {});
    if (!change.ok()) return c->state() != S::CASE_STATE_CLOSED;
    Record(c, *std::move(change), out);
    return true;
  }

  HistoryOptions options_;
  std::set<std::string> checked_;      // cases sent to 核实 once already
  std::map<std::string, int> merges_;  // staff merges per case

  // The case another one is merged into (not generated: stats reads only
  // the merged case's events).
  static std::string Target(const v1::Case& c) {
    return absl::StrCat(c.id().substr(0, 16), "999999");
  }
  std::mt19937 rng_;
  calendar::WorkingCalendar cal_;
  std::vector<v1::StageLimit> limits_;
};

}  // namespace

std::vector<GeneratedCase> GenerateHistory(const HistoryOptions& options) {
  Simulator sim(options);
  std::vector<GeneratedCase> out;
  for (int n = 1; n <= options.cases; ++n) out.push_back(sim.Run(n));
  return out;
}

absl::Status StoreHistory(redis::RedisClient* redis,
                          std::vector<GeneratedCase>* cases) {
  // Every event in time order, as the services would have written them.
  std::vector<std::tuple<absl::Time, size_t, size_t>> order;
  for (size_t i = 0; i < cases->size(); ++i) {
    for (size_t k = 0; k < (*cases)[i].events.size(); ++k) {
      order.emplace_back(FromTimestamp((*cases)[i].events[k].time()), i, k);
    }
  }
  std::sort(order.begin(), order.end());
  constexpr size_t kBatch = 500;
  for (size_t from = 0; from < order.size(); from += kBatch) {
    std::vector<redis::Args> adds;
    size_t to = std::min(order.size(), from + kBatch);
    for (size_t j = from; j < to; ++j) {
      auto [t, i, k] = order[j];
      GeneratedCase& c = (*cases)[i];
      v1::CaseEvent event = c.events[k];
      event.set_case_id(c.id);
      store::StreamEntry entry = store::ToStreamEntry(event);
      redis::Args add = {"XADD", store::EventsKey(c.shard), "*"};
      for (std::string& f : store::StreamFields(entry)) {
        add.push_back(std::move(f));
      }
      adds.push_back(std::move(add));
    }
    ASSIGN_OR_RETURN(std::vector<redis::Reply> ids, redis->Pipeline(adds));
    std::vector<redis::Args> timelines;
    for (size_t j = from; j < to; ++j) {
      auto [t, i, k] = order[j];
      GeneratedCase& c = (*cases)[i];
      RETURN_IF_ERROR(ids[j - from].ToStatus());
      c.events[k].set_id(ids[j - from].str());
      c.events[k].set_shard(c.shard);
      v1::CaseEvent event = c.events[k];
      event.set_case_id(c.id);
      timelines.push_back({"RPUSH", store::TimelineKey(c.shard, c.id),
                           store::FormatTimelineEntry(event)});
    }
    ASSIGN_OR_RETURN(std::vector<redis::Reply> done,
                     redis->Pipeline(timelines));
    for (const redis::Reply& r : done) RETURN_IF_ERROR(r.ToStatus());
  }
  std::vector<redis::Args> indices;
  for (const GeneratedCase& c : *cases) {
    indices.push_back({"ZADD", store::AllCasesIndexKey(c.shard), "0", c.id});
    indices.push_back(
        {"ZADD", store::StateIndexKey(c.shard, c.events.back().to_state()), "0",
         c.id});
  }
  ASSIGN_OR_RETURN(std::vector<redis::Reply> done, redis->Pipeline(indices));
  for (const redis::Reply& r : done) RETURN_IF_ERROR(r.ToStatus());
  return absl::OkStatus();
}

void FillDirectory(DirectorySnapshot* s) {
  s->regions["330483"] = "桐乡市";
  for (const char* town : kTowns) {
    s->regions[town] = absl::StrCat("town ", town);
    for (int m = 1; m <= 2; ++m) {
      std::string community = absl::StrCat(town, absl::StrFormat("%03d", m));
      s->regions[community] = absl::StrCat("community ", community);
      for (int g = 1; g <= 2; ++g) {
        std::string grid = absl::StrCat(community, absl::StrFormat("%03d", g));
        s->regions[grid] = absl::StrCat("grid ", grid);
      }
    }
  }
  for (const char* d : kDepartments) s->departments[d] = d;
  for (const CategorySpec& c : kCategories) {
    s->categories[c.code] = c.code;
    s->majors[c.major] = c.major;
  }
  for (const char* m : kManagers) s->grid_managers[m] = m;
}

}  // namespace gridcase::stats
